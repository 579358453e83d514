#include "tests/train/hattrain_fixture.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "devices/error.h"
#include "supernet/data/corpus.h"
#include "supernet/data/prepare.h"
#include "tests/support/synthetic_corpus.h"

extern char** environ;

namespace hat::test {

namespace fs = std::filesystem;

namespace {
// HAT's space format at toy scale: fast enough to train 40 updates in about a second.
constexpr const char* kSpace = R"(share-all-embeddings: True
max-tokens: 300
optimizer: adam
adam-betas: (0.9, 0.98)
clip-norm: 1.0
weight-decay: 0.0001
dropout: 0.1
attention-dropout: 0.1
label-smoothing: 0.1
update-freq: 2
max-update: 40
warmup-updates: 5
lr-scheduler: inverse_sqrt
warmup-init-lr: 1e-7
lr: 0.002
encoder-embed-dim: 32
decoder-embed-dim: 32
encoder-ffn-embed-dim: 64
decoder-ffn-embed-dim: 64
encoder-layers: 2
decoder-layers: 2
encoder-attention-heads: 2
decoder-attention-heads: 2
qkv-dim: 16
encoder-embed-choice: [32, 24]
decoder-embed-choice: [32, 24]
encoder-ffn-embed-dim-choice: [64, 48]
decoder-ffn-embed-dim-choice: [64, 48]
encoder-layer-num-choice: [2]
decoder-layer-num-choice: [2, 1]
encoder-self-attention-heads-choice: [2, 1]
decoder-self-attention-heads-choice: [2, 1]
decoder-ende-attention-heads-choice: [2, 1]
decoder-arbitrary-ende-attn-choice: [-1, 1]
)";
}  // namespace

HattrainFixture::HattrainFixture(const fs::path& root) : root_(root) {
  fs::remove_all(root_);
  fs::create_directories(root_ / "corpus");
  write_synthetic_split(root_ / "corpus", "train", 400, 1);
  write_synthetic_split(root_ / "corpus", "valid", 30, 2);
  write_synthetic_split(root_ / "corpus", "test", 30, 3);
  const data::Corpus corpus = data::read_user_corpus({root_ / "corpus", "de", "en", {}});
  data::PrepareOptions prepare;
  prepare.out = root_ / "data";
  prepare.vocabulary.size = 60;
  data::prepare_data_directory(corpus, prepare);
  std::ofstream(root_ / "space.yml") << kSpace;
}

HattrainFixture::~HattrainFixture() { fs::remove_all(root_); }

std::vector<std::string> HattrainFixture::args(const std::string& save_name) const {
  return {HATTRAIN_PATH,       "--data",          (root_ / "data").string(),
          "--space",           (root_ / "space.yml").string(),
          "--save-dir",        (root_ / save_name).string(),
          "--threads",         "1",
          "--save-interval",   "3",
          "--validate-interval", "10",
          "--log-interval",    "5"};
}

pid_t HattrainFixture::spawn(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  HAT_CHECK(rc == 0, "cannot start ", args[0], ": error ", rc);
  return pid;
}

int HattrainFixture::wait_exit_status(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace hat::test
