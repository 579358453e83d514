// Translating raw text with a SubTransformer (see translator.h).
#include "supernet/translate/translator.h"

#include <algorithm>
#include <atomic>
#include <cstddef>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "devices/error.h"
#include "devices/threads.h"
#include "supernet/data/normalize.h"
#include "util/utf8.h"

namespace hat::translate {

Translator::Translator(const model::SuperTransformer& model, const arch::ArchConfig& arch,
                       const data::Vocabulary& vocabulary, const decode::BeamSearchOptions& beam,
                       int64_t max_tokens, TranslateWarning warn)
    : model_(model),
      vocabulary_(vocabulary),
      beam_(beam),
      max_tokens_(max_tokens),
      warn_(std::move(warn)),
      arch_(arch) {
  HAT_CHECK(max_tokens >= 1, "Translator: max_tokens must be >= 1, not ", max_tokens);
  HAT_CHECK(beam.beam >= 1, "Translator: beam must be >= 1, not ", beam.beam);
  HAT_CHECK(vocabulary.size() == model.dims().vocab_size, "Translator: the vocabulary has ",
            vocabulary.size(), " pieces, the model ", model.dims().vocab_size);
  decoders_.push_back(std::make_unique<decode::IncrementalDecoder>(model, arch));
}

Translator::~Translator() = default;

void Translator::set_threads(const TranslateThreads& threads) {
  HAT_CHECK(threads.inter >= 1 && threads.intra >= 0, "Translator: inter threads (", threads.inter,
            ") must be >= 1 and intra threads (", threads.intra, ") >= 0");
  threads_ = threads;
  while (static_cast<int>(decoders_.size()) < threads_.inter)
    decoders_.push_back(std::make_unique<decode::IncrementalDecoder>(model_, arch_));
}

int64_t Translator::max_source_tokens() const { return model_.dims().max_positions - 1; }

int64_t Translator::peak_cache_bytes() const {
  int64_t bytes = 0;
  for (const auto& decoder : decoders_) bytes += decoder->peak_cache_bytes();
  return bytes;
}

std::vector<std::vector<int32_t>> Translator::translate_ids(
    const std::vector<std::vector<int32_t>>& sources) {
  std::vector<size_t> order;
  for (size_t i = 0; i < sources.size(); ++i) {
    HAT_CHECK(static_cast<int64_t>(sources[i].size()) <= max_source_tokens(), "Translator: source ",
              i + 1, " has ", sources[i].size(), " tokens, more than the model's ",
              max_source_tokens());
    if (!sources[i].empty()) order.push_back(i);
  }
  // Longest first, ties in input order: the same batches every time.
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return sources[a].size() > sources[b].size(); });
  std::vector<std::vector<size_t>> batches;
  size_t begin = 0;
  while (begin < order.size()) {
    const int64_t width = static_cast<int64_t>(sources[order[begin]].size()) + 1;
    size_t end = begin + 1;
    while (end < order.size() && static_cast<int64_t>(end - begin + 1) * width <= max_tokens_) ++end;
    batches.emplace_back(order.begin() + static_cast<std::ptrdiff_t>(begin),
                         order.begin() + static_cast<std::ptrdiff_t>(end));
    begin = end;
  }
  std::vector<std::vector<int32_t>> out(sources.size());
  run_batches(batches, sources, out);
  return out;
}

void Translator::run_batches(const std::vector<std::vector<size_t>>& batches,
                             const std::vector<std::vector<int32_t>>& sources,
                             std::vector<std::vector<int32_t>>& out) {
  std::atomic<int64_t> tokens{0};
  const auto translate_batch = [&](size_t b, decode::IncrementalDecoder& decoder) {
    std::vector<std::vector<int32_t>> batch;
    for (size_t i : batches[b]) batch.push_back(sources[i]);
    std::vector<decode::Hypothesis> hyps = decode::beam_search(decoder, batch, beam_);
    for (size_t k = 0; k < hyps.size(); ++k) {
      tokens += static_cast<int64_t>(hyps[k].tokens.size());
      out[batches[b][k]] = std::move(hyps[k].tokens);
    }
  };
  // The caller's OpenMP threads are restored after (intra is a setting of each thread).
  struct Restore {
    int threads;
    ~Restore() { set_num_threads(threads); }
  } restore{num_threads()};
  const int inter = threads_.inter, intra = threads_.intra > 0 ? threads_.intra : num_threads();
  if (inter == 1) {
    set_num_threads(intra);
    for (size_t b = 0; b < batches.size(); ++b) translate_batch(b, *decoders_[0]);
  } else {
    // One arena of `inter` slots: the calling thread and inter - 1 TBB workers, each taking the
    // next batch (longest first) with the decoder of its slot and `intra` OpenMP threads.
    tbb::task_arena arena(inter);
    arena.execute([&] {
      tbb::parallel_for(
          tbb::blocked_range<size_t>(0, batches.size(), 1),
          [&](const tbb::blocked_range<size_t>& range) {
            const int slot = tbb::this_task_arena::current_thread_index();
            HAT_CHECK(slot >= 0 && slot < inter, "Translator: arena slot ", slot, " outside ",
                      inter);
            set_num_threads(intra);
            for (size_t b = range.begin(); b != range.end(); ++b) translate_batch(b, *decoders_[slot]);
          },
          tbb::simple_partitioner());
    });
  }
  generated_tokens_ += tokens;
}

std::vector<std::string> Translator::translate(const std::vector<std::string>& lines) {
  std::vector<std::vector<int32_t>> sources(lines.size());
  const size_t limit = static_cast<size_t>(max_source_tokens());
  size_t cut = 0, first_cut = 0, first_length = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    const size_t bad = util::find_invalid_utf8(lines[i]);
    HAT_CHECK(bad == std::string::npos, "translate: line ", i + 1,
              " is not valid UTF-8 (byte ", bad + 1, ")");
    sources[i] = vocabulary_.encode(data::normalize_text(lines[i]));
    if (sources[i].size() > limit) {
      if (cut++ == 0) {
        first_cut = i + 1;
        first_length = sources[i].size();
      }
      sources[i].resize(limit);
    }
  }
  if (cut > 0 && warn_)
    warn_(str(cut, " line(s) longer than the model's ", limit, " source tokens were cut to ", limit,
              " (first: line ", first_cut, ", ", first_length, " tokens)"));
  const std::vector<std::vector<int32_t>> ids = translate_ids(sources);
  std::vector<std::string> out(lines.size());
  for (size_t i = 0; i < ids.size(); ++i)
    if (!ids[i].empty()) out[i] = vocabulary_.decode(ids[i]);
  return out;
}

}  // namespace hat::translate
