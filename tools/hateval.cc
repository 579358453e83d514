// hateval: scores translations the way sacreBLEU does by default (BLEU, chrF2). A thin main:
// parse options, read the files, call the scorers in supernet/eval, print.
#include <boost/program_options.hpp>

#include <cstdio>
#include <iostream>

#include "supernet/eval/bleu.h"
#include "supernet/eval/chrf.h"
#include "supernet/eval/eval_files.h"
#include "tools/cli/cli.h"

namespace po = boost::program_options;
using namespace hat;

namespace {

constexpr const char* kAbout =
    "usage: hateval --hyp FILE --ref FILE [--ref FILE ...] [options]\n\n"
    "Scores a detokenized hypothesis file against one or more reference files (one segment a\n"
    "line, UTF-8) with sacreBLEU 2.x's defaults: corpus BLEU (13a tokens, case-sensitive,\n"
    "4-grams, exp smoothing) and chrF2 (character 6-grams, beta 2, whitespace removed).\n"
    "Each metric prints a sacreBLEU-style score line followed by its signature line.\n";

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

// The file mode: hypotheses from a file (a model-based mode will produce them by translating).
int score_files(const po::variables_map& vm, bool bleu, bool chrf) {
  if (!vm.count("ref")) throw cli::UsageError("--hyp needs at least one --ref");
  std::vector<std::filesystem::path> refs;
  for (const auto& r : vm["ref"].as<std::vector<std::string>>()) refs.emplace_back(r);
  const eval::ScoringInput input = eval::read_scoring_input(vm["hyp"].as<std::string>(), refs);
  const bool score_only = vm["score-only"].as<bool>();
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
  return 0;
}

int run(int argc, char** argv) {
  po::options_description files("Scoring files");
  files.add_options()
      ("hyp", po::value<std::string>(), "hypotheses: detokenized text, one segment a line")
      ("ref", po::value<std::vector<std::string>>()->composing(),
       "references, same line count (repeat for several references)");
  po::options_description output("Output");
  output.add_options()
      ("metrics", po::value<std::string>()->default_value("bleu,chrf"), "bleu, chrf, or bleu,chrf")
      ("score-only,b", po::bool_switch(), "print only the numbers, one metric a line")
      ("help,h", "show this help");
  po::options_description all;
  all.add(files).add(output);
  po::variables_map vm;
  po::store(po::parse_command_line(argc, argv, all), vm);
  if (vm.count("help")) {
    std::cout << kAbout << "\n" << all << "\n";
    return 0;
  }
  po::notify(vm);
  bool bleu = false, chrf = false;
  parse_metrics(vm["metrics"].as<std::string>(), bleu, chrf);
  if (vm.count("hyp")) return score_files(vm, bleu, chrf);
  throw cli::UsageError("give --hyp FILE --ref FILE");
}

}  // namespace

int main(int argc, char** argv) {
  return cli::run_tool("hateval", [&] { return run(argc, argv); });
}
