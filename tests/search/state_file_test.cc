// The saved state of a search: read back as written, nothing when absent, and refused when it
// is the state of another search.
#include "search/state_file.h"

#include <fstream>

#include <gtest/gtest.h>

#include "tests/search/search_test_space.h"
#include "tests/support/test_util.h"

namespace hat::search {
namespace {

class StateFile : public test::TempDirectoryTest {};

TEST_F(StateFile, ASavedStateReadsBackAsWritten) {
  std::filesystem::create_directories(root_);
  test::SyntheticProblem p;
  EvolutionOptions o;
  o.iterations = 3;
  o.parents = 4;
  o.mutations = o.crossovers = 4;
  const SearchState state = EvolutionarySearch(p.space, o, p.fitness_fn(), p.constraint()).run();
  const SearchIdentity id{"evolution", 1, "hash"};
  EXPECT_FALSE(load_search_state(root_ / "state.json", id).has_value());
  save_search_state(root_ / "state.json", id, state);
  const std::optional<SearchState> loaded = load_search_state(root_ / "state.json", id);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->to_json(), state.to_json());
  EXPECT_EQ(loaded->completed_iterations, 3);

  for (const SearchIdentity& other : {SearchIdentity{"random", 1, "hash"},
                                      SearchIdentity{"evolution", 2, "hash"},
                                      SearchIdentity{"evolution", 1, "other"}})
    test::expect_error([&] { load_search_state(root_ / "state.json", other); },
                       {(root_ / "state.json").string(), "is not a saved state of this search"});
  std::ofstream(root_ / "state.json") << "{\"algorithm\": ";
  test::expect_error([&] { load_search_state(root_ / "state.json", id); }, {"not a saved state"});
}

}  // namespace
}  // namespace hat::search
