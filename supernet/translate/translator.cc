// Translating raw text with a SubTransformer (see translator.h).
#include "supernet/translate/translator.h"

#include <algorithm>
#include <numeric>

#include "devices/error.h"
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
      decoder_(model, arch) {
  HAT_CHECK(max_tokens >= 1, "Translator: max_tokens must be >= 1, not ", max_tokens);
  HAT_CHECK(beam.beam >= 1, "Translator: beam must be >= 1, not ", beam.beam);
  HAT_CHECK(vocabulary.size() == model.dims().vocab_size, "Translator: the vocabulary has ",
            vocabulary.size(), " pieces, the model ", model.dims().vocab_size);
}

Translator::~Translator() = default;

int64_t Translator::max_source_tokens() const { return model_.dims().max_positions - 1; }

std::vector<std::vector<int32_t>> Translator::translate_ids(
    const std::vector<std::vector<int32_t>>& sources) {
  std::vector<std::vector<int32_t>> out(sources.size());
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
  size_t begin = 0;
  while (begin < order.size()) {
    const int64_t width = static_cast<int64_t>(sources[order[begin]].size()) + 1;
    size_t end = begin + 1;
    while (end < order.size() && static_cast<int64_t>(end - begin + 1) * width <= max_tokens_) ++end;
    std::vector<std::vector<int32_t>> batch;
    for (size_t k = begin; k < end; ++k) batch.push_back(sources[order[k]]);
    std::vector<decode::Hypothesis> hyps = decode::beam_search(decoder_, batch, beam_);
    for (size_t k = begin; k < end; ++k) {
      generated_tokens_ += static_cast<int64_t>(hyps[k - begin].tokens.size());
      out[order[k]] = std::move(hyps[k - begin].tokens);
    }
    begin = end;
  }
  return out;
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
