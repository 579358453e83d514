// TrainSettings <-> JSON (nlohmann's field-list macro), for checkpoints: a resumed run must
// train with the settings it started with.
#pragma once

#include <nlohmann/json.hpp>

#include "supernet/arch/train_settings.h"

// In TrainSettings' own namespace: nlohmann finds to_json/from_json by argument-dependent lookup.
namespace hat::arch {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(TrainSettings, adam_beta1, adam_beta2, adam_eps, weight_decay,
                                   clip_norm, lr_scheduler, lr, max_lr, warmup_init_lr,
                                   warmup_updates, lr_shrink, t_mult, lr_period_updates,
                                   max_tokens, update_freq, max_update,
                                   largest_first_updates, dropout, attention_dropout,
                                   activation_dropout, label_smoothing, validate_interval_updates,
                                   save_interval_updates, keep_last, seed)

// The settings a checkpoint's state.json records. Checkpoints written before a setting existed
// lack its field: it reads as what those runs did (largest_first_updates: 0).
inline TrainSettings settings_of_state(const nlohmann::json& state) {
  nlohmann::json settings = state.at("settings");
  if (!settings.contains("largest_first_updates")) settings["largest_first_updates"] = 0;
  return settings.get<TrainSettings>();
}

}  // namespace hat::arch
