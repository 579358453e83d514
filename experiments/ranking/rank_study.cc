#include "experiments/ranking/rank_study.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "devices/error.h"
#include "latency/device_profile.h"
#include "latency/predict/deployment_setting.h"
#include "latency/predict/metrics.h"
#include "latency/predict/predictor_file.h"
#include "supernet/arch/arch_yaml.h"
#include "supernet/arch/search_space.h"
#include "supernet/data/data_directory.h"
#include "supernet/data/special_tokens.h"
#include "supernet/export/exporter.h"
#include "supernet/train/scorer.h"
#include "supernet/translate/model_loader.h"
#include "util/atomic_file.h"

namespace hat::experiments {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// What makes two studies the same study: a rerun with other settings must not mix with it.
json study_identity(const RankStudyOptions& o, const translate::LoadedModel& loaded) {
  return {{"checkpoint", fs::absolute(loaded.checkpoint).lexically_normal().string()},
          {"checkpoint_update", loaded.update},
          {"device", o.device},
          {"count", o.count},
          {"pool", o.pool},
          {"seed", o.seed},
          {"fine_tune", o.fine_tune},
          {"seconds_each", o.seconds_each},
          {"updates_each", o.updates_each},
          {"valid_sentences", o.valid_sentences}};
}

json to_json(const RankedArch& a) {
  return {{"hash", a.hash},
          {"arch", arch::arch_to_yaml(a.arch)},
          {"latency_ms", a.latency_ms},
          {"parameters", a.parameters},
          {"inherited_loss", a.inherited_loss},
          {"trained_loss", a.trained_loss ? json(*a.trained_loss) : json(nullptr)}};
}

RankedArch from_json(const json& j, const fs::path& file) {
  RankedArch a;
  a.arch = arch::arch_from_yaml(j.at("arch").get<std::string>(), file.string());
  a.hash = j.at("hash").get<std::string>();
  HAT_CHECK(a.hash == arch::arch_hash(a.arch), file.string(), ": architecture ", a.hash,
            " does not match its own text (the file was edited?)");
  a.latency_ms = j.at("latency_ms").get<double>();
  a.parameters = j.at("parameters").get<int64_t>();
  a.inherited_loss = j.at("inherited_loss").get<double>();
  if (!j.at("trained_loss").is_null()) a.trained_loss = j.at("trained_loss").get<double>();
  return a;
}

void save(const fs::path& file, const json& identity, const std::vector<RankedArch>& archs) {
  json list = json::array();
  for (const RankedArch& a : archs) list.push_back(to_json(a));
  util::write_file_atomically(file, json{{"study", identity}, {"archs", list}}.dump(2));
}

// The predicted latency of SubTransformers on a device (through its trained predictor).
std::function<double(const arch::ArchConfig&)> latency_of(const std::string& name,
                                                          const arch::ModelDims& dims) {
  const latency::DeviceProfile device = latency::resolve_device(name);
  const auto predictor = std::make_shared<latency::LatencyPredictor>(latency::load_device_predictor(
      device, "or spread over parameters with --device none"));
  const latency::InferenceSetting setting = latency::deployment_setting(device, dims);
  return [predictor, setting](const arch::ArchConfig& a) {
    return predictor->predict(latency::summarize_arch(a, setting)).total_ms;
  };
}

// `count` distinct SubTransformers at evenly spaced ranks of predicted latency (or parameter
// count) among `pool` random ones, the fastest and the slowest included, so that the study
// covers the range the search chooses from.
std::vector<RankedArch> pick_archs(const RankStudyOptions& o, const model::SuperTransformer& model,
                                   const arch::SearchSpace& space) {
  std::function<double(const arch::ArchConfig&)> latency;
  if (o.device != "none") latency = latency_of(o.device, model.dims());
  std::map<std::string, RankedArch> distinct;
  for (int64_t i = 0; i < o.pool; ++i) {
    RankedArch a;
    a.arch = arch::sample_arch(space, o.seed * 1000003 + static_cast<uint64_t>(i));
    a.hash = arch::arch_hash(a.arch);
    a.latency_ms = latency ? latency(a.arch) : 0.0;
    a.parameters = model.parameter_count(a.arch, false);
    distinct.emplace(a.hash, a);
  }
  std::vector<RankedArch> all;
  for (auto& [hash, a] : distinct) all.push_back(a);
  std::sort(all.begin(), all.end(), [](const RankedArch& x, const RankedArch& y) {
    if (x.latency_ms != y.latency_ms) return x.latency_ms < y.latency_ms;
    return x.parameters != y.parameters ? x.parameters < y.parameters : x.hash < y.hash;
  });
  HAT_CHECK(static_cast<int64_t>(all.size()) >= o.count, "rank study: only ", all.size(),
            " distinct SubTransformers in a pool of ", o.pool, ", fewer than the ", o.count,
            " asked for: raise the pool or lower the count");
  std::vector<RankedArch> picked;
  for (int k = 0; k < o.count; ++k)  // count >= 2 and all.size() >= count: distinct ranks
    picked.push_back(all[static_cast<size_t>(
        std::llround(static_cast<double>(k) * (all.size() - 1) / (o.count - 1)))]);
  return picked;
}

void update_agreement(RankStudy& study) {
  std::vector<double> inherited, trained;
  for (const RankedArch& a : study.archs)
    if (a.trained_loss) {
      inherited.push_back(a.inherited_loss);
      trained.push_back(*a.trained_loss);
    }
  study.trained = static_cast<int>(trained.size());
  if (trained.size() >= 2) {
    study.kendall_tau = latency::kendall_tau(inherited, trained);
    study.spearman_rho = latency::spearman_rho(inherited, trained);
  }
}

}  // namespace

RankStudy run_rank_study(const RankStudyOptions& o, const RankStudyEvents& events) {
  HAT_CHECK(o.count >= 2 && o.pool >= o.count, "rank study: count ", o.count, " must be >= 2 and pool ",
            o.pool, " >= count");
  const auto print = [&](const std::string& line) {
    if (events.print) events.print(line);
  };
  const data::DataDirectory data(o.data);
  translate::LoadedModel loaded = translate::load_model(o.checkpoint, data, print);
  model::SuperTransformer& model = *loaded.model;
  const arch::SpaceFile& space = loaded.space;
  const json identity = study_identity(o, loaded);
  const fs::path file = o.out / "study.json";
  fs::create_directories(o.out);

  RankStudy study;
  if (fs::exists(file)) {
    std::ifstream in(file);
    json saved;
    try {
      saved = json::parse(in);
    } catch (const json::exception& e) {
      throw Error(str(file.string(), " is not a study file (", e.what(), "): remove it or use another --out"));
    }
    HAT_CHECK(saved.contains("study") && saved["study"] == identity, file.string(),
              " holds a study with other settings (", saved.value("study", json()).dump(),
              "); use another --out or remove it");
    for (const json& j : saved.at("archs")) study.archs.push_back(from_json(j, file));
    print(str("rank study: continuing ", file.string()));
  } else {
    study.archs = pick_archs(o, model, space.space);
    const train::Scorer scorer(data.load_split("valid"), o.valid_sentences, space.settings.max_tokens,
                               data::kPadId, space.settings.label_smoothing);
    for (RankedArch& a : study.archs) {
      a.inherited_loss = scorer.score(model, a.arch).loss_bits;
      print(str("inherited: ", a.hash, " ", arch::arch_summary(a.arch), ": valid loss ",
                a.inherited_loss, " bits"));
    }
    save(file, identity, study.archs);
  }

  for (RankedArch& a : study.archs) {
    if (a.trained_loss) continue;
    train::TrainerConfig config;
    config.data_dir = o.data;
    config.save_dir = o.out / ("arch-" + a.hash);
    config.space = space;
    config.settings = space.settings;
    config.settings.validate_interval_updates = config.settings.save_interval_updates = 250;
    config.settings.keep_last = 1;
    if (o.updates_each > 0) config.settings.max_update = o.updates_each;
    config.arch = a.arch;
    config.time_budget_seconds = o.seconds_each;
    config.valid_max_sentences = o.valid_sentences;
    config.resume = fs::exists(config.save_dir / "checkpoint_last");
    if (o.fine_tune) {
      config.init_model = o.out / ("inherited-" + a.hash);
      if (!fs::exists(*config.init_model))
        standalone::export_model(loaded, a.arch, data, {*config.init_model, false, {}}, print);
    }
    print(str(config.resume ? "continuing " : "training ", a.hash, " (",
              o.fine_tune ? "fine-tuned from inherited weights" : "from scratch", ") in ",
              config.save_dir.string()));
    const train::TrainResult result = train::train(config, events.training);
    if (result.stop_reason == "stopped") {
      study.stopped = true;
      break;
    }
    a.trained_loss = result.best_valid_loss_bits;
    save(file, identity, study.archs);
  }
  update_agreement(study);
  return study;
}

std::string format_rank_table(const RankStudy& study, const std::string& device) {
  // Ranks (1 = lowest loss) among the trained ones, for the pairs.
  const auto ranks = [&](bool trained) {
    std::vector<int> out(study.archs.size(), 0);
    std::vector<size_t> order;
    for (size_t i = 0; i < study.archs.size(); ++i)
      if (study.archs[i].trained_loss) order.push_back(i);
    const auto loss = [&](size_t i) {
      return trained ? *study.archs[i].trained_loss : study.archs[i].inherited_loss;
    };
    std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) { return loss(x) < loss(y); });
    for (size_t r = 0; r < order.size(); ++r) out[order[r]] = static_cast<int>(r + 1);
    return out;
  };
  const std::vector<int> inherited_rank = ranks(false), trained_rank = ranks(true);
  std::ostringstream out;
  char line[256];
  std::snprintf(line, sizeof line, "| %-16s | %10s | %10s | %14s | %12s | %5s | %5s |\n", "SubTransformer",
                (device + " ms").c_str(), "parameters", "inherited loss", "trained loss", "rank", "rank");
  out << line;
  out << "|------------------|-----------:|-----------:|---------------:|-------------:|------:|------:|\n";
  for (size_t i = 0; i < study.archs.size(); ++i) {
    const RankedArch& a = study.archs[i];
    const std::string trained = a.trained_loss ? str(std::round(*a.trained_loss * 1000) / 1000) : "-";
    std::snprintf(line, sizeof line, "| %-16s | %10.1f | %9.2fM | %14.3f | %12s | %5s | %5s |\n",
                  a.hash.c_str(), a.latency_ms, a.parameters / 1e6, a.inherited_loss, trained.c_str(),
                  a.trained_loss ? std::to_string(inherited_rank[i]).c_str() : "-",
                  a.trained_loss ? std::to_string(trained_rank[i]).c_str() : "-");
    out << line;
  }
  if (study.trained >= 2)
    std::snprintf(line, sizeof line,
                  "Kendall tau %.3f, Spearman rho %.3f between the inherited and the trained order "
                  "(%d of %zu SubTransformers trained)\n",
                  study.kendall_tau, study.spearman_rho, study.trained, study.archs.size());
  else
    std::snprintf(line, sizeof line, "%d of %zu SubTransformers trained: no agreement yet\n",
                  study.trained, study.archs.size());
  out << line;
  return out.str();
}

}  // namespace hat::experiments
