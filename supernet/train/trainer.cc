#include "supernet/train/trainer.h"

#include <chrono>
#include <cmath>
#include <limits>
#include <numbers>

#include <nlohmann/json.hpp>

#include "devices/random.h"
#include "supernet/arch/arch_yaml.h"
#include "supernet/arch/search_space.h"
#include "supernet/checkpoint/checkpoint_store.h"
#include "supernet/data/collate.h"
#include "supernet/data/data_directory.h"
#include "supernet/data/special_tokens.h"
#include "supernet/data/token_batches.h"
#include "supernet/export/model_directory.h"
#include "supernet/model/super_transformer.h"
#include "supernet/optim/adam.h"
#include "supernet/optim/grad_norm.h"
#include "supernet/train/lr_schedule_factory.h"
#include "supernet/train/metrics_log.h"
#include "supernet/train/scorer.h"
#include "supernet/train/train_settings_json.h"

namespace hat::train {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// The SubTransformer of update u depends on (seed, u) alone, as HAT seeds its sampler with the
// update number: a resumed run samples exactly what the uninterrupted one would have.
uint64_t arch_seed(uint64_t seed, int64_t update) {
  return mix64(mix64(seed) ^ static_cast<uint64_t>(update));
}

// Dropout masks of micro-batch k of update u: distinct for every (seed, u, k).
uint64_t dropout_seed(uint64_t seed, int64_t update, int64_t micro_batch) {
  return mix64(arch_seed(seed, update) + kGoldenGamma * static_cast<uint64_t>(micro_batch + 1));
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string vocabulary_checksum(const data::DataDirectory& data) {
  const auto& files = data.metadata().files;
  const auto it = files.find("spm.model");
  HAT_CHECK(it != files.end(), data.path().string(), ": metadata lists no spm.model");
  return it->second.sha256;
}

// Settings that may differ when a run resumes: how long to train and how often to report.
arch::TrainSettings comparable(arch::TrainSettings s) {
  s.max_update = 0;
  s.validate_interval_updates = s.save_interval_updates = s.keep_last = 0;
  return s;
}

class TrainingRun {
 public:
  TrainingRun(const TrainerConfig& config, const TrainerEvents& events)
      : config_(config), events_(events), s_(config.settings), data_(config.data_dir) {
    arch::validate_space(config.space.space);
    HAT_CHECK(s_.update_freq >= 1 && s_.max_update >= 0 && s_.max_tokens > 0,
              "hattrain: update-freq (", s_.update_freq, ") must be >= 1, max-update (",
              s_.max_update, ") >= 0 and max-tokens (", s_.max_tokens, ") > 0");
    HAT_CHECK(s_.validate_interval_updates > 0 && s_.save_interval_updates > 0 && s_.keep_last >= 1,
              "hattrain: validate and save intervals must be > 0 and keep-last >= 1");
    if (config.arch) arch::validate_arch(config.space.space, *config.arch);
    dims_ = config.space.space.super_dims;
    dims_.vocab_size = data_.vocab_size();
    dims_.padding_idx = data::kPadId;
    model_ = std::make_unique<model::SuperTransformer>(dims_);
    model_->init_parameters(s_.seed);
    if (config.init_model) inherit_weights(*config.init_model);
    adam_ = std::make_unique<optim::Adam>(model_->parameters(),
                                          optim::AdamOptions{.beta1 = s_.adam_beta1,
                                                             .beta2 = s_.adam_beta2,
                                                             .eps = s_.adam_eps,
                                                             .weight_decay = s_.weight_decay});
    schedule_ = make_schedule(s_);
    train_ = data_.load_split("train");
    batcher_ = std::make_unique<data::TokenBatcher>(
        train_.source.lengths(), train_.target.lengths(),
        data::BatchOptions{.max_tokens = static_cast<uint64_t>(s_.max_tokens), .seed = s_.seed});
    HAT_CHECK(batcher_->skipped() < train_.size(), "hattrain: every training sentence is longer than max-tokens ",
              s_.max_tokens);
    const data::TokenSplit valid = data_.load_split("valid");
    scorer_ = std::make_unique<Scorer>(valid, config.valid_max_sentences, s_.max_tokens,
                                       data::kPadId, s_.label_smoothing);
    store_ = std::make_unique<CheckpointStore>(config.save_dir, s_.keep_last);
  }

  TrainResult run() {
    restore_or_start();
    MetricsLog metrics(config_.save_dir / "metrics.csv", update_);
    data::BatchIterator batches(*batcher_, cursor_);
    start_ = std::chrono::steady_clock::now();
    TrainResult result;
    result.stop_reason = "max-update";
    if (update_ >= s_.max_update && last_checkpoint_) {  // a finished run, resumed: nothing to do
      message(str("already at update ", update_, " of ", s_.max_update, "; nothing to train"));
      result.updates = update_;
      result.last_checkpoint = *last_checkpoint_;
      result.best_valid_loss_bits = best_loss_;
      return result;
    }
    Interval interval;
    int64_t validated_at = -1, saved_at = update_;
    while (update_ < s_.max_update) {
      if (events_.stop_requested && events_.stop_requested()) {
        result.stop_reason = "stopped";
        break;
      }
      if (config_.time_budget_seconds > 0 && seconds_since(start_) >= config_.time_budget_seconds) {
        result.stop_reason = "time-budget";
        break;
      }
      train_one_update(batches, interval);
      if (update_ % config_.log_interval == 0 || update_ == s_.max_update)
        report(interval, batches.cursor().epoch, metrics);
      if (update_ % s_.validate_interval_updates == 0) {
        validate(metrics);
        validated_at = update_;
      }
      if (update_ % s_.save_interval_updates == 0) {
        save();
        saved_at = update_;
      }
    }
    if (interval.updates > 0) report(interval, batches.cursor().epoch, metrics);  // stopped early
    if (validated_at != update_ && update_ > 0) validate(metrics);
    if (saved_at != update_ || !last_checkpoint_.has_value()) save();
    result.updates = update_;
    result.last_checkpoint = last_checkpoint_.value_or(fs::path());
    result.best_valid_loss_bits = best_loss_;
    message(str("stopped at update ", update_, " (", result.stop_reason, ")"));
    return result;
  }

 private:
  // Sums over the updates since the last metrics row.
  struct Interval {
    int updates = 0;
    double loss = 0, nll = 0, tokens = 0, seconds = 0, grad_norm = 0, lr = 0;
    std::string arch_hash;
    TrainProgress progress(int64_t update, int64_t max_update, uint64_t epoch, double elapsed) const {
      TrainProgress p;
      p.update = update;
      p.max_update = max_update;
      p.epoch = epoch;
      p.elapsed_seconds = elapsed;
      p.lr = lr;
      p.loss_bits = loss / tokens / std::numbers::ln2;
      p.nll_bits = nll / tokens / std::numbers::ln2;
      p.target_tokens_per_second = tokens / seconds;
      p.grad_norm = grad_norm / updates;
      p.arch_hash = arch_hash;
      return p;
    }
  };

  // Writes the interval's metrics row, tells the caller, and starts a new interval.
  void report(Interval& interval, uint64_t epoch, MetricsLog& metrics) const {
    TrainProgress p = interval.progress(update_, s_.max_update, epoch, elapsed());
    p.arch_choice = choice_of_update(update_ - 1);  // the interval's last update
    metrics.write(p);
    if (events_.on_progress) events_.on_progress(p);
    interval = {};
  }

  void message(const std::string& text) const {
    if (events_.on_message) events_.on_message(text);
  }

  double elapsed() const { return elapsed_before_ + seconds_since(start_); }

  // How the update after `update` done ones chooses its SubTransformer: --arch's; otherwise the
  // largest for the first largest-first-updates, then one sampled uniformly.
  TrainProgress::ArchChoice choice_of_update(int64_t update) const {
    if (config_.arch) return TrainProgress::ArchChoice::fixed;
    return update < s_.largest_first_updates ? TrainProgress::ArchChoice::largest_first
                                             : TrainProgress::ArchChoice::sampled;
  }

  arch::ArchConfig arch_of_update(int64_t update) const {
    switch (choice_of_update(update)) {
      case TrainProgress::ArchChoice::fixed: return *config_.arch;
      case TrainProgress::ArchChoice::largest_first: return arch::largest_arch(config_.space.space);
      case TrainProgress::ArchChoice::sampled: break;
    }
    return arch::sample_arch(config_.space.space, arch_seed(s_.seed, update));
  }

  // One optimizer update: update_freq micro-batches accumulated, gradients normalised by the
  // target tokens of the whole update (fairseq's sample_size), clipped, one Adam step.
  void train_one_update(data::BatchIterator& batches, Interval& interval) {
    const auto start = std::chrono::steady_clock::now();
    const arch::ArchConfig arch = arch_of_update(update_);
    const model::Regularization reg{.dropout = s_.dropout,
                                    .attention_dropout = s_.attention_dropout,
                                    .activation_dropout = s_.activation_dropout,
                                    .label_smoothing = s_.label_smoothing};
    model_->parameters().zero_grad();
    model::LossSums sums;
    for (int64_t k = 0; k < s_.update_freq; ++k) {
      const model::ModelBatch batch = model::to_model_batch(
          data::collate(train_.source, train_.target, batches.next()), data::kPadId);
      sums += model_->forward_backward(arch, batch, reg, dropout_seed(s_.seed, update_, k));
    }
    const Tensor& grads = model_->parameters().grads();
    optim::scale_grads(grads, 1.0 / static_cast<double>(sums.tokens));
    double norm = 0;
    try {
      norm = optim::clip_grad_norm(grads, s_.clip_norm);
    } catch (const Error& e) {
      throw Error(str("hattrain: update ", update_ + 1, " diverged (", e.what(),
                      "); the last checkpoint is intact: resume with a lower lr"));
    }
    const double lr = schedule_->lr(update_);
    adam_->step(lr);
    ++update_;
    interval.updates++;
    interval.loss += sums.loss;
    interval.nll += sums.nll;
    interval.tokens += static_cast<double>(sums.tokens);
    interval.grad_norm += norm;
    interval.lr = lr;
    interval.seconds += seconds_since(start);
    interval.arch_hash = arch::arch_hash(arch);
    cursor_ = batches.cursor();
  }

  void validate(MetricsLog& metrics) {
    std::vector<std::pair<std::string, arch::ArchConfig>> archs;
    if (config_.arch)
      archs.emplace_back("arch", *config_.arch);
    else
      archs = {{"largest", arch::largest_arch(config_.space.space)},
               {"smallest", arch::smallest_arch(config_.space.space)}};
    bool first = true;
    for (const auto& [name, arch] : archs) {
      const Score score = scorer_->score(*model_, arch);
      ValidationRecord v{.update = update_,
                         .elapsed_seconds = elapsed(),
                         .name = name,
                         .arch_hash = arch::arch_hash(arch),
                         .loss_bits = score.loss_bits,
                         .nll_bits = score.nll_bits};
      metrics.write(v);
      if (events_.on_validation) events_.on_validation(v);
      // The best checkpoint is judged by the largest SubTransformer (or the fixed one).
      if (first && score.loss_bits < best_loss_) {
        best_loss_ = score.loss_bits;
        best_pending_ = true;
      }
      first = false;
    }
  }

  // Fine-tuning: the model directory's tensors into the leading blocks (a resumed run then
  // replaces every parameter from its checkpoint).
  void inherit_weights(const fs::path& dir) {
    const standalone::ModelConfig init = standalone::read_model_config(dir);
    HAT_CHECK(config_.arch.has_value() && *config_.arch == init.arch, "hattrain: --init ",
              dir.string(), " holds architecture ", arch::arch_hash(init.arch),
              config_.arch ? ", not the --arch given (" + arch::arch_hash(*config_.arch) + ")"
                           : std::string());
    standalone::check_model_vocabulary(init, dir, data_);
    standalone::load_model_tensors(dir, init, *model_);
    message(
        str("inherited the weights of ", dir.string(), " (", arch::arch_summary(init.arch), ")"));
  }

  json state() const {
    return {{"update", update_},
            {"cursor", cursor_.to_string()},
            {"elapsed_seconds", elapsed()},
            {"best_valid_loss_bits", std::isfinite(best_loss_) ? json(best_loss_) : json(nullptr)},
            {"settings", s_},
            {"space",
             {{"name", config_.space.space.name},
              {"hash", config_.space.hash},
              {"text", config_.space.text}}},
            {"arch", config_.arch ? json(arch::arch_to_yaml(*config_.arch)) : json(nullptr)},
            {"init_model",
             config_.init_model ? json(fs::absolute(*config_.init_model).string()) : json(nullptr)},
            {"vocab_size", dims_.vocab_size},
            {"vocab_sha256", vocabulary_checksum(data_)},
            {"data_dir", fs::absolute(config_.data_dir).string()}};
  }

  void save() {
    last_checkpoint_ = store_->save(update_, model_->parameters(), *adam_, state(), best_pending_);
    best_pending_ = false;
    message(str("saved ", last_checkpoint_->string()));
  }

  void restore_or_start() {
    const std::optional<fs::path> latest = store_->latest();
    if (!config_.resume) {
      HAT_CHECK(!latest, "hattrain: ", config_.save_dir.string(), " already holds checkpoints (",
                latest ? latest->filename().string() : "", "); pass --resume to continue that "
                "run, or choose another --save-dir");
      message(str(config_.init_model ? "fine-tuning" : "training from scratch", " into ",
                  config_.save_dir.string()));
      return;
    }
    if (!latest) {
      message(str("no checkpoint in ", config_.save_dir.string(), ": ",
                  config_.init_model ? "fine-tuning" : "training from scratch"));
      return;
    }
    const json st = store_->load(*latest, model_->parameters(), *adam_);
    const auto where = latest->string();
    HAT_CHECK(st.at("space").at("hash") == config_.space.hash, "hattrain: ", where,
              " was trained on search space '", st.at("space").at("name").get<std::string>(),
              "' (hash ", st.at("space").at("hash").get<std::string>(), "), not on '",
              config_.space.space.name, "' (hash ", config_.space.hash, ")");
    HAT_CHECK(st.at("vocab_sha256") == vocabulary_checksum(data_), "hattrain: ", where,
              " was trained with another vocabulary than ", config_.data_dir.string(),
              "'s spm.model (checksums differ)");
    const json arch = config_.arch ? json(arch::arch_to_yaml(*config_.arch)) : json(nullptr);
    HAT_CHECK(st.at("arch") == arch, "hattrain: ", where, " trained ",
              st.at("arch").is_null() ? "the SuperTransformer" : "a fixed SubTransformer",
              "; resume it with the same --arch");
    HAT_CHECK(comparable(arch::settings_of_state(st)) == comparable(s_),
              "hattrain: ", where, " was trained with other settings: ", st.at("settings").dump(),
              "; only max-update and the intervals may change on resume");
    update_ = st.at("update").get<int64_t>();
    cursor_ = data::BatchCursor::parse(st.at("cursor").get<std::string>());
    elapsed_before_ = st.at("elapsed_seconds").get<double>();
    if (!st.at("best_valid_loss_bits").is_null()) best_loss_ = st.at("best_valid_loss_bits").get<double>();
    last_checkpoint_ = *latest;
    message(str("resumed from ", where, " at update ", update_));
  }

  const TrainerConfig& config_;
  const TrainerEvents& events_;
  arch::TrainSettings s_;
  data::DataDirectory data_;
  arch::ModelDims dims_;
  std::unique_ptr<model::SuperTransformer> model_;
  std::unique_ptr<optim::Adam> adam_;
  std::unique_ptr<optim::LrSchedule> schedule_;
  data::TokenSplit train_;
  std::unique_ptr<data::TokenBatcher> batcher_;
  std::unique_ptr<Scorer> scorer_;
  std::unique_ptr<CheckpointStore> store_;

  int64_t update_ = 0;
  data::BatchCursor cursor_;
  double elapsed_before_ = 0;
  double best_loss_ = std::numeric_limits<double>::infinity();
  bool best_pending_ = false;
  std::optional<fs::path> last_checkpoint_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace

TrainResult train(const TrainerConfig& config, const TrainerEvents& events) {
  TrainingRun run(config, events);
  return run.run();
}

}  // namespace hat::train
