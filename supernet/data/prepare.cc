// Preparing a data directory from a corpus.
#include "supernet/data/prepare.h"

#include <chrono>
#include <fstream>

#include "devices/error.h"
#include "supernet/data/normalize.h"
#include "supernet/data/special_tokens.h"
#include "supernet/data/token_column.h"
#include "util/atomic_directory.h"
#include "util/sha256.h"
#include "util/text_lines.h"

namespace hat::data {

namespace fs = std::filesystem;

namespace {

// Encodes every sentence (in parallel: SentencePiece encoding is const) into a column.
TokenColumn encode_all(const Vocabulary& vocabulary, const std::vector<std::string>& sentences) {
  std::vector<std::vector<int32_t>> ids(sentences.size());
  std::string error;
#pragma omp parallel for schedule(dynamic, 256)
  for (size_t i = 0; i < sentences.size(); ++i) {
    try {
      ids[i] = vocabulary.encode(sentences[i]);
    } catch (const std::exception& e) {
#pragma omp critical(hat_data_encode_error)
      if (error.empty()) error = e.what();
    }
  }
  HAT_CHECK(error.empty(), error);
  TokenColumn column;
  size_t total = 0;
  for (const auto& v : ids) total += v.size() + 1;
  column.tokens.reserve(total);
  column.offsets.reserve(ids.size() + 1);
  for (const auto& v : ids) column.append(v);
  return column;
}

void write_piece_list(const std::string& model, const fs::path& file) {
  const Vocabulary vocabulary = Vocabulary::from_serialized(model);
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  HAT_CHECK(out, file.string(), ": cannot open for writing");
  for (int id = 0; id < vocabulary.size(); ++id) out << vocabulary.piece(id) << '\t' << id << '\n';
  out.close();
  HAT_CHECK(out, file.string(), ": write failed (disk full?)");
}

void check_corpus(const Corpus& corpus) {
  check_languages(corpus.source_lang, corpus.target_lang);
  const std::pair<const char*, const ParallelText*> splits[] = {
      {"train", &corpus.train}, {"valid", &corpus.valid}, {"test", &corpus.test}};
  for (const auto& [name, text] : splits) {
    HAT_CHECK(text->source.size() == text->target.size(), "corpus: ", name, " has ", text->source.size(),
              " source but ", text->target.size(), " target sentences");
    HAT_CHECK(text->size() > 0, "corpus: the ", name, " split is empty");
  }
}

}  // namespace

DataMetadata prepare_data_directory(const Corpus& corpus, const PrepareOptions& options, const Progress& progress) {
  check_corpus(corpus);
  util::AtomicDirectory dir(options.out, options.force, kMetadataFile);
  const fs::path& tmp = dir.path();
  const std::string& src = corpus.source_lang;
  const std::string& tgt = corpus.target_lang;
  const std::pair<std::string, const ParallelText*> splits[] = {
      {"train", &corpus.train}, {"valid", &corpus.valid}, {"test", &corpus.test}};

  report(progress, str("writing text: train ", corpus.train.size(), ", valid ", corpus.valid.size(), ", test ",
                       corpus.test.size(), " pairs"));
  for (const auto& [name, text] : splits) write_parallel(*text, tmp, name, src, tgt);

  report(progress, str("training a ", options.vocabulary.model_type, " SentencePiece vocabulary of ",
                       options.vocabulary.size, " pieces on train (", corpus.train.size() * 2, " sentences)"));
  const auto start = std::chrono::steady_clock::now();
  const std::string model = train_sentencepiece({&corpus.train.source, &corpus.train.target}, options.vocabulary);
  const double train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  util::write_file(tmp / kVocabularyFile, model);
  write_piece_list(model, tmp / "spm.vocab");
  const Vocabulary vocabulary = Vocabulary::from_serialized(model);

  DataMetadata metadata;
  metadata.source_lang = src;
  metadata.target_lang = tgt;
  metadata.normalization = std::string(kNormalization);
  metadata.vocab_size = vocabulary.size();
  metadata.vocab_model_type = options.vocabulary.model_type;
  metadata.vocabulary = {{"trained_on", "train (source and target)"},
                         {"character_coverage", options.vocabulary.character_coverage},
                         {"seed", options.vocabulary.seed},
                         {"training_seconds", train_seconds}};
  for (const auto& [name, text] : splits) {
    report(progress, str("encoding ", name, " (", text->size(), " pairs)"));
    SplitInfo info;
    info.pairs = text->size();
    for (const auto& [lang, sentences, count] :
         {std::tuple{src, &text->source, &info.source_tokens}, std::tuple{tgt, &text->target, &info.target_tokens}}) {
      const TokenColumn column = encode_all(vocabulary, *sentences);
      *count = column.tokens.size();
      const std::string stem = name + "." + lang;
      write_token_column(column, tmp / (stem + ".bin"), tmp / (stem + ".idx"));
    }
    metadata.splits[name] = info;
  }

  report(progress, "checksumming files");
  for (const auto& entry : fs::directory_iterator(tmp)) {
    const std::string file = entry.path().filename().string();
    metadata.files[file] = {fs::file_size(entry.path()), util::sha256_file(entry.path())};
  }
  metadata.corpus = corpus.description;
  metadata.created = utc_now();
  metadata.tool = options.tool;
  write_metadata(metadata, tmp / kMetadataFile);  // last: its presence marks a finished directory
  dir.commit();
  report(progress, str("wrote ", dir.target().string()));
  return metadata;
}

}  // namespace hat::data
