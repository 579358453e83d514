// Checkpoints: exact save/load of parameters and Adam state, pruning, the newest good
// checkpoint, damaged files and checkpoints of another model.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "supernet/checkpoint/checkpoint_store.h"
#include "supernet/checkpoint/safetensors.h"
#include "tests/support/test_util.h"
#include "util/sha256.h"

namespace hat::checkpoint {
namespace {

namespace fs = std::filesystem;

// A small model: odd sizes, so the flat buffers have alignment gaps between parameters.
ParameterStore make_params(int64_t vocab = 8, int64_t dim = 4) {
  ParameterStore params(DType::f32);
  params.declare("encoder.embed_tokens.weight", {vocab, dim});
  params.declare("encoder.layers.0.fc1.weight", {6, dim});
  params.declare("encoder.layers.0.fc1.bias", {6});
  params.declare("decoder.layer_norm.weight", {3});
  params.allocate();
  for (const auto& e : params.entries()) e.value.copy_from(test::random_tensor(e.shape, DType::f32, e.offset + 11));
  return params;
}

// One Adam step with fake gradients that depend only on the step number.
void fake_step(ParameterStore& params, optim::Adam& adam, int step) {
  params.zero_grad();
  for (const auto& e : params.entries())
    e.grad.copy_from(test::random_tensor(e.shape, DType::f32, 1000 * step + e.offset));
  adam.step(1e-2);
}

using test::same_bytes;

::testing::AssertionResult same_state(const ParameterStore& p1, const optim::Adam& a1,
                                      const ParameterStore& p2, const optim::Adam& a2) {
  if (!same_bytes(p1.values(), p2.values())) return ::testing::AssertionFailure() << "parameters differ";
  if (!same_bytes(a1.exp_avg(), a2.exp_avg())) return ::testing::AssertionFailure() << "exp_avg differs";
  if (!same_bytes(a1.exp_avg_sq(), a2.exp_avg_sq())) return ::testing::AssertionFailure() << "exp_avg_sq differs";
  if (a1.steps() != a2.steps()) return ::testing::AssertionFailure() << "steps " << a1.steps() << " vs " << a2.steps();
  return ::testing::AssertionSuccess();
}

void flip_byte(const fs::path& path, uint64_t offset) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(offset));
  char c = 0;
  f.get(c);
  f.seekp(static_cast<std::streamoff>(offset));
  f.put(static_cast<char>(c ^ 0x10));
}

using CheckpointTest = test::TempDirectoryTest;

TEST_F(CheckpointTest, SaveLoadIsBitIdenticalAndTrainingContinuesIdentically) {
  ParameterStore params = make_params();
  optim::Adam adam(params, {.weight_decay = 0.01});
  for (int step = 1; step <= 3; ++step) fake_step(params, adam, step);
  CheckpointStore store(root_, 3);
  const nlohmann::json trainer = {{"cursor", 1234}, {"seed", 1}, {"space", "space text"}};
  const fs::path dir = store.save(3, params, adam, trainer, false);
  EXPECT_EQ(dir, root_ / "checkpoint_00000003");

  ParameterStore fresh = make_params();
  fresh.values().zero_();
  optim::Adam fresh_adam(fresh, {.weight_decay = 0.01});
  const LoadedCheckpoint loaded = load_checkpoint(*store.latest(), fresh, fresh_adam);
  EXPECT_EQ(loaded.update, 3);
  EXPECT_EQ(loaded.adam_steps, 3);
  EXPECT_EQ(loaded.trainer, trainer);
  EXPECT_TRUE(same_state(params, adam, fresh, fresh_adam));

  fake_step(params, adam, 4);
  fake_step(fresh, fresh_adam, 4);
  EXPECT_TRUE(same_state(params, adam, fresh, fresh_adam));
}

TEST_F(CheckpointTest, StateRecordsVersionsAndChecksums) {
  ParameterStore params = make_params();
  optim::Adam adam(params);
  fake_step(params, adam, 1);
  CheckpointStore store(root_, 2);
  const fs::path dir = store.save(1200, params, adam, {{"arch", "x"}}, true);
  EXPECT_EQ(dir.filename(), "checkpoint_00001200");
  std::ifstream in(dir / kStateFile);
  const nlohmann::json state = nlohmann::json::parse(in);
  EXPECT_EQ(state["format_version"], kFormatVersion);
  EXPECT_EQ(state["update"], 1200);
  EXPECT_EQ(state["adam"]["steps"], 1);
  EXPECT_EQ(state["trainer"]["arch"], "x");
  EXPECT_EQ(state["files"][kModelFile]["sha256"], util::sha256_file(dir / kModelFile));
  EXPECT_EQ(state["files"][kOptimizerFile]["sha256"], util::sha256_file(dir / kOptimizerFile));
  EXPECT_TRUE(state["build"]["onednn"].get<std::string>().starts_with("2."));
  EXPECT_FALSE(state["created"].get<std::string>().empty());
  EXPECT_FALSE(state["host"].get<std::string>().empty());
  // The weights are a plain safetensors file with the parameter names and full shapes.
  const SafetensorsContents model = read_safetensors(dir / kModelFile);
  EXPECT_EQ(model.tensors.size(), params.entries().size());
  EXPECT_TRUE(same_bytes(model.tensors.at("encoder.layers.0.fc1.weight"), params.value("encoder.layers.0.fc1.weight")));
  EXPECT_EQ(model.metadata.at("format"), "pt");
  const SafetensorsContents optimizer = read_safetensors(dir / kOptimizerFile);
  EXPECT_EQ(optimizer.tensors.count("exp_avg.decoder.layer_norm.weight"), 1u);
  EXPECT_EQ(optimizer.tensors.count("exp_avg_sq.decoder.layer_norm.weight"), 1u);
  EXPECT_EQ(fs::read_symlink(root_ / "checkpoint_last"), "checkpoint_00001200");
  EXPECT_EQ(fs::read_symlink(root_ / "checkpoint_best"), "checkpoint_00001200");
  EXPECT_EQ(store.best(), dir);
}

TEST_F(CheckpointTest, PruningKeepsTheLastNAndTheBest) {
  ParameterStore params = make_params();
  optim::Adam adam(params);
  CheckpointStore store(root_, 2);
  store.save(100, params, adam, {}, true);
  store.save(200, params, adam, {}, false);
  store.save(300, params, adam, {}, false);
  store.save(400, params, adam, {}, false);
  EXPECT_EQ(names(), (std::vector<std::string>{"checkpoint_00000100", "checkpoint_00000300", "checkpoint_00000400",
                                               "checkpoint_best", "checkpoint_last"}));
  EXPECT_EQ(fs::read_symlink(root_ / "checkpoint_last"), "checkpoint_00000400");
  store.save(500, params, adam, {}, true);  // the best moves: 100 may go
  EXPECT_EQ(names(), (std::vector<std::string>{"checkpoint_00000400", "checkpoint_00000500", "checkpoint_best",
                                               "checkpoint_last"}));
  EXPECT_EQ(store.best(), root_ / "checkpoint_00000500");
  EXPECT_EQ(store.latest(), root_ / "checkpoint_00000500");
}

TEST_F(CheckpointTest, SavingTheSameUpdateAgainReplacesIt) {
  ParameterStore params = make_params();
  optim::Adam adam(params);
  CheckpointStore store(root_, 0);
  store.save(7, params, adam, {{"run", 1}}, false);
  fake_step(params, adam, 1);
  store.save(7, params, adam, {{"run", 2}}, false);
  ParameterStore fresh = make_params();
  optim::Adam fresh_adam(fresh);
  EXPECT_EQ(store.load(root_ / "checkpoint_00000007", fresh, fresh_adam)["run"], 2);
  EXPECT_TRUE(same_state(params, adam, fresh, fresh_adam));
  EXPECT_EQ(names(), (std::vector<std::string>{"checkpoint_00000007", "checkpoint_last"}));
}

TEST_F(CheckpointTest, LatestSkipsDamagedNewerCheckpoints) {
  ParameterStore params = make_params();
  optim::Adam adam(params);
  CheckpointStore store(root_, 0);
  EXPECT_FALSE(store.latest().has_value());
  store.save(100, params, adam, {}, false);
  store.save(200, params, adam, {}, false);
  store.save(300, params, adam, {}, false);
  flip_byte(root_ / "checkpoint_00000300" / kModelFile, fs::file_size(root_ / "checkpoint_00000300" / kModelFile) - 3);
  fs::remove(root_ / "checkpoint_00000200" / kStateFile);
  // What a killed save leaves behind: a temporary directory, never a checkpoint name.
  fs::create_directories(root_ / ".tmp-checkpoint_00000400-1-2-3");
  std::ofstream(root_ / ".tmp-checkpoint_00000400-1-2-3" / kModelFile) << "partial";

  std::vector<std::string> warnings;
  CheckpointStore watched(root_, 0, [&](const std::string& w) { warnings.push_back(w); });
  EXPECT_EQ(watched.latest(), root_ / "checkpoint_00000100");
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_NE(warnings[0].find("checkpoint_00000300"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("SHA-256"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[1].find("checkpoint_00000200"), std::string::npos) << warnings[1];
  EXPECT_NE(warnings[1].find("state.json"), std::string::npos) << warnings[1];

  watched.save(400, params, adam, {}, false);  // sweeps the leftover temporary
  EXPECT_FALSE(fs::exists(root_ / ".tmp-checkpoint_00000400-1-2-3"));
  EXPECT_EQ(watched.latest(), root_ / "checkpoint_00000400");
}

TEST_F(CheckpointTest, DamagedFilesAreRefusedAndNothingIsLoaded) {
  ParameterStore params = make_params();
  optim::Adam adam(params);
  fake_step(params, adam, 1);
  CheckpointStore store(root_, 0);
  const fs::path dir = store.save(1, params, adam, {}, false);
  ParameterStore target = make_params();
  optim::Adam target_adam(target);
  const Tensor before = target.values().clone();

  // One flipped bit in the middle of the data: caught by the SHA-256 in state.json.
  const fs::path model = dir / kModelFile;
  flip_byte(model, fs::file_size(model) - 20);
  test::expect_error([&] { store.load(dir, target, target_adam); },
                     {"checkpoint", dir.string(), "model.safetensors has SHA-256", "damaged"});
  EXPECT_TRUE(same_bytes(target.values(), before));
  EXPECT_EQ(target_adam.steps(), 0);
  flip_byte(model, fs::file_size(model) - 20);  // repaired
  store.load(dir, target, target_adam);

  // A truncated optimizer file.
  const fs::path optimizer = dir / kOptimizerFile;
  fs::resize_file(optimizer, fs::file_size(optimizer) - 10);
  test::expect_error([&] { store.load(dir, target, target_adam); }, {dir.string(), "optimizer.safetensors has", "truncated"});

  // A state.json that is not JSON.
  std::ofstream(dir / kStateFile) << "{ not json";
  test::expect_error([&] { store.load(dir, target, target_adam); }, {dir.string(), "state.json is not valid JSON"});
  test::expect_error([&] { store.load(root_ / "nowhere", target, target_adam); }, {"nowhere", "no such directory"});
}

TEST_F(CheckpointTest, ACheckpointOfAnotherModelIsRefusedWithBothShapes) {
  ParameterStore params = make_params(8, 4);
  optim::Adam adam(params);
  CheckpointStore store(root_, 0);
  const fs::path dir = store.save(1, params, adam, {}, false);

  ParameterStore other_vocab = make_params(10, 4);
  optim::Adam other_adam(other_vocab);
  const Tensor before = other_vocab.values().clone();
  test::expect_error([&] { store.load(dir, other_vocab, other_adam); },
                     {"checkpoint " + dir.string(),
                      "encoder.embed_tokens.weight is [8, 4] in the checkpoint but [10, 4] in the model",
                      "another vocabulary or search space"});
  EXPECT_TRUE(same_bytes(other_vocab.values(), before));

  ParameterStore renamed(DType::f32);
  renamed.declare("encoder.embed_tokens.weight", {8, 4});
  renamed.declare("encoder.layers.0.fc2.weight", {6, 4});
  renamed.allocate();
  optim::Adam renamed_adam(renamed);
  test::expect_error([&] { store.load(dir, renamed, renamed_adam); },
                     {"encoder.layers.0.fc2.weight [6, 4] is in the model but not in the checkpoint",
                      "encoder.layers.0.fc1.weight [6, 4] is in the checkpoint but not in the model", "and 1 more"});

  ParameterStore doubles(DType::f64);
  for (const auto& e : params.entries()) doubles.declare(e.name, e.shape);
  doubles.allocate();
  optim::Adam double_adam(doubles);
  test::expect_error([&] { store.load(dir, doubles, double_adam); },
                     {"is F32 [8, 4] in the checkpoint but F64 [8, 4] in the model"});
}

TEST_F(CheckpointTest, RejectsBadArguments) {
  test::expect_error([&] { CheckpointStore(root_, -1); }, {"keep_last -1"});
  ParameterStore params = make_params();
  optim::Adam adam(params);
  CheckpointStore store(root_, 1);
  test::expect_error([&] { store.save(-5, params, adam, {}, false); }, {"negative update count -5"});
  test::expect_error([&] { store.save(1, params, adam, nlohmann::json::array(), false); }, {"must be a JSON object"});
  EXPECT_EQ(CheckpointStore::parse_directory_name("checkpoint_00001200"), 1200);
  EXPECT_EQ(CheckpointStore::parse_directory_name("checkpoint_123456789"), 123456789);
  EXPECT_FALSE(CheckpointStore::parse_directory_name("checkpoint_1200").has_value());
  EXPECT_FALSE(CheckpointStore::parse_directory_name("checkpoint_000012x0").has_value());
  EXPECT_FALSE(CheckpointStore::parse_directory_name("checkpoint_last").has_value());
  EXPECT_FALSE(CheckpointStore::parse_directory_name("checkpoint_000000001").has_value());
}

}  // namespace
}  // namespace hat::checkpoint
