// The lines hattrain prints: progress, validations, and the closing line.
#include <gtest/gtest.h>

#include "supernet/train/train_lines.h"

namespace hat {
namespace {

TEST(TrainLines, ProgressLineShowsUpdateEpochLossLrSpeedAndTime) {
  train::TrainProgress p{.update = 120, .max_update = 1000, .epoch = 2, .lr = 0.000125,
                        .loss_bits = 7.12345, .target_tokens_per_second = 5230.4,
                        .arch_hash = {}};
  EXPECT_EQ(train::format_progress_line(p, "1:05"), "update 120/1000 epoch 2 | loss 7.123 bits | lr 0.000125 | 5230 tok/s | 1:05");
  p.arch_choice = train::TrainProgress::ArchChoice::largest_first;
  EXPECT_EQ(train::format_progress_line(p, "1:05"),
            "update 120/1000 epoch 2 | loss 7.123 bits | lr 0.000125 | 5230 tok/s | 1:05 | largest "
            "SubTransformer first");
}

TEST(TrainLines, ValidationLineAlignsTheSubTransformersName) {
  train::ValidationRecord v{.update = 250, .name = "largest", .arch_hash = "ab12cd34", .loss_bits = 6.1,
                     .nll_bits = 5.9004};
  EXPECT_EQ(train::format_validation_line(v), "valid largest  update 250: loss 6.100 bits, nll 5.900 bits (ab12cd34)");
  v.name = "arch";
  EXPECT_EQ(train::format_validation_line(v).substr(0, 21), "valid arch     update");
}

TEST(TrainLines, ResultNamesTheReasonTheLastCheckpointAndTheMetricsFile) {
  train::TrainResult r;
  r.updates = 40;
  r.stop_reason = "time-budget";
  r.last_checkpoint = "runs/a/checkpoint_00000040";
  EXPECT_EQ(train::format_train_result(r, "runs/a"),
            "40 updates (time-budget); last checkpoint runs/a/checkpoint_00000040; metrics "
            "runs/a/metrics.csv");
}

}  // namespace
}  // namespace hat
