// The schedule a TrainSettings names (fairseq's --lr-scheduler).
#pragma once

#include <memory>

#include "supernet/train/lr_schedule.h"
#include "supernet/train/train_settings.h"

namespace hat {

std::unique_ptr<LrSchedule> make_schedule(const TrainSettings& s);

}  // namespace hat
