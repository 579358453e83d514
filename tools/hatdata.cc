// hatdata: prepares parallel corpora (the default German->English corpus from Debian's
// trans-de-en, or a user's) into data directories, and inspects them. A thin main: parse
// options, call hat::data, print.
#include <boost/program_options.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "devices/error.h"
#include "devices/threads.h"
#include "util/atomic_directory.h"
#include "supernet/data/collate.h"
#include "supernet/data/data_directory.h"
#include "supernet/data/default_corpus.h"
#include "supernet/data/prepare.h"
#include "supernet/data/random.h"
#include "util/text_lines.h"
#include "supernet/data/token_batches.h"
#include "tools/cli/cli.h"

namespace po = boost::program_options;
using namespace hat::data;
using hat::util::AtomicDirectory;
using hat::util::write_file;
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

using hat::cli::UsageError;

const Clock::time_point kStart = Clock::now();
double elapsed() { return std::chrono::duration<double>(Clock::now() - kStart).count(); }
void progress_line(const std::string& line) { std::printf("[%6.1fs] %s\n", elapsed(), line.c_str()), std::fflush(stdout); }

// Parses a command's options; returns false (after printing help) when --help was given.
// `usage` is the command line's shape, e.g. "info DIR [options]".
bool parse(const std::string& usage, const std::vector<std::string>& args, po::options_description& options,
           po::variables_map& vm, const po::positional_options_description& positional = {}) {
  options.add_options()("help,h", "show this help");
  po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
  if (vm.count("help")) {
    std::cout << "usage: hatdata " << usage << "\n\n" << options << "\n";
    return false;
  }
  po::notify(vm);
  return true;
}

void add_output_options(po::options_description& o, PrepareOptions& p, int& threads, const char* default_out) {
  o.add_options()
    ("out,o", default_out ? po::value<std::string>()->default_value(default_out) : po::value<std::string>()->required(),
     "output data directory (written to a temporary directory beside it, renamed at the end)")
    ("force", po::bool_switch(&p.force), "replace an existing data directory")
    ("vocab-size", po::value(&p.vocabulary.size)->default_value(8000), "SentencePiece vocabulary size "
     "(joint source+target, trained on train only; ids bos=0 pad=1 eos=2 unk=3)")
    ("model-type", po::value(&p.vocabulary.model_type)->default_value("bpe"), "SentencePiece model: bpe or unigram")
    ("character-coverage", po::value(&p.vocabulary.character_coverage)->default_value(1.0),
     "fraction of characters covered by their own piece")
    ("vocab-seed", po::value(&p.vocabulary.seed)->default_value(1), "SentencePiece random seed")
    ("threads", po::value(&threads)->default_value(0), "threads (0 = all cores)");
}

void add_default_corpus_options(po::options_description& o, DefaultCorpusOptions& d) {
  o.add_options()
    ("ding", po::value<std::string>()->default_value(kDingPath), "Ding dictionary file (package trans-de-en)")
    ("valid", po::value(&d.split.valid)->default_value(1000), "valid sentence pairs (at least)")
    ("test", po::value(&d.split.test)->default_value(1000), "test sentence pairs (at least)")
    ("seed", po::value(&d.split.seed)->default_value(1), "seed of the train/valid/test split")
    ("phrases", po::bool_switch(&d.extraction.phrases), "add multi-word phrase pairs to train")
    ("min-words", po::value(&d.extraction.min_words)->default_value(3), "fewest words a side (sentences)")
    ("max-words", po::value(&d.extraction.max_words)->default_value(50), "most words a side")
    ("max-ratio", po::value(&d.extraction.max_ratio)->default_value(2.0), "largest word-count ratio of the sides");
}

void print_summary(const DataMetadata& m, const std::string& out) {
  for (const char* split : {"train", "valid", "test"}) {
    const SplitInfo& s = m.splits.at(split);
    std::printf("%-5s %8llu pairs  %9llu %s tokens  %9llu %s tokens\n", split, (unsigned long long)s.pairs,
                (unsigned long long)s.source_tokens, m.source_lang.c_str(), (unsigned long long)s.target_tokens,
                m.target_lang.c_str());
  }
  std::printf("vocabulary %d pieces (%s)\ndata directory %s\ntime %.1f s\n", m.vocab_size, m.vocab_model_type.c_str(),
              out.c_str(), elapsed());
}

int prepare_default(const std::vector<std::string>& args) {
  PrepareOptions p;
  DefaultCorpusOptions d;
  int threads = 0;
  po::options_description o("hatdata prepare-default: the default German->English data directory");
  add_output_options(o, p, threads, "data/default");
  add_default_corpus_options(o, d);
  po::variables_map vm;
  if (!parse("prepare-default [options]", args, o, vm)) return 0;
  hat::set_num_threads(threads);
  p.out = vm["out"].as<std::string>();
  d.ding = vm["ding"].as<std::string>();
  AtomicDirectory::check(p.out, p.force, kMetadataFile);  // fail before the long steps
  const Corpus corpus = build_default_corpus(d, progress_line);
  print_summary(prepare_data_directory(corpus, p, progress_line), p.out.string());
  return 0;
}

int prepare_user(const std::vector<std::string>& args) {
  PrepareOptions p;
  UserCorpusOptions u;
  int threads = 0;
  po::options_description o("hatdata prepare: a data directory from your corpus");
  o.add_options()
    ("corpus,c", po::value<std::string>()->required(), "corpus directory holding train.SRC, train.TGT, "
     "valid.*, test.* (one sentence a line, UTF-8)")
    ("source-lang,s", po::value(&u.source_lang)->required(), "source language suffix, e.g. de")
    ("target-lang,t", po::value(&u.target_lang)->required(), "target language suffix, e.g. en")
    ("valid", po::value(&u.split.valid)->default_value(1000), "valid pairs split from train when there are no valid.* files")
    ("test", po::value(&u.split.test)->default_value(1000), "test pairs split from train when there are no test.* files")
    ("seed", po::value(&u.split.seed)->default_value(1), "seed of that split");
  add_output_options(o, p, threads, nullptr);
  po::variables_map vm;
  if (!parse("prepare --corpus DIR -s SRC -t TGT --out DIR [options]", args, o, vm)) return 0;
  hat::set_num_threads(threads);
  u.dir = vm["corpus"].as<std::string>();
  p.out = vm["out"].as<std::string>();
  AtomicDirectory::check(p.out, p.force, kMetadataFile);
  const Corpus corpus = read_user_corpus(u, progress_line);
  print_summary(prepare_data_directory(corpus, p, progress_line), p.out.string());
  return 0;
}

int extract_default(const std::vector<std::string>& args) {
  DefaultCorpusOptions d;
  bool force = false;
  po::options_description o("hatdata extract-default: the default corpus as plain text (train/valid/test.de/.en)");
  o.add_options()
    ("out,o", po::value<std::string>()->default_value("data/default-text"), "output directory")
    ("force", po::bool_switch(&force), "replace an existing output directory");
  add_default_corpus_options(o, d);
  po::variables_map vm;
  if (!parse("extract-default [options]", args, o, vm)) return 0;
  d.ding = vm["ding"].as<std::string>();
  AtomicDirectory::check(vm["out"].as<std::string>(), force, "corpus.json");
  const Corpus corpus = build_default_corpus(d, progress_line);
  AtomicDirectory dir(vm["out"].as<std::string>(), force, "corpus.json");
  for (const auto& [name, text] : {std::pair{"train", &corpus.train}, {"valid", &corpus.valid}, {"test", &corpus.test}}) {
    write_parallel(*text, dir.path(), name, corpus.source_lang, corpus.target_lang);
    std::printf("%-5s %8zu pairs\n", name, text->size());
  }
  write_file(dir.path() / "corpus.json", corpus.description.dump(2) + "\n");
  dir.commit();
  std::printf("wrote %s in %.1f s\n", dir.target().c_str(), elapsed());
  return 0;
}

int info(const std::vector<std::string>& args) {
  size_t samples = 0;
  uint64_t seed = 1;
  std::string split;
  po::options_description o("hatdata info DIR: describe a data directory");
  o.add_options()
    ("dir", po::value<std::string>()->required(), "data directory")
    ("verify", "recompute every file's SHA-256 and compare with metadata.json")
    ("samples", po::value(&samples)->default_value(0), "print this many random pairs")
    ("split", po::value(&split)->default_value("test"), "split to sample from")
    ("seed", po::value(&seed)->default_value(1), "seed of the sample");
  po::positional_options_description positional;
  positional.add("dir", 1);
  po::variables_map vm;
  if (!parse("info DIR [options]", args, o, vm, positional)) return 0;
  const DataDirectory dir(vm["dir"].as<std::string>());
  std::cout << to_json(dir.metadata()).dump(2) << "\n";
  if (vm.count("verify")) {
    dir.verify_checksums();
    std::printf("checksums: all %zu files match\n", dir.metadata().files.size());
  }
  if (samples > 0) {
    const ParallelText text = dir.load_text(split);
    std::vector<uint32_t> order(text.size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    Rng rng(mix_seed(seed, 0));
    shuffle(order, rng);
    for (size_t k = 0; k < std::min(samples, order.size()); ++k)
      std::printf("%s #%u\n  %s: %s\n  %s: %s\n", split.c_str(), order[k] + 1, dir.source_lang().c_str(),
                  text.source[order[k]].c_str(), dir.target_lang().c_str(), text.target[order[k]].c_str());
  }
  return 0;
}

int batches(const std::vector<std::string>& args) {
  BatchOptions b;
  std::string split;
  uint64_t epochs = 1;
  po::options_description o("hatdata batches DIR: plan and time the token batches of a split");
  o.add_options()
    ("dir", po::value<std::string>()->required(), "data directory")
    ("split", po::value(&split)->default_value("train"), "train, valid or test")
    ("max-tokens", po::value(&b.max_tokens)->default_value(4096), "token budget per batch (rows x longest)")
    ("max-sentences", po::value(&b.max_sentences)->default_value(0), "rows per batch (0 = no limit)")
    ("seed", po::value(&b.seed)->default_value(1), "shuffle seed")
    ("epochs", po::value(&epochs)->default_value(3), "epochs to time");
  po::positional_options_description positional;
  positional.add("dir", 1);
  po::variables_map vm;
  if (!parse("batches DIR [options]", args, o, vm, positional)) return 0;
  const DataDirectory dir(vm["dir"].as<std::string>());
  const TokenSplit data = dir.load_split(split);
  const TokenBatcher batcher(data.source.lengths(), data.target.lengths(), b);
  std::printf("%s: %zu pairs, %zu skipped (longer than %llu tokens)\n", split.c_str(), data.size(),
              batcher.skipped(), (unsigned long long)b.max_tokens);
  for (uint64_t epoch = 1; epoch <= epochs; ++epoch) {
    const auto start = Clock::now();
    BatchIterator it(batcher, {epoch, 0});
    const size_t count = it.epoch_size();
    uint64_t padded = 0, real = 0, worst = 0, rows = 0;
    for (size_t k = 0; k < count; ++k) {
      const PaddedBatch batch = collate(data.source, data.target, it.next());
      padded += batch.rows * (batch.source_len + batch.target_len);
      real += batch.source_tokens + batch.target_tokens;
      worst = std::max<uint64_t>(worst, batch.rows * std::max(batch.source_len, batch.target_len));
      rows += batch.rows;
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    std::printf("epoch %llu: %zu batches, %llu sentences, %.1f rows/batch, largest cost %llu <= %llu, "
                "padding %.1f%%, planned+collated in %.1f ms\n",
                (unsigned long long)epoch, count, (unsigned long long)rows, double(rows) / double(count),
                (unsigned long long)worst, (unsigned long long)b.max_tokens, 100.0 * double(padded - real) / double(padded),
                seconds * 1e3);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> all(argv + 1, argv + argc);
  if (all.empty() || all[0] == "--help" || all[0] == "-h" || all[0] == "help") {
    std::cout << kUsage;
    return all.empty() ? 2 : 0;
  }
  const std::string command = all[0];
  const std::vector<std::string> args(all.begin() + 1, all.end());
  const std::map<std::string, int (*)(const std::vector<std::string>&)> commands = {
      {"prepare-default", prepare_default}, {"prepare", prepare_user}, {"extract-default", extract_default},
      {"info", info}, {"batches", batches}};
  const auto it = commands.find(command);
  if (it == commands.end()) {
    std::cerr << "hatdata: unknown command '" << command << "' (see hatdata --help)\n";
    return 2;
  }
  const std::string tool = "hatdata " + command;
  return hat::cli::run_tool(tool.c_str(), [&] { return it->second(args); });
}
