#include "search/state_file.h"

#include <fstream>

#include "devices/error.h"
#include "util/atomic_file.h"

namespace hat::search {

void save_search_state(const std::filesystem::path& file, const SearchIdentity& identity,
                       const SearchState& state) {
  const nlohmann::json j{{"algorithm", identity.algorithm}, {"seed", identity.seed},
                         {"space", identity.space_hash}, {"state", state.to_json()}};
  util::write_file_atomically(file, j.dump());
}

std::optional<SearchState> load_search_state(const std::filesystem::path& file,
                                             const SearchIdentity& identity) {
  if (!std::filesystem::exists(file)) return std::nullopt;
  std::ifstream in(file);
  const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || j.value("algorithm", "") != identity.algorithm ||
      j.value("seed", uint64_t{0}) != identity.seed || j.value("space", "") != identity.space_hash)
    throw Error(str(file.string(), " is not a saved state of this search (algorithm, seed or space differ)"));
  return SearchState::from_json(j.at("state"));
}

}  // namespace hat::search
