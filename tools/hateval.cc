// hateval: scores translations the way sacreBLEU does by default (BLEU, chrF2). A thin main:
// parse options, read the files, call the scorers in supernet/eval, print.
#include <boost/program_options.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "devices/threads.h"
#include "supernet/arch/arch_yaml.h"
#include "supernet/data/data_directory.h"
#include "supernet/data/special_tokens.h"
#include "supernet/export/inference_model.h"
#include "supernet/train/scorer.h"
#include "supernet/translate/translator.h"

#include "supernet/eval/bleu.h"
#include "supernet/eval/chrf.h"
#include "supernet/eval/eval_files.h"
#include "tools/cli/cli.h"
#include "tools/cli/model_choice.h"

namespace po = boost::program_options;
using namespace hat;

namespace {

constexpr const char* kAbout =
    "usage: hateval --hyp FILE --ref FILE [--ref FILE ...] [options]\n"
    "       hateval --model DIR --data DIR --split test [options]\n"
    "       hateval --checkpoint DIR --data DIR --split test [--arch largest] [options]\n\n"
    "Scores a detokenized hypothesis file against one or more reference files (one segment a\n"
    "line, UTF-8) with sacreBLEU 2.x's defaults: corpus BLEU (13a tokens, case-sensitive,\n"
    "4-grams, exp smoothing) and chrF2 (character 6-grams, beta 2, whitespace removed).\n"
    "Each metric prints a sacreBLEU-style score line followed by its signature line.\n"
    "The model mode translates a split's source text with a standalone model (--model: a model\n"
    "directory from hatexport) or a SubTransformer of a trained SuperTransformer (inherited\n"
    "weights), scores it against the split's target text, and prints the model's loss and nll\n"
    "on the split in bits per target token. The data directory supplies the split; its\n"
    "vocabulary must be the model's.\n";

// --metrics "bleu,chrf" -> which to print. Throws UsageError on an unknown name.
void parse_metrics(const std::string& text, bool& bleu, bool& chrf) {
  bleu = chrf = false;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    const std::string name = text.substr(start, end - start);
    if (name == "bleu") bleu = true;
    else if (name == "chrf") chrf = true;
    else throw cli::UsageError("--metrics: unknown metric '" + name + "' (bleu, chrf)");
    start = end + 1;
  }
}

// Prints the chosen metrics of hypotheses against references.
void print_scores(const eval::ScoringInput& input, bool bleu, bool chrf, bool score_only) {
  if (bleu) {
    const eval::BleuScore score = eval::corpus_bleu(input.hyps, input.refs);
    if (score_only) {
      std::printf("%.2f\n", score.score);
    } else {
      std::cout << score.format() << "\n";
      std::cout << "BLEU signature: " << eval::bleu_signature(input.refs) << "\n";
    }
  }
  if (chrf) {
    const double score = eval::corpus_chrf(input.hyps, input.refs);
    if (score_only) {
      std::printf("%.2f\n", score);
    } else {
      std::cout << eval::format_chrf(score) << "\n";
      std::cout << "chrF signature: " << eval::chrf_signature(input.refs) << "\n";
    }
  }
}

// The file mode: hypotheses from a file.
int score_files(const po::variables_map& vm, bool bleu, bool chrf) {
  if (!vm.count("ref")) throw cli::UsageError("--hyp needs at least one --ref");
  std::vector<std::filesystem::path> refs;
  for (const auto& r : vm["ref"].as<std::vector<std::string>>()) refs.emplace_back(r);
  print_scores(eval::read_scoring_input(vm["hyp"].as<std::string>(), refs), bleu, chrf,
               vm["score-only"].as<bool>());
  return 0;
}

// The model mode: hypotheses by translating the split's source text.
int score_model(const po::variables_map& vm, bool bleu, bool chrf) {
  const int64_t beam = vm["beam"].as<int64_t>(), max_tokens = vm["max-tokens"].as<int64_t>();
  const int64_t max_sentences = vm["max-sentences"].as<int64_t>();
  const int64_t examples = vm["examples"].as<int64_t>();
  if (beam < 1) throw cli::UsageError("--beam must be >= 1");
  if (max_tokens < 1) throw cli::UsageError("--max-tokens must be >= 1");
  if (max_sentences < 0 || examples < 0)
    throw cli::UsageError("--max-sentences and --examples must be >= 0");
  set_num_threads(vm["threads"].as<int>());
  const bool score_only = vm["score-only"].as<bool>();
  const auto warn = [](const std::string& m) { std::cerr << "hateval: warning: " << m << "\n"; };

  ModelChoice choice = cli::model_choice(vm);
  choice.data = vm["data"].as<std::string>();  // the split's, so always checked
  const InferenceModel m = open_inference_model(choice, warn);
  const LoadedModel& loaded = m.loaded;
  const ArchConfig& arch = m.arch;
  const data::DataDirectory data(vm["data"].as<std::string>());
  const std::string split = vm["split"].as<std::string>();
  data::ParallelText text = data.load_text(split);
  size_t count = text.size();
  if (max_sentences > 0 && static_cast<size_t>(max_sentences) < count) count = max_sentences;
  text.source.resize(count);
  text.target.resize(count);
  if (!score_only)
    std::cout << "model: " << m.description << ", arch " << arch_summary(arch) << "\n"
              << "split: " << split << ", " << count << " sentences, beam " << beam
              << ", lenpen " << vm["lenpen"].as<double>() << "\n";

  BeamSearchOptions options;
  options.beam = beam;
  options.len_penalty = vm["lenpen"].as<double>();
  Translator translator(*loaded.model, arch, m.vocabulary, options, max_tokens, warn);
  const auto start = std::chrono::steady_clock::now();
  eval::ScoringInput input;
  input.hyps = translator.translate(text.source);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  input.refs = {text.target};
  print_scores(input, bleu, chrf, score_only);

  const double smoothing = loaded.trainer.contains("settings")
                               ? loaded.trainer["settings"].value("label_smoothing", 0.1)
                               : 0.1;
  const Scorer scorer(data.load_split(split), static_cast<int64_t>(count), max_tokens,
                      data::kPadId, smoothing);
  const Score score = scorer.score(*loaded.model, arch);
  if (score_only) {
    std::printf("%.4f\n%.4f\n", score.loss_bits, score.nll_bits);
    return 0;
  }
  std::printf("loss = %.4f bits, nll = %.4f bits per target token (%lld tokens, label smoothing %g)\n",
              score.loss_bits, score.nll_bits, static_cast<long long>(score.tokens), smoothing);
  std::printf("translated %zu sentences in %.1f s (%.1f sentences/s, %.0f target tokens/s)\n",
              count, seconds, seconds > 0 ? count / seconds : 0.0,
              seconds > 0 ? translator.generated_tokens() / seconds : 0.0);
  for (size_t i = 0; i < count && i < static_cast<size_t>(examples); ++i)
    std::cout << "example " << i + 1 << ":\n  source:     " << text.source[i]
              << "\n  reference:  " << text.target[i] << "\n  hypothesis: " << input.hyps[i] << "\n";
  return 0;
}

int run(int argc, char** argv) {
  po::options_description files("Scoring files");
  files.add_options()
      ("hyp", po::value<std::string>(), "hypotheses: detokenized text, one segment a line")
      ("ref", po::value<std::vector<std::string>>()->composing(),
       "references, same line count (repeat for several references)");
  po::options_description model("Scoring a model (when --hyp is not given)");
  model.add_options()
      ("model", po::value<std::string>(), "model directory from hatexport (instead of --checkpoint)")
      ("checkpoint", po::value<std::string>()->default_value("checkpoints/default"),
       "checkpoint directory, or a save directory (its newest checkpoint)")
      ("data", po::value<std::string>()->default_value("data/default"), "data directory")
      ("split", po::value<std::string>()->default_value("test"), "train, valid or test")
      ("arch", po::value<std::string>()->default_value("largest"),
       "SubTransformer: largest, smallest, trained, or an architecture YAML file (with --model: "
       "the model's own)")
      ("beam", po::value<int64_t>()->default_value(5), "beam size")
      ("lenpen", po::value<double>()->default_value(1.0), "length penalty")
      ("max-tokens", po::value<int64_t>()->default_value(4096), "source tokens per batch")
      ("max-sentences", po::value<int64_t>()->default_value(0), "score the first N sentences (0: all)")
      ("examples", po::value<int64_t>()->default_value(0), "print the first N translations")
      ("threads", po::value<int>()->default_value(0), "CPU threads (0: all cores)");
  po::options_description output("Output");
  output.add_options()
      ("metrics", po::value<std::string>()->default_value("bleu,chrf"), "bleu, chrf, or bleu,chrf")
      ("score-only,b", po::bool_switch(), "print only the numbers, one metric a line")
      ("help,h", "show this help");
  po::options_description all;
  all.add(files).add(model).add(output);
  const auto parsed = cli::parse_options(argc, argv, all, kAbout);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;
  bool bleu = false, chrf = false;
  parse_metrics(vm["metrics"].as<std::string>(), bleu, chrf);
  if (vm.count("hyp")) return score_files(vm, bleu, chrf);
  return score_model(vm, bleu, chrf);
}

}  // namespace

int main(int argc, char** argv) {
  return cli::run_tool("hateval", [&] { return run(argc, argv); });
}
