// Training settings as a checkpoint's state.json records them: a round trip, and a checkpoint
// written before largest_first_updates existed resumes as what it did (0).
#include <gtest/gtest.h>

#include "supernet/train/train_settings_json.h"

namespace hat {
namespace {

TEST(TrainSettingsJson, RoundTripsEverySetting) {
  arch::TrainSettings s;
  s.lr = 7e-4;
  s.largest_first_updates = 400;
  s.dropout = 0.25;
  const nlohmann::json state = {{"settings", s}};
  EXPECT_EQ(arch::settings_of_state(state), s);
}

TEST(TrainSettingsJson, AnOlderCheckpointWithoutLargestFirstUpdatesReadsZero) {
  arch::TrainSettings s;
  s.largest_first_updates = 400;
  nlohmann::json state = {{"settings", s}};
  state["settings"].erase("largest_first_updates");
  EXPECT_EQ(arch::settings_of_state(state).largest_first_updates, 0);
  state["settings"].erase("lr");  // any other missing field is still an error
  EXPECT_THROW(arch::settings_of_state(state), nlohmann::json::exception);
}

}  // namespace
}  // namespace hat
