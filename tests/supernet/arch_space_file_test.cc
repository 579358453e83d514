// Space files: the shipped spaces (HAT's two and the default) load with their training
// settings, names resolve, the space hash, and errors that name the file and the key.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "supernet/arch/space_file.h"
#include "supernet/arch/space_yaml.h"
#include "tests/supernet/arch_test_fixtures.h"

namespace hat {
namespace {

using test::expect_error;
using test::replace;

namespace fs = std::filesystem;

std::string shipped_text(const std::string& name) { return arch::load_space_file(name).text; }

TEST(SpaceFile, WmtSpaceLoadsWithHatsSettings) {
  const arch::SpaceFile f = arch::load_space_file("wmt14.en-de");
  EXPECT_EQ(f.space.name, "wmt14.en-de");
  EXPECT_EQ(f.path, (fs::path(arch::spaces_dir()) / "wmt14.en-de.yml").string());
  const arch::ModelDims& d = f.space.super_dims;
  EXPECT_EQ(d.encoder_embed_max, 640);
  EXPECT_EQ(d.decoder_ffn_max, 3072);
  EXPECT_EQ(d.decoder_layers_max, 6);
  EXPECT_EQ(d.qkv_dim, 512);
  EXPECT_TRUE(d.share_all_embeddings);
  EXPECT_EQ(d.vocab_size, 0);
  EXPECT_EQ(f.space.encoder_embed_choices, (std::vector<int64_t>{640, 512}));
  EXPECT_EQ(f.space.decoder_ffn_choices, (std::vector<int64_t>{3072, 2048, 1024}));
  EXPECT_EQ(f.space.encoder_layer_choices, (std::vector<int64_t>{6}));
  EXPECT_EQ(f.space.decoder_layer_choices, (std::vector<int64_t>{6, 5, 4, 3, 2, 1}));
  EXPECT_EQ(f.space.decoder_ende_heads_choices, (std::vector<int64_t>{8, 4}));
  EXPECT_EQ(f.space.decoder_ende_layers_choices, (std::vector<int64_t>{1, 2, 3}));
  const arch::TrainSettings& t = f.settings;
  EXPECT_EQ(t.adam_beta1, 0.9);
  EXPECT_EQ(t.adam_beta2, 0.98);
  EXPECT_EQ(t.clip_norm, 0.0);
  EXPECT_EQ(t.weight_decay, 0.0);
  EXPECT_EQ(t.dropout, 0.3);
  EXPECT_EQ(t.attention_dropout, 0.1);
  EXPECT_EQ(t.label_smoothing, 0.1);
  EXPECT_EQ(t.update_freq, 16);
  EXPECT_EQ(t.max_update, 40000);
  EXPECT_EQ(t.warmup_updates, 10000);
  EXPECT_EQ(t.lr_scheduler, "cosine");
  EXPECT_EQ(t.warmup_init_lr, 1e-7);
  EXPECT_EQ(t.max_lr, 0.001);
  EXPECT_EQ(t.lr, 1e-7);
  EXPECT_EQ(t.lr_shrink, 1.0);
  EXPECT_EQ(t.max_tokens, 4096);
}

TEST(SpaceFile, IwsltSpaceLoadsWithHatsSettings) {
  const arch::SpaceFile f = arch::load_space_file("iwslt14.de-en");
  EXPECT_FALSE(f.space.super_dims.share_all_embeddings);  // absent: fairseq's default
  EXPECT_EQ(f.space.super_dims.encoder_ffn_max, 2048);
  EXPECT_EQ(f.space.encoder_ffn_choices, (std::vector<int64_t>{2048, 1024, 512}));
  EXPECT_EQ(f.space.encoder_self_heads_choices, (std::vector<int64_t>{4, 2}));
  EXPECT_EQ(f.settings.dropout, 0.375);
  EXPECT_EQ(f.settings.weight_decay, 0.0001);
  EXPECT_EQ(f.settings.lr_scheduler, "inverse_sqrt");
  EXPECT_EQ(f.settings.lr, 0.0005);
  EXPECT_EQ(f.settings.warmup_updates, 10000);
  EXPECT_EQ(f.settings.max_update, 50000);
  // Keys the file leaves out keep TrainSettings' defaults.
  EXPECT_EQ(f.settings.clip_norm, arch::TrainSettings{}.clip_norm);
  EXPECT_EQ(f.settings.update_freq, arch::TrainSettings{}.update_freq);
  EXPECT_EQ(f.settings.attention_dropout, arch::TrainSettings{}.attention_dropout);
}

TEST(SpaceFile, DefaultSpaceIsTheSmallCpuSpace) {
  const arch::SpaceFile f = arch::load_space_file("default");
  const arch::ModelDims& d = f.space.super_dims;
  EXPECT_EQ(d.encoder_embed_max, 256);
  EXPECT_EQ(d.decoder_embed_max, 256);
  EXPECT_EQ(d.encoder_ffn_max, 1024);
  EXPECT_EQ(d.encoder_layers_max, 4);
  EXPECT_EQ(d.decoder_layers_max, 4);
  EXPECT_EQ(d.qkv_dim, 256);
  EXPECT_TRUE(d.share_all_embeddings);
  EXPECT_EQ(f.space.encoder_embed_choices, (std::vector<int64_t>{256, 192}));
  EXPECT_EQ(f.space.decoder_ffn_choices, (std::vector<int64_t>{1024, 768, 512}));
  EXPECT_EQ(f.space.encoder_layer_choices, (std::vector<int64_t>{4}));
  EXPECT_EQ(f.space.decoder_layer_choices, (std::vector<int64_t>{4, 3, 2, 1}));
  EXPECT_EQ(f.space.decoder_self_heads_choices, (std::vector<int64_t>{4, 2}));
  EXPECT_EQ(f.space.decoder_ende_layers_choices, (std::vector<int64_t>{1, 2, 3}));
  const arch::TrainSettings& t = f.settings;
  EXPECT_EQ(t.lr_scheduler, "inverse_sqrt");
  EXPECT_EQ(t.lr, 0.001);
  EXPECT_EQ(t.warmup_updates, 500);
  EXPECT_EQ(t.warmup_init_lr, 1e-7);
  EXPECT_EQ(t.dropout, 0.1);
  EXPECT_EQ(t.attention_dropout, 0.0);
  EXPECT_EQ(t.label_smoothing, 0.1);
  EXPECT_EQ(t.max_tokens, 4096);
  EXPECT_EQ(t.update_freq, 1);
  EXPECT_EQ(t.max_update, 1500);
  EXPECT_EQ(t.largest_first_updates, 500);
  EXPECT_EQ(t.clip_norm, 0.0);
  EXPECT_EQ(t.weight_decay, 0.0001);
}

TEST(SpaceFile, NamesResolveToShippedFilesAndPathsStayPaths) {
  EXPECT_EQ(arch::shipped_space_names(),
            (std::vector<std::string>{"default", "iwslt14.de-en", "wmt14.en-de", "wmt14.en-fr",
                                      "wmt19.en-de"}));
  EXPECT_EQ(arch::resolve_space_path("default"),
            (fs::path(arch::spaces_dir()) / "default.yml").string());
  EXPECT_EQ(arch::resolve_space_path("my/space"), "my/space");
  EXPECT_EQ(arch::resolve_space_path("space.yml"), "space.yml");
  expect_error([] { arch::load_space_file("wmt19"); },
               {"'wmt19'", "default, iwslt14.de-en, wmt14.en-de, wmt14.en-fr, wmt19.en-de"});
  expect_error([] { arch::load_space_file("/nonexistent/space.yml"); },
               {"/nonexistent/space.yml", "does not exist"});
}

TEST(SpaceFile, HatsOriginalFilesLoadAsTheyAre) {
  const fs::path dir = test::hat_configs_dir();
  ASSERT_TRUE(fs::is_directory(dir)) << dir;
  const arch::SpaceFile original =
      arch::load_space_file((dir / "wmt14.en-de/supertransformer/space0.yml").string());
  const arch::SpaceFile ours = arch::load_space_file("wmt14.en-de");
  EXPECT_EQ(original.space.name, "space0");
  EXPECT_EQ(original.hash, ours.hash);
  EXPECT_EQ(original.settings, ours.settings);
  EXPECT_EQ(ours.text.substr(ours.text.find('\n') + 1),
            original.text);  // our copy: one line on top
  const arch::SpaceFile iwslt =
      arch::load_space_file((dir / "iwslt14.de-en/supertransformer/space1.yml").string());
  EXPECT_EQ(iwslt.hash, arch::load_space_file("iwslt14.de-en").hash);
  // HAT's other two tasks: our copies are the originals with one line on top, and their spaces
  // are WMT'14 En-De's choices (experiments/spaces/SOURCE.md).
  for (const char* task : {"wmt14.en-fr", "wmt19.en-de"}) {
    const arch::SpaceFile copy = arch::load_space_file(task);
    const arch::SpaceFile hat =
        arch::load_space_file((dir / task / "supertransformer/space0.yml").string());
    EXPECT_EQ(copy.text.substr(copy.text.find('\n') + 1), hat.text) << task;
    EXPECT_EQ(copy.hash, ours.hash) << task;
    EXPECT_EQ(copy.space.name, task);
  }
}

TEST(SpaceFile, HashCoversTheSpaceOnly) {
  const arch::SpaceFile wmt = arch::load_space_file("wmt14.en-de");
  EXPECT_EQ(wmt.hash, arch::space_hash(wmt.space));
  EXPECT_EQ(wmt.hash.size(), 16u);
  // Pinned: checkpoints record it.
  EXPECT_EQ(wmt.hash, "4fd88a91a6b1c310");
  EXPECT_EQ(arch::load_space_file("default").hash, "335c06f3513d7a09");
  EXPECT_NE(arch::load_space_file("iwslt14.de-en").hash, wmt.hash);
  // Comments, training settings and the name do not change it; a choice does.
  const std::string text = shipped_text("wmt14.en-de");
  const std::string edited =
      replace(replace(text, "max-update: 40000", "max-update: 1000"), "# model", "# edited");
  EXPECT_EQ(arch::parse_space_file(edited, "other", "edited").hash, wmt.hash);
  const std::string narrower = replace(text, "decoder-layer-num-choice: [6, 5, 4, 3, 2, 1]",
                                       "decoder-layer-num-choice: [6, 5, 4]");
  EXPECT_NE(arch::parse_space_file(narrower, "narrow", "narrow").hash, wmt.hash);
}

TEST(SpaceFile, CanonicalSpaceTextRoundTrips) {
  for (const std::string& name : arch::shipped_space_names()) {
    const arch::SpaceFile f = arch::load_space_file(name);
    const arch::SpaceFile again =
        arch::parse_space_file(arch::space_to_hat_yaml(f.space), name, "canonical " + name);
    EXPECT_EQ(again.space, f.space) << name;
    EXPECT_EQ(again.hash, f.hash) << name;
    EXPECT_EQ(again.settings, arch::TrainSettings{}) << name;
  }
}

TEST(SpaceFile, UnknownMissingAndMistypedKeysNameTheFileAndKey) {
  const std::string text = shipped_text("default");
  expect_error(
      [&] {
        arch::parse_space_file(text + "encoder-embed-choices: [256]\n", "d", "space file 'x.yml'");
      },
      {"x.yml", "'encoder-embed-choices'", "not a known key"});
  expect_error(
      [&] {
        arch::parse_space_file(text + "train-subtransformer: True\n", "d", "space file 'x.yml'");
      },
      {"x.yml", "'train-subtransformer'", "not a known key"});
  expect_error(
      [&] { arch::parse_space_file(replace(text, "qkv-dim: 256", ""), "d", "space file 'x.yml'"); },
      {"x.yml", "'qkv-dim'", "missing"});
  expect_error(
      [&] {
        arch::parse_space_file(
            replace(text, "decoder-layer-num-choice: [4, 3, 2, 1]", "decoder-layer-num-choice: 4"),
            "d", "f.yml");
      },
      {"f.yml", "'decoder-layer-num-choice'", "list"});
  expect_error(
      [&] {
        arch::parse_space_file(
            replace(text, "decoder-layer-num-choice: [4, 3, 2, 1]", "decoder-layer-num-choice: []"),
            "d", "f.yml");
      },
      {"f.yml", "'decoder-layer-num-choice'", "at least one"});
  expect_error(
      [&] {
        arch::parse_space_file(replace(text, "adam-betas: (0.9, 0.98)", "adam-betas: 0.9"), "d",
                               "f.yml");
      },
      {"f.yml", "'adam-betas'", "(0.9, 0.98)"});
  expect_error(
      [&] {
        arch::parse_space_file(
            replace(text, "share-all-embeddings: True", "share-all-embeddings: maybe"), "d",
            "f.yml");
      },
      {"f.yml", "'share-all-embeddings'", "True or False"});
  expect_error(
      [&] {
        arch::parse_space_file(replace(text, "max-update: 1500", "max-update: 1.5e3"), "d",
                               "f.yml");
      },
      {"f.yml", "'max-update'", "integer"});
}

TEST(SpaceFile, BadSettingsAndInconsistentSpacesAreRejected) {
  const std::string text = shipped_text("default");
  expect_error(
      [&] {
        arch::parse_space_file(replace(text, "optimizer: adam", "optimizer: sgd"), "d", "f.yml");
      },
      {"f.yml", "'optimizer'", "'sgd'"});
  expect_error(
      [&] {
        arch::parse_space_file(
            replace(text, "criterion: label_smoothed_cross_entropy", "criterion: cross_entropy"),
            "d", "f.yml");
      },
      {"f.yml", "'criterion'", "'cross_entropy'"});
  expect_error(
      [&] {
        arch::parse_space_file(replace(text, "lr-scheduler: inverse_sqrt", "lr-scheduler: fixed"),
                               "d", "f.yml");
      },
      {"f.yml", "'lr-scheduler'", "'fixed'", "cosine"});
  expect_error(
      [&] {
        arch::parse_space_file(replace(text, "dropout: 0.1 ", "dropout: 1.5 "), "d", "f.yml");
      },
      {"f.yml", "'dropout'", "1.5"});
  expect_error(
      [&] {
        arch::parse_space_file(replace(text, "update-freq: 1", "update-freq: 0"), "d", "f.yml");
      },
      {"f.yml", "'update-freq'", "at least 1"});
  expect_error(
      [&] {
        arch::parse_space_file(replace(text, "decoder-arbitrary-ende-attn-choice: [-1, 1, 2]",
                                       "decoder-arbitrary-ende-attn-choice: [-1, 0]"),
                               "d", "f.yml");
      },
      {"f.yml", "'decoder-arbitrary-ende-attn-choice'", "choice 0"});
  expect_error(
      [&] {
        arch::parse_space_file(replace(text, "encoder-self-attention-heads-choice: [4, 2]",
                                       "encoder-self-attention-heads-choice: [8, 4]"),
                               "d", "f.yml");
      },
      {"f.yml", "'encoder-self-attention-heads-choice'",
       "choice 8 exceeds encoder-attention-heads 4"});
  // validate_space's message, prefixed with the file.
  expect_error(
      [&] {
        arch::parse_space_file(replace(text, "encoder-ffn-embed-dim-choice: [1024, 768, 512]",
                                       "encoder-ffn-embed-dim-choice: [2048, 768, 512]"),
                               "d", "f.yml");
      },
      {"f.yml", "encoder ffn dim choice 2048 exceeds", "1024"});
  expect_error(
      [&] {
        arch::parse_space_file(
            replace(text, "encoder-layer-num-choice: [4]", "encoder-layer-num-choice: [4, 2]"), "d",
            "f.yml");
      },
      {"f.yml", "attend-to", "choice 3 exceeds"});
}

TEST(SpaceFile, SettingsAbsentFromTheFileKeepTheirDefaults) {
  const arch::SpaceFile f =
      arch::parse_space_file(arch::space_to_hat_yaml(arch::load_space_file("default").space) +
                                 "seed: 7\nadam-betas: ( 0.8 ,0.99 )\nlr-period-updates: -1\n"
                                 "largest-first-updates: 300\n",
                             "d", "f.yml");
  arch::TrainSettings expected;
  expected.seed = 7;
  expected.adam_beta1 = 0.8;
  expected.adam_beta2 = 0.99;
  expected.lr_period_updates = 0;
  expected.largest_first_updates = 300;
  EXPECT_EQ(f.settings, expected);
}

}  // namespace
}  // namespace hat
