#include "supernet/data/corpus_text_directory.h"

#include <utility>

#include "supernet/data/atomic_directory.h"
#include "supernet/data/text_lines.h"

namespace hat::data {

std::filesystem::path write_corpus_text(const Corpus& corpus, const std::filesystem::path& out, bool force,
                                        const SplitWritten& on_split) {
  AtomicDirectory dir(out, force, kCorpusDescriptionFile);
  for (const auto& [name, text] : {std::pair{"train", &corpus.train}, {"valid", &corpus.valid}, {"test", &corpus.test}}) {
    write_parallel(*text, dir.path(), name, corpus.source_lang, corpus.target_lang);
    if (on_split) on_split(name, text->size());
  }
  write_file(dir.path() / kCorpusDescriptionFile, corpus.description.dump(2) + "\n");
  dir.commit();
  return dir.target();
}

}  // namespace hat::data
