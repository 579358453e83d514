// hatrank: does the SuperTransformer rank SubTransformers the way training them does? A thin
// main: parse options, run the study (experiments/ranking), print the pairs and the agreement.
#include <boost/program_options.hpp>

#include <iostream>

#include "devices/threads.h"
#include "experiments/ranking/rank_study.h"
#include "supernet/train/train_lines.h"
#include "tools/cli/cli.h"
#include "util/atomic_file.h"

namespace po = boost::program_options;
using namespace hat;

namespace {

constexpr const char* kAbout =
    "usage: hatrank [--checkpoint DIR] [--data DIR] [--device NAME] [--count K]\n"
    "               (--time-each DURATION | --updates-each N) [--fine-tune] [--out DIR]\n\n"
    "HAT's question behind the search: do the SuperTransformer's inherited-weight validation\n"
    "losses order SubTransformers the way training them does? Picks K SubTransformers of the\n"
    "checkpoint's space at evenly spaced ranks of the device's predicted latency, scores each\n"
    "with inherited weights, trains each for the same budget (from scratch, or with --fine-tune\n"
    "from its inherited weights, as HAT's Table 6), and prints both losses with their ranks,\n"
    "Kendall's tau and Spearman's rho. Everything is saved in --out (study.json, one training\n"
    "directory per SubTransformer, table.md): running the same command again continues.\n";

int run(int argc, char** argv) {
  experiments::RankStudyOptions o;
  std::string time_each;
  po::options_description options("Options");
  options.add_options()
      ("checkpoint", po::value<std::string>()->default_value(o.checkpoint.string()),
       "SuperTransformer: a checkpoint or a save directory (its newest checkpoint)")
      ("data", po::value<std::string>()->default_value(o.data.string()), "data directory")
      ("device", po::value(&o.device)->default_value(o.device),
       "spread the SubTransformers over this device's predicted latency (none: over their "
       "parameter count)")
      ("count", po::value(&o.count)->default_value(o.count), "K: SubTransformers compared")
      ("pool", po::value(&o.pool)->default_value(o.pool), "random SubTransformers the K are picked from")
      ("seed", po::value(&o.seed)->default_value(o.seed), "seed of the pool")
      ("time-each", po::value(&time_each), "training budget of each SubTransformer: 90s, 5m, 1h")
      ("updates-each", po::value(&o.updates_each)->default_value(0),
       "updates of each SubTransformer's training (0: the space's max-update)")
      ("fine-tune", po::bool_switch(&o.fine_tune), "start from the inherited weights, not from scratch")
      ("valid-sentences", po::value(&o.valid_sentences)->default_value(0),
       "validation sentences scored (0: all)")
      ("out", po::value<std::string>()->default_value(o.out.string()), "study directory")
      ("threads", po::value<int>()->default_value(0), "CPU threads (0: all cores)")
      ("help,h", "show this help");
  const auto parsed = cli::parse_options(argc, argv, options, kAbout);
  if (!parsed) return 0;
  const po::variables_map& vm = *parsed;
  o.checkpoint = vm["checkpoint"].as<std::string>();
  o.data = vm["data"].as<std::string>();
  o.out = vm["out"].as<std::string>();
  if (!time_each.empty()) o.seconds_each = cli::parse_duration_seconds(time_each, "time-each");
  if (o.seconds_each <= 0 && o.updates_each <= 0)
    throw cli::UsageError("give each SubTransformer a budget: --time-each or --updates-each");
  if (o.count < 2 || o.pool < o.count)
    throw cli::UsageError("--count must be >= 2 and --pool >= --count");
  if (o.updates_each < 0 || o.valid_sentences < 0)
    throw cli::UsageError("--updates-each and --valid-sentences must be >= 0");
  set_num_threads(vm["threads"].as<int>());

  cli::install_stop_handler();
  cli::StatusLine status;
  experiments::RankStudyEvents events;
  events.print = [&](const std::string& m) { status.print("hatrank: " + m); };
  events.training.on_progress = [&](const train::TrainProgress& p) {
    status.update(train::format_progress_line(p, cli::format_duration(p.elapsed_seconds)));
  };
  events.training.on_validation = [&](const train::ValidationRecord& v) {
    status.print(train::format_validation_line(v));
  };
  events.training.stop_requested = [] { return cli::stop_requested(); };
  const experiments::RankStudy study = experiments::run_rank_study(o, events);
  const std::string table = experiments::format_rank_table(study, o.device);
  util::write_file_atomically(o.out / "table.md", table);
  std::cout << table;
  return study.stopped ? 130 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  return cli::run_tool("hatrank", [&] { return run(argc, argv); });
}
