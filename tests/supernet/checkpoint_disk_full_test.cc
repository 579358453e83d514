// A full disk during a save (simulated with RLIMIT_FSIZE, so writes fail with EFBIG): the save
// throws, the previous checkpoint stays intact and loadable, and no temporary is left behind.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "supernet/checkpoint/checkpoint_store.h"
#include "supernet/checkpoint/safetensors.h"
#include "tests/support/test_util.h"
#include "util/atomic_file.h"

namespace hat::checkpoint {
namespace {

namespace fs = std::filesystem;

// Lowers the soft file-size limit of this process and ignores SIGXFSZ for its lifetime.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    EXPECT_EQ(::getrlimit(RLIMIT_FSIZE, &saved_), 0);
    previous_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit = saved_;
    limit.rlim_cur = bytes;
    EXPECT_EQ(::setrlimit(RLIMIT_FSIZE, &limit), 0) << std::strerror(errno);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, previous_handler_);
  }

 private:
  rlimit saved_{};
  void (*previous_handler_)(int) = nullptr;
};

ParameterStore make_params() {
  ParameterStore params(DType::f32);
  params.declare("embed.weight", {16, 8});
  params.declare("fc.weight", {8, 8});
  params.declare("fc.bias", {8});
  params.allocate();
  params.values().copy_from(test::random_tensor({params.total_size()}, DType::f32, 5));
  return params;
}

using test::same_bytes;

using DiskFullTest = test::TempDirectoryTest;

TEST_F(DiskFullTest, AFailedSaveLeavesThePreviousCheckpointIntact) {
  ParameterStore params = make_params();
  optim::Adam adam(params);
  CheckpointStore store(root_, 1);
  store.save(100, params, adam, {{"cursor", 100}}, true);
  const Tensor saved_values = params.values().clone();
  const uint64_t model_bytes = fs::file_size(root_ / "checkpoint_00000100" / kModelFile);

  // The limit stops the first file (the model) and, in the second round, the second file (the
  // optimizer state, twice as large) after the model file went through.
  const std::vector<std::pair<rlim_t, std::string>> limits = {{100, kModelFile},
                                                              {model_bytes + 64, kOptimizerFile}};
  for (const auto& [limit, failing_file] : limits) {
    SCOPED_TRACE(failing_file);
    params.values().copy_from(test::random_tensor({params.total_size()}, DType::f32, 6 + limit));
    {
      FileSizeLimit full(limit);
      test::expect_error([&] { store.save(200, params, adam, {{"cursor", 200}}, true); },
                         {failing_file, "write failed", std::strerror(EFBIG), "the previous file, if any, is unchanged"});
    }
    EXPECT_EQ(names(), (std::vector<std::string>{"checkpoint_00000100", "checkpoint_best", "checkpoint_last"}));
    EXPECT_EQ(fs::read_symlink(root_ / "checkpoint_last"), "checkpoint_00000100");
    EXPECT_EQ(fs::read_symlink(root_ / "checkpoint_best"), "checkpoint_00000100");
    ASSERT_EQ(store.latest(), root_ / "checkpoint_00000100");
    ParameterStore fresh = make_params();
    optim::Adam fresh_adam(fresh);
    EXPECT_EQ(store.load(*store.latest(), fresh, fresh_adam)["cursor"], 100);
    EXPECT_TRUE(same_bytes(fresh.values(), saved_values));
  }
  // With room again, saving works.
  store.save(200, params, adam, {{"cursor", 200}}, false);
  EXPECT_EQ(store.latest(), root_ / "checkpoint_00000200");
}

TEST_F(DiskFullTest, AFailedFileWriteKeepsTheOldFile) {
  fs::create_directories(root_);
  const fs::path path = root_ / "weights.safetensors";
  const Tensor old_value = test::random_tensor({4}, DType::f32, 1);
  write_safetensors(path, {{"w", old_value}});
  {
    FileSizeLimit full(64);
    test::expect_error([&] { write_safetensors(path, {{"w", test::random_tensor({1000}, DType::f32, 2)}}); },
                       {path.string(), std::strerror(EFBIG)});
    test::expect_error([&] { util::write_file_atomically(root_ / "notes.txt", std::string(1000, 'x')); },
                       {"notes.txt", std::strerror(EFBIG)});
  }
  EXPECT_EQ(names(), std::vector<std::string>{"weights.safetensors"});
  EXPECT_TRUE(same_bytes(read_safetensors(path).tensors.at("w"), old_value));
}

}  // namespace
}  // namespace hat::checkpoint
