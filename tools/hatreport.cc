// hatreport: the quickstart's closing table (HAT's Table 2 on this machine) for a few model
// directories: predicted latency per device, latency measured here, parameters, test BLEU, and
// each model's speed-up and size ratio against the baseline. A thin main over experiments/report.
#include <boost/program_options.hpp>

#include <iostream>

#include "devices/error.h"
#include "experiments/report/model_report.h"
#include "util/atomic_file.h"
#include "tools/cli/cli.h"

namespace po = boost::program_options;
using namespace hat;

namespace {

constexpr const char* kAbout =
    "usage: hatreport --model NAME=DIR [--model NAME=DIR ...] [--baseline NAME] [--device D ...]\n"
    "                 [--data DIR] [--out FILE.md] [--json FILE]\n\n"
    "Scores model directories (hatexport's) side by side, as HAT's Table 2: predicted latency\n"
    "on each --device (its trained predictor), latency measured on this machine with HAT's\n"
    "protocol (the host profile's L, beam and threads), parameters with and without\n"
    "embeddings, and BLEU on the data directory's test split; then each model's speed-up and\n"
    "size ratio against the baseline (by default the last --model).\n";

int run(int argc, char** argv) {
  po::options_description options("Options");
  options.add_options()
      ("model", po::value<std::vector<std::string>>()->composing(), "NAME=DIR: a model directory; repeatable")
      ("baseline", po::value<std::string>(), "the model the ratios are against (default: the last)")
      ("device", po::value<std::vector<std::string>>()->composing(), "predicted latency on this device; repeatable (default rpi4)")
      ("data", po::value<std::string>()->default_value("data/default"), "data directory of the test split")
      ("split", po::value<std::string>()->default_value("test"), "train, valid or test")
      ("max-sentences", po::value<int64_t>()->default_value(0), "score the first N sentences (0: all)")
      ("beam", po::value<int64_t>()->default_value(5), "beam size of the BLEU translations")
      ("iterations", po::value<int>()->default_value(20), "timed protocol runs per part on this machine")
      ("out", po::value<std::string>(), "also write the table to this Markdown file")
      ("json", po::value<std::string>(), "also write the figures to this JSON file")
      ("help,h", "show this help");
  const auto parsed = cli::parse_options(argc, argv, options, kAbout);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;
  if (!vm.count("model")) throw cli::UsageError("give at least one --model NAME=DIR");
  if (vm["beam"].as<int64_t>() < 1 || vm["iterations"].as<int>() < 1 || vm["max-sentences"].as<int64_t>() < 0)
    throw cli::UsageError("--beam and --iterations must be >= 1, --max-sentences >= 0");

  experiments::ModelReportOptions report;
  report.devices = vm.count("device") ? vm["device"].as<std::vector<std::string>>() : std::vector<std::string>{"rpi4"};
  report.data = vm["data"].as<std::string>();
  report.split = vm["split"].as<std::string>();
  report.max_sentences = vm["max-sentences"].as<int64_t>();
  report.beam = vm["beam"].as<int64_t>();
  report.host_iterations = vm["iterations"].as<int>();
  const auto warn = [](const std::string& m) { std::cerr << "hatreport: warning: " << m << "\n"; };

  std::vector<experiments::ModelReportRow> rows;
  for (const std::string& spec : vm["model"].as<std::vector<std::string>>()) {
    const size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
      throw cli::UsageError("--model '" + spec + "' must be NAME=DIR");
    std::cerr << "hatreport: scoring " << spec.substr(0, eq) << " (" << spec.substr(eq + 1) << ")\n";
    rows.push_back(experiments::report_model(spec.substr(0, eq), spec.substr(eq + 1), report, warn));
  }
  size_t baseline = rows.size() - 1;
  if (vm.count("baseline")) {
    const std::string name = vm["baseline"].as<std::string>();
    baseline = rows.size();
    for (size_t i = 0; i < rows.size(); ++i)
      if (rows[i].name == name) baseline = i;
    if (baseline == rows.size()) throw cli::UsageError("--baseline '" + name + "' is not one of the --model names");
  }
  const std::string table = experiments::format_report(rows, baseline);
  std::cout << table;
  if (vm.count("out")) util::write_file_atomically(vm["out"].as<std::string>(), table);
  if (vm.count("json"))
    util::write_file_atomically(vm["json"].as<std::string>(), experiments::report_json(rows, baseline).dump(2) + "\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return cli::run_tool("hatreport", [&] { return run(argc, argv); });
}
