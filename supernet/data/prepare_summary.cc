#include "supernet/data/prepare_summary.h"

#include <cstdio>

namespace hat::data {

std::string format_prepare_summary(const DataMetadata& m, const std::string& out, double seconds) {
  std::string text;
  char line[256];
  for (const char* split : {"train", "valid", "test"}) {
    const SplitInfo& s = m.splits.at(split);
    std::snprintf(line, sizeof line, "%-5s %8llu pairs  %9llu %s tokens  %9llu %s tokens\n", split,
                  static_cast<unsigned long long>(s.pairs), static_cast<unsigned long long>(s.source_tokens),
                  m.source_lang.c_str(), static_cast<unsigned long long>(s.target_tokens), m.target_lang.c_str());
    text += line;
  }
  std::snprintf(line, sizeof line, "vocabulary %d pieces (%s)\n", m.vocab_size, m.vocab_model_type.c_str());
  text += line;
  std::snprintf(line, sizeof line, "time %.1f s\n", seconds);
  return text + "data directory " + out + "\n" + line;
}

}  // namespace hat::data
