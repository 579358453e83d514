#include "supernet/data/corpus_text_directory.h"

#include <utility>

#include "util/atomic_directory.h"
#include "util/text_lines.h"

namespace hat::data {

std::filesystem::path write_corpus_text(const Corpus& corpus, const std::filesystem::path& out, bool force,
                                        const SplitWritten& on_split) {
  util::AtomicDirectory dir(out, force, kCorpusDescriptionFile);
  for (const auto& [name, text] : {std::pair{"train", &corpus.train}, {"valid", &corpus.valid}, {"test", &corpus.test}}) {
    write_parallel(*text, dir.path(), name, corpus.source_lang, corpus.target_lang);
    if (on_split) on_split(name, text->size());
  }
  util::write_file(dir.path() / kCorpusDescriptionFile, corpus.description.dump(2) + "\n");
  dir.commit();
  return dir.target();
}

}  // namespace hat::data
