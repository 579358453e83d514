// HAT's training keys (fairseq option names: `optimizer`, `adam-betas`, `lr-scheduler`, ...) as
// found in a space file, read into TrainSettings.
#pragma once

#include <string>
#include <vector>

#include "supernet/arch/train_settings.h"
#include "supernet/arch/yaml_fields.h"

namespace hat::arch {

// Reads the training keys present in `map` into `settings` (absent keys keep the values
// `settings` has), marking them used. fairseq-only keys (ddp-backend, fp16, data, arch,
// keep-last-epochs, save-interval, validate-interval, distributed-world-size, source-lang,
// target-lang) are accepted and ignored; `criterion` must be label_smoothed_cross_entropy and
// `optimizer` adam. Bad values (a dropout outside [0, 1), an unknown scheduler, betas that are
// not "(b1, b2)") throw naming the key.
void read_train_settings(YamlMap& map, TrainSettings& settings);

// Every key read_train_settings knows (read or ignored).
const std::vector<std::string>& train_setting_keys();

}  // namespace hat::arch
