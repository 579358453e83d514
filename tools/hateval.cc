// hateval: scores translations the way sacreBLEU does by default (BLEU, chrF2). A thin main:
// parse options, read the files or evaluate the model (experiments/evaluation), print.
#include <boost/program_options.hpp>

#include <cstdio>
#include <iostream>

#include "devices/threads.h"
#include "experiments/evaluation/split_evaluation.h"
#include "supernet/data/data_directory.h"
#include "supernet/eval/eval_files.h"
#include "supernet/eval/score_lines.h"
#include "supernet/export/inference_model.h"
#include "tools/cli/cli.h"
#include "tools/cli/model_choice.h"
#include "tools/cli/translate_threads.h"

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
eval::MetricChoice parse_metrics(const std::string& text) {
  eval::MetricChoice metrics{false, false};
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    const std::string name = text.substr(start, end - start);
    if (name == "bleu") metrics.bleu = true;
    else if (name == "chrf") metrics.chrf = true;
    else throw cli::UsageError("--metrics: unknown metric '" + name + "' (bleu, chrf)");
    start = end + 1;
  }
  return metrics;
}

// The file mode: hypotheses from a file.
int score_files(const po::variables_map& vm, const eval::MetricChoice& metrics) {
  if (!vm.count("ref")) throw cli::UsageError("--hyp needs at least one --ref");
  std::vector<std::filesystem::path> refs;
  for (const auto& r : vm["ref"].as<std::vector<std::string>>()) refs.emplace_back(r);
  std::cout << eval::format_scores(eval::read_scoring_input(vm["hyp"].as<std::string>(), refs), metrics,
                                   vm["score-only"].as<bool>());
  return 0;
}

// The model mode: hypotheses by translating the split's source text.
int score_model(const po::variables_map& vm, const eval::MetricChoice& metrics) {
  const int64_t beam = vm["beam"].as<int64_t>(), max_tokens = vm["max-tokens"].as<int64_t>();
  const int64_t max_sentences = vm["max-sentences"].as<int64_t>();
  const int64_t examples = vm["examples"].as<int64_t>();
  if (beam < 1) throw cli::UsageError("--beam must be >= 1");
  if (max_tokens < 1) throw cli::UsageError("--max-tokens must be >= 1");
  if (max_sentences < 0 || examples < 0)
    throw cli::UsageError("--max-sentences and --examples must be >= 0");
  const translate::TranslateThreads threads = cli::translate_threads(vm);
  const bool score_only = vm["score-only"].as<bool>();
  const auto warn = [](const std::string& m) { std::cerr << "hateval: warning: " << m << "\n"; };

  standalone::ModelChoice choice = cli::model_choice(vm);
  choice.data = vm["data"].as<std::string>();  // the split's, so always checked
  const standalone::InferenceModel m = standalone::open_inference_model(choice, warn);
  const data::DataDirectory data(vm["data"].as<std::string>());
  const std::string split = vm["split"].as<std::string>();
  const data::ParallelText text = experiments::first_pairs(data, split, max_sentences);
  decode::BeamSearchOptions search;
  search.beam = beam;
  search.len_penalty = vm["lenpen"].as<double>();
  if (!score_only) std::cout << experiments::format_evaluation_header(m, split, text.size(), search);

  const experiments::SplitTranslation translation =
      experiments::translate_sources(m, text.source, search, max_tokens, warn, threads);
  std::cout << eval::format_scores({translation.hypotheses, {text.target}}, metrics, score_only);
  const experiments::SplitLoss loss =
      experiments::split_loss(m, data, split, static_cast<int64_t>(text.size()), max_tokens);
  if (score_only) {
    std::printf("%.4f\n%.4f\n", loss.score.loss_bits, loss.score.nll_bits);
    return 0;
  }
  std::cout << experiments::format_evaluation_details(loss, translation, text, examples);
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
      ("examples", po::value<int64_t>()->default_value(0), "print the first N translations");
  cli::add_translate_thread_options(model);
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
  const eval::MetricChoice metrics = parse_metrics(vm["metrics"].as<std::string>());
  if (vm.count("hyp")) return score_files(vm, metrics);
  return score_model(vm, metrics);
}

}  // namespace

int main(int argc, char** argv) {
  return cli::run_tool("hateval", [&] { return run(argc, argv); });
}
