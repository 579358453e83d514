// hattranslate: translates raw text with a standalone model (hatexport's model directory) or a
// SubTransformer of a trained SuperTransformer (inherited weights). A thin main: parse options,
// load, call the Translator, write.
#include <boost/program_options.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "devices/threads.h"
#include "supernet/arch/arch_yaml.h"
#include "util/atomic_file.h"
#include "util/memory_usage.h"
#include "supernet/export/inference_model.h"
#include "supernet/translate/source_lines.h"
#include "supernet/translate/translator.h"
#include "tools/cli/cli.h"
#include "tools/cli/model_choice.h"
#include "tools/cli/translate_threads.h"

namespace po = boost::program_options;
using namespace hat;

namespace {

constexpr const char* kAbout =
    "usage: hattranslate --model DIR [--input FILE|-] [--output FILE|-] [options]\n"
    "       hattranslate [--checkpoint DIR] [--data DIR] [--arch FILE|largest|smallest]\n"
    "                    [--input FILE|-] [--output FILE|-] [options]\n\n"
    "Translates one sentence a line (UTF-8) with a standalone model (--model: a model directory\n"
    "from hatexport, which holds its vocabulary) or with a SubTransformer of a trained\n"
    "SuperTransformer: its weights are inherited from the checkpoint (a checkpoint directory, or\n"
    "a save directory: its newest checkpoint), and the data directory supplies the vocabulary,\n"
    "which must be the one the checkpoint was trained with. Empty lines stay empty; output is in\n"
    "input order.\n";

int run(int argc, char** argv) {
  po::options_description model("Model");
  model.add_options()
      ("model", po::value<std::string>(), "model directory from hatexport (instead of --checkpoint)")
      ("checkpoint", po::value<std::string>()->default_value("checkpoints/default"),
       "checkpoint directory, or a save directory (its newest checkpoint)")
      ("data", po::value<std::string>()->default_value("data/default"),
       "data directory holding the vocabulary (spm.model); with --model, checked against the "
       "model's when given")
      ("arch", po::value<std::string>()->default_value("largest"),
       "SubTransformer: largest, smallest, trained, or an architecture YAML file (with --model: "
       "the model's own)");
  po::options_description io("Input and output");
  io.add_options()
      ("input,i", po::value<std::string>()->default_value("-"), "source text (- = stdin)")
      ("output,o", po::value<std::string>()->default_value("-"),
       "translations (- = stdout; a file is written atomically)");
  po::options_description search("Search");
  search.add_options()
      ("beam", po::value<int64_t>()->default_value(5), "beam size")
      ("lenpen", po::value<double>()->default_value(1.0), "length penalty (score / length^lenpen)")
      ("max-len-a", po::value<double>()->default_value(0.0), "max target length: a * source + b")
      ("max-len-b", po::value<int64_t>()->default_value(200), "max target length: a * source + b")
      ("max-tokens", po::value<int64_t>()->default_value(4096), "source tokens per batch")
      ("help,h", "show this help");
  cli::add_translate_thread_options(search);
  po::options_description all;
  all.add(model).add(io).add(search);
  const auto parsed = cli::parse_options(argc, argv, all, kAbout);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;
  if (vm["beam"].as<int64_t>() < 1) throw cli::UsageError("--beam must be >= 1");
  if (vm["max-tokens"].as<int64_t>() < 1) throw cli::UsageError("--max-tokens must be >= 1");
  const translate::TranslateThreads threads = cli::translate_threads(vm);

  const auto warn = [](const std::string& m) { std::cerr << "hattranslate: warning: " << m << "\n"; };
  const standalone::InferenceModel m =
      standalone::open_inference_model(cli::model_choice(vm), warn);
  std::cerr << "hattranslate: " << m.description << ", " << arch::arch_summary(m.arch) << "\n";

  const std::vector<std::string> lines =
      translate::read_source_lines(vm["input"].as<std::string>());
  decode::BeamSearchOptions options;
  options.beam = vm["beam"].as<int64_t>();
  options.len_penalty = vm["lenpen"].as<double>();
  options.max_len_a = vm["max-len-a"].as<double>();
  options.max_len_b = vm["max-len-b"].as<int64_t>();
  translate::Translator translator(*m.loaded.model, m.arch, m.vocabulary, options,
                                   vm["max-tokens"].as<int64_t>(), warn);
  translator.set_threads(threads);
  const auto start = std::chrono::steady_clock::now();
  const std::vector<std::string> out = translator.translate(lines);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::string text;
  for (const std::string& line : out) text += line + "\n";
  const std::string output = vm["output"].as<std::string>();
  if (output == "-") {
    std::cout << text << std::flush;
  } else {
    util::write_file_atomically(output, text);
  }
  std::fprintf(stderr,
               "hattranslate: %zu lines, %lld target tokens in %.2f s (%.0f tokens/s), %s "
               "(the largest batch's keys/values %.1f MB)\n",
               lines.size(), static_cast<long long>(translator.generated_tokens()), seconds,
               seconds > 0 ? static_cast<double>(translator.generated_tokens()) / seconds : 0.0,
               util::peak_rss_summary().c_str(),
               static_cast<double>(translator.peak_cache_bytes()) / 1e6);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return cli::run_tool("hattranslate", [&] { return run(argc, argv); });
}
