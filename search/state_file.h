// A search's saved state (state.json, or state-LABEL.json per run of a sweep), written after
// each completed iteration so that --resume continues where an interrupted search stopped.
// The file names what it is a state of: a state saved by another algorithm, seed or search
// space is refused, since continuing it would give a result that no uninterrupted search gives.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "search/evolution.h"

namespace hat::search {

struct SearchIdentity {
  std::string algorithm;   // "evolution" or "random"
  uint64_t seed = 0;
  std::string space_hash;  // the searched space's hash (SpaceFile::hash)
};

// Replaces `file` atomically (an interruption leaves the previous state).
void save_search_state(const std::filesystem::path& file, const SearchIdentity& identity,
                       const SearchState& state);

// The state saved in `file`; nothing when there is no file. Throws hat::Error when the file is
// not a saved state of the search `identity` names.
std::optional<SearchState> load_search_state(const std::filesystem::path& file,
                                             const SearchIdentity& identity);

}  // namespace hat::search
