// Space files: HAT's SuperTransformer YAML (space0.yml, space1.yml) holding the search space and
// the training settings; shipped ones (experiments/spaces/NAME.yml) are found by name.
#pragma once

#include <string>
#include <vector>

#include "supernet/arch/search_space.h"
#include "supernet/arch/train_settings.h"

namespace hat::arch {

struct SpaceFile {
  SearchSpace space;       // validated (validate_space); name = NAME or the file's stem
  TrainSettings settings;  // TrainSettings{} with the file's training keys applied
  std::string text;        // the file's bytes, for checkpoint metadata
  std::string hash;        // space_hash(space): the SuperTransformer and its choices only
  std::string path;        // where it was read from ("" when parsed from text)
};

// "default", "wmt14.en-de", "iwslt14.de-en", ... resolve to spaces_dir()/NAME.yml; anything
// with a '/' or ending in .yml / .yaml is a path. Throws hat::Error naming the file (and, for an
// unknown name, the shipped names) when it cannot be read or parsed, naming the key for a
// missing, mistyped or unknown key, and with validate_space's message when the space is
// inconsistent.
SpaceFile load_space_file(const std::string& name_or_path);

// The same from text: `name` becomes space.name, `source` is used in messages.
SpaceFile parse_space_file(const std::string& text, const std::string& name,
                           const std::string& source);

// Where the shipped spaces live (experiments/spaces of the data root, util/data_dirs.h), and
// their names.
std::string spaces_dir();
std::vector<std::string> shipped_space_names();

// The path load_space_file would read for `name_or_path`.
std::string resolve_space_path(const std::string& name_or_path);

}  // namespace hat::arch
