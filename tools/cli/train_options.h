// hattrain's options: the flag table (grouped as --help shows it) and the overrides of the
// space's training settings, kept apart from the main as Marian keeps its config parser.
// Header-only, as only tools that link hat_supernet include it.
#pragma once

#include <boost/program_options.hpp>
#include <cstdint>
#include <string>
#include <type_traits>

#include "supernet/arch/train_settings.h"

namespace hat::cli {

inline boost::program_options::options_description train_options() {
  namespace po = boost::program_options;
  po::options_description io("Data and output");
  io.add_options()
      ("data", po::value<std::string>()->default_value("data/default"), "data directory from hatdata")
      ("space", po::value<std::string>()->default_value("default"),
       "search space and HAT's training settings: default, iwslt14.de-en, wmt14.en-de, "
       "wmt14.en-fr, wmt19.en-de, or a YAML file")
      ("save-dir", po::value<std::string>(), "checkpoints and metrics.csv (default checkpoints/SPACE, "
       "or checkpoints/SPACE-ARCHHASH with --arch)")
      ("arch", po::value<std::string>(),
       "train only this SubTransformer: largest, smallest (of --space), or a YAML file (ours or HAT's)")
      ("init", po::value<std::string>(),
       "fine-tune a model directory (hatexport's): its architecture, its weights as the start")
      ("export", po::value<std::string>(), "at the end, export the SubTransformer to this model directory")
      ("export-force", po::bool_switch(), "replace an existing --export model directory")
      ("resume", po::bool_switch(), "continue from the latest checkpoint in --save-dir");
  po::options_description length("How long");
  length.add_options()
      ("max-update", po::value<int64_t>(), "updates to train (the space's max-update by default)")
      ("time-budget", po::value<std::string>(), "stop cleanly after this wall time: 90s, 30m, 2h");
  po::options_description training("Overrides of the space's training settings");
  training.add_options()
      ("max-tokens", po::value<int64_t>(), "tokens per batch (rows x longest sentence)")
      ("update-freq", po::value<int64_t>(), "batches accumulated per update")
      ("lr-scheduler", po::value<std::string>(), "inverse_sqrt or cosine")
      ("lr", po::value<double>(), "inverse_sqrt: peak lr; cosine: final lr")
      ("max-lr", po::value<double>(), "cosine: peak lr")
      ("warmup-updates", po::value<int64_t>(), "linear warm-up updates")
      ("warmup-init-lr", po::value<double>(), "lr at update 0")
      ("largest-first-updates", po::value<int64_t>(),
       "first N updates train the largest SubTransformer alone, then uniform sampling")
      ("dropout", po::value<double>(), "dropout (rescaled by sampled/super dim, as HAT)")
      ("attention-dropout", po::value<double>(), "dropout on attention probabilities")
      ("activation-dropout", po::value<double>(), "dropout after the FFN's ReLU")
      ("label-smoothing", po::value<double>(), "label smoothing of the cross-entropy")
      ("weight-decay", po::value<double>(), "Adam's decoupled weight decay")
      ("clip-norm", po::value<double>(), "gradient norm clipping (0: off)")
      ("seed", po::value<uint64_t>(), "seed of initialisation, sampling, dropout and batches");
  po::options_description reporting("Reporting and resources");
  reporting.add_options()
      ("validate-interval", po::value<int64_t>(), "updates between validations (default 250)")
      ("save-interval", po::value<int64_t>(), "updates between checkpoints (default 250)")
      ("keep-last", po::value<int64_t>(), "checkpoints kept besides the best (default 3)")
      ("log-interval", po::value<int64_t>()->default_value(10), "updates per metrics row")
      ("valid-sentences", po::value<int64_t>()->default_value(0),
       "validate on the first N valid sentences (0: all)")
      ("threads", po::value<int>()->default_value(0), "CPU threads (0: all cores)")
      ("help,h", "show this help");
  po::options_description all;
  all.add(io).add(length).add(training).add(reporting);
  return all;
}

// Settings given on the command line override the space file's.
inline void override_training_settings(const boost::program_options::variables_map& vm,
                                       arch::TrainSettings& s) {
  const auto set = [&vm](const char* name, auto& field) {
    if (vm.count(name)) field = vm[name].as<std::remove_reference_t<decltype(field)>>();
  };
  set("max-update", s.max_update);
  set("max-tokens", s.max_tokens);
  set("update-freq", s.update_freq);
  set("lr-scheduler", s.lr_scheduler);
  set("lr", s.lr);
  set("max-lr", s.max_lr);
  set("warmup-updates", s.warmup_updates);
  set("warmup-init-lr", s.warmup_init_lr);
  set("largest-first-updates", s.largest_first_updates);
  set("dropout", s.dropout);
  set("attention-dropout", s.attention_dropout);
  set("activation-dropout", s.activation_dropout);
  set("label-smoothing", s.label_smoothing);
  set("weight-decay", s.weight_decay);
  set("clip-norm", s.clip_norm);
  set("seed", s.seed);
  set("validate-interval", s.validate_interval_updates);
  set("save-interval", s.save_interval_updates);
  set("keep-last", s.keep_last);
}

}  // namespace hat::cli
