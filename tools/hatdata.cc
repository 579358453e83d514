// hatdata: prepares parallel corpora (the default German->English corpus from Debian's
// trans-de-en, or a user's) into data directories, and inspects them. A thin main: parse
// options, call hat::data, print.
#include <boost/program_options.hpp>

#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "devices/threads.h"
#include "util/atomic_directory.h"
#include "supernet/data/corpus_text_directory.h"
#include "supernet/data/data_directory.h"
#include "supernet/data/default_corpus.h"
#include "supernet/data/epoch_batch_stats.h"
#include "supernet/data/pair_samples.h"
#include "supernet/data/prepare.h"
#include "supernet/data/prepare_summary.h"
#include "tools/cli/cli.h"
#include "tools/cli/data_options.h"

namespace po = boost::program_options;
using namespace hat::data;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kUsage = R"(usage: hatdata COMMAND [options]

Commands:
  prepare-default  Extract German->English sentence pairs from Debian's trans-de-en
                   (the Ding dictionary, /usr/share/trans/de-en), split them, train a
                   SentencePiece vocabulary and write a data directory (default data/default).
  prepare          The same for your own corpus: DIR/train.SRC, train.TGT and valid.*, test.*
                   (the IWSLT/WMT layout; without valid/test they are split from train).
  extract-default  Only extract and split the default corpus, as plain text in that layout.
  info             Describe a data directory; --verify checks every checksum, --samples N
                   prints random pairs.
  batches          Plan the token batches of an epoch and time iterating over them.

Run 'hatdata COMMAND --help' for the options of a command.
)";

const Clock::time_point kStart = Clock::now();
double elapsed() { return std::chrono::duration<double>(Clock::now() - kStart).count(); }
void progress_line(const std::string& line) { std::printf("[%6.1fs] %s\n", elapsed(), line.c_str()), std::fflush(stdout); }

// Parses a command's options; returns nothing (after printing help) when --help was given.
// `usage` is the command line's shape, e.g. "info DIR [options]".
std::optional<po::variables_map> parse(const std::string& usage, const std::vector<std::string>& args,
                                       po::options_description& options,
                                       const po::positional_options_description& positional = {}) {
  options.add_options()("help,h", "show this help");
  return hat::cli::parse_options(args, options, "usage: hatdata " + usage + "\n", positional);
}

// Refuses an existing --out before the long steps, then reads the corpus, prepares the data
// directory and prints its summary.
int prepare(const PrepareOptions& p, int threads, const std::function<Corpus()>& read_corpus) {
  hat::set_num_threads(threads);
  hat::util::AtomicDirectory::check(p.out, p.force, kMetadataFile);
  const DataMetadata metadata = prepare_data_directory(read_corpus(), p, progress_line);
  std::fputs(format_prepare_summary(metadata, p.out.string(), elapsed()).c_str(), stdout);
  return 0;
}

int prepare_default(const std::vector<std::string>& args) {
  PrepareOptions p;
  DefaultCorpusOptions d;
  int threads = 0;
  po::options_description o("hatdata prepare-default: the default German->English data directory");
  hat::cli::add_prepare_options(o, p, threads, "data/default");
  hat::cli::add_default_corpus_options(o, d);
  const auto vm = parse("prepare-default [options]", args, o);
  if (!vm) return 0;
  p.out = (*vm)["out"].as<std::string>();
  d.ding = (*vm)["ding"].as<std::string>();
  return prepare(p, threads, [&] { return build_default_corpus(d, progress_line); });
}

int prepare_user(const std::vector<std::string>& args) {
  PrepareOptions p;
  UserCorpusOptions u;
  int threads = 0;
  po::options_description o("hatdata prepare: a data directory from your corpus");
  hat::cli::add_user_corpus_options(o, u);
  hat::cli::add_prepare_options(o, p, threads, nullptr);
  const auto vm = parse("prepare --corpus DIR -s SRC -t TGT --out DIR [options]", args, o);
  if (!vm) return 0;
  u.dir = (*vm)["corpus"].as<std::string>();
  p.out = (*vm)["out"].as<std::string>();
  return prepare(p, threads, [&] { return read_user_corpus(u, progress_line); });
}

int extract_default(const std::vector<std::string>& args) {
  DefaultCorpusOptions d;
  bool force = false;
  po::options_description o("hatdata extract-default: the default corpus as plain text (train/valid/test.de/.en)");
  hat::cli::add_extract_options(o, d, force);
  const auto vm = parse("extract-default [options]", args, o);
  if (!vm) return 0;
  d.ding = (*vm)["ding"].as<std::string>();
  const std::string out = (*vm)["out"].as<std::string>();
  hat::util::AtomicDirectory::check(out, force, kCorpusDescriptionFile);  // fail before the long steps
  const auto written = write_corpus_text(build_default_corpus(d, progress_line), out, force,
                                         [](const std::string& split, size_t pairs) {
                                           std::printf("%-5s %8zu pairs\n", split.c_str(), pairs);
                                         });
  std::printf("wrote %s in %.1f s\n", written.c_str(), elapsed());
  return 0;
}

int info(const std::vector<std::string>& args) {
  size_t samples = 0;
  uint64_t seed = 1;
  std::string split;
  po::options_description o("hatdata info DIR: describe a data directory");
  hat::cli::add_info_options(o, samples, split, seed);
  const auto vm = parse("info DIR [options]", args, o, hat::cli::dir_positional());
  if (!vm) return 0;
  const DataDirectory dir((*vm)["dir"].as<std::string>());
  std::cout << to_json(dir.metadata()).dump(2) << "\n";
  if (vm->count("verify")) {
    dir.verify_checksums();
    std::printf("checksums: all %zu files match\n", dir.metadata().files.size());
  }
  if (samples > 0)
    std::fputs(
        format_pair_samples(dir.load_text(split), split, dir.source_lang(), dir.target_lang(), samples, seed).c_str(),
        stdout);
  return 0;
}

int batches(const std::vector<std::string>& args) {
  BatchOptions b;
  std::string split;
  uint64_t epochs = 1;
  po::options_description o("hatdata batches DIR: plan and time the token batches of a split");
  hat::cli::add_batch_options(o, b, split, epochs);
  const auto vm = parse("batches DIR [options]", args, o, hat::cli::dir_positional());
  if (!vm) return 0;
  const DataDirectory dir((*vm)["dir"].as<std::string>());
  const TokenSplit data = dir.load_split(split);
  const TokenBatcher batcher(data.source.lengths(), data.target.lengths(), b);
  std::printf("%s: %zu pairs, %zu skipped (longer than %llu tokens)\n", split.c_str(), data.size(),
              batcher.skipped(), (unsigned long long)b.max_tokens);
  for (uint64_t epoch = 1; epoch <= epochs; ++epoch)
    std::printf("%s\n", format_epoch_batch_stats(epoch, plan_epoch_batches(data, batcher, epoch), b.max_tokens).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return hat::cli::run_commands("hatdata", kUsage, argc, argv,
                                {{"prepare-default", prepare_default}, {"prepare", prepare_user},
                                 {"extract-default", extract_default}, {"info", info}, {"batches", batches}});
}
