// Reading a user's parallel corpus in the IWSLT/WMT layout.
#include "supernet/data/corpus.h"

#include "devices/error.h"
#include "util/sha256.h"

namespace hat::data {

namespace fs = std::filesystem;

Corpus read_user_corpus(const UserCorpusOptions& options, const Progress& progress) {
  check_languages(options.source_lang, options.target_lang);
  const fs::path& dir = options.dir;
  HAT_CHECK(fs::is_directory(dir), dir.string(), ": no such corpus directory (expected train.",
            options.source_lang, " and train.", options.target_lang, " in it)");
  Corpus corpus;
  corpus.source_lang = options.source_lang;
  corpus.target_lang = options.target_lang;
  const auto read = [&](const std::string& split) {
    report(progress, str("reading ", split_file(dir, split, options.source_lang).string(), " and .",
                         options.target_lang));
    return read_parallel(dir, split, options.source_lang, options.target_lang);
  };
  corpus.train = read("train");

  const auto present = [&](const std::string& split) {
    return fs::exists(split_file(dir, split, options.source_lang)) ||
           fs::exists(split_file(dir, split, options.target_lang));
  };
  const bool has_valid = present("valid"), has_test = present("test");
  HAT_CHECK(has_valid == has_test, dir.string(), ": has ", has_valid ? "valid" : "test", " files but no ",
            has_valid ? "test" : "valid", " files; give both (valid.", options.source_lang, ", valid.",
            options.target_lang, ", test.", options.source_lang, ", test.", options.target_lang,
            ") or neither (then they are split from train)");
  nlohmann::json split_description;
  if (has_valid) {
    corpus.valid = read("valid");
    corpus.test = read("test");
    split_description = {{"kind", "given"}};
  } else {
    report(progress, str("no valid/test files: splitting ", options.split.valid, " valid and ", options.split.test,
                         " test pairs from train"));
    SplitResult split = split_pairs(corpus.train, options.split, (dir / ("train." + options.source_lang)).string());
    corpus.train = std::move(split.train);
    corpus.valid = std::move(split.valid);
    corpus.test = std::move(split.test);
    split_description = {{"kind", "split from train"},
                         {"seed", options.split.seed},
                         {"valid", options.split.valid},
                         {"test", options.split.test}};
  }
  size_t overlapping = 0;
  for (bool o : overlaps(corpus.train, {&corpus.valid, &corpus.test})) overlapping += o;
  split_description["train_pairs_sharing_a_sentence_with_valid_or_test"] = overlapping;

  nlohmann::json files = nlohmann::json::object();
  for (const std::string split : {"train", "valid", "test"}) {
    for (const std::string& lang : {options.source_lang, options.target_lang}) {
      const fs::path file = split_file(dir, split, lang);
      if (fs::exists(file)) files[file.filename().string()] = util::sha256_file(file);
    }
  }
  corpus.description = {{"kind", "user"},
                        {"path", fs::absolute(dir).lexically_normal().string()},
                        {"sha256", files},
                        {"split", split_description}};
  return corpus;
}

}  // namespace hat::data
