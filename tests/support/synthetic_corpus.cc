#include "tests/support/synthetic_corpus.h"

#include <fstream>

namespace hat::test {

std::string synthetic_sentence(data::Rng& rng, bool german) {
  static const char* kDe[] = {"der", "Hund", "läuft", "schnell", "über", "die", "Straße",
                              "und", "bellt", "laut", "Größe", "müde", "Bäume", "wachsen",
                              "Öl", "Haus", "alt", "neu", "Tag", "Nacht"};
  static const char* kEn[] = {"the", "dog", "runs", "quickly", "across", "street", "and",
                              "barks", "loudly", "size", "tired", "trees", "grow", "oil",
                              "house", "old", "new", "day", "night", "a"};
  std::string s;
  const size_t words = 3 + rng.below(6);
  for (size_t w = 0; w < words; ++w) {
    if (w > 0) s += ' ';
    s += german ? kDe[rng.below(20)] : kEn[rng.below(20)];
  }
  return s + ".";
}

void write_synthetic_split(const std::filesystem::path& dir, const std::string& split, size_t pairs,
                           uint64_t seed) {
  data::Rng rng(seed);
  std::ofstream de(dir / (split + ".de")), en(dir / (split + ".en"));
  for (size_t i = 0; i < pairs; ++i) {
    de << synthetic_sentence(rng, true) << "  \n";  // trailing spaces: normalised away
    en << synthetic_sentence(rng, false) << "\n";
  }
}

}  // namespace hat::test
