#include "experiments/evaluation/split_evaluation.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <sstream>

#include "supernet/arch/arch_yaml.h"
#include "supernet/data/special_tokens.h"
#include "supernet/translate/translator.h"
#include "util/memory_usage.h"

namespace hat::experiments {

data::ParallelText first_pairs(const data::DataDirectory& data, const std::string& split, int64_t max_sentences) {
  data::ParallelText text = data.load_text(split);
  if (max_sentences > 0 && static_cast<size_t>(max_sentences) < text.size()) {
    text.source.resize(max_sentences);
    text.target.resize(max_sentences);
  }
  return text;
}

SplitTranslation translate_sources(const standalone::InferenceModel& m,
                                   const std::vector<std::string>& sources,
                                   const decode::BeamSearchOptions& search, int64_t max_tokens,
                                   const translate::TranslateWarning& warn,
                                   const translate::TranslateThreads& threads) {
  translate::Translator translator(*m.loaded.model, m.arch, m.vocabulary, search, max_tokens, warn);
  translator.set_threads(threads);
  SplitTranslation result;
  const auto start = std::chrono::steady_clock::now();
  result.hypotheses = translator.translate(sources);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.generated_tokens = translator.generated_tokens();
  result.peak_rss_bytes = util::peak_rss_bytes();
  return result;
}

SplitLoss split_loss(const standalone::InferenceModel& m, const data::DataDirectory& data,
                     const std::string& split, int64_t sentences, int64_t max_tokens) {
  SplitLoss loss;
  const nlohmann::json& trainer = m.loaded.trainer;
  if (trainer.contains("settings")) loss.label_smoothing = trainer["settings"].value("label_smoothing", 0.1);
  const train::Scorer scorer(data.load_split(split), sentences,
                             std::min(max_tokens, kLossBatchTokens), data::kPadId,
                             loss.label_smoothing);
  loss.score = scorer.score(*m.loaded.model, m.arch);
  return loss;
}

std::string format_evaluation_header(const standalone::InferenceModel& m, const std::string& split,
                                     size_t sentences, const decode::BeamSearchOptions& search) {
  std::ostringstream out;
  out << "model: " << m.description << ", arch " << arch::arch_summary(m.arch) << "\n"
      << "split: " << split << ", " << sentences << " sentences, beam " << search.beam
      << ", lenpen " << search.len_penalty << "\n";
  return out.str();
}

std::string format_evaluation_details(const SplitLoss& loss, const SplitTranslation& translation,
                                      const data::ParallelText& text, int64_t examples) {
  const size_t count = text.size();
  const double seconds = translation.seconds;
  char line[256];
  std::snprintf(line, sizeof line,
                "loss = %.4f bits, nll = %.4f bits per target token (%lld tokens, label smoothing %g)\n",
                loss.score.loss_bits, loss.score.nll_bits, static_cast<long long>(loss.score.tokens),
                loss.label_smoothing);
  std::string out = line;
  std::snprintf(line, sizeof line,
                "translated %zu sentences in %.1f s (%.1f sentences/s, %.0f target tokens/s), "
                "peak RSS %.1f MB\n",
                count, seconds, seconds > 0 ? count / seconds : 0.0,
                seconds > 0 ? translation.generated_tokens / seconds : 0.0,
                static_cast<double>(translation.peak_rss_bytes) / 1e6);
  out += line;
  for (size_t i = 0; i < count && i < static_cast<size_t>(examples); ++i)
    out += "example " + std::to_string(i + 1) + ":\n  source:     " + text.source[i] + "\n  reference:  " +
           text.target[i] + "\n  hypothesis: " + translation.hypotheses[i] + "\n";
  return out;
}

}  // namespace hat::experiments
