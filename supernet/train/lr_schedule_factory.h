// The schedule a TrainSettings names (fairseq's --lr-scheduler).
#pragma once

#include <memory>

#include "supernet/arch/train_settings.h"
#include "supernet/optim/lr_schedule.h"

namespace hat::train {

std::unique_ptr<optim::LrSchedule> make_schedule(const arch::TrainSettings& s);

}  // namespace hat::train
