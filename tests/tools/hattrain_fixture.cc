// The tiny data directory and space of the tool tests, and running the tools as child processes.
#include "tests/tools/hattrain_fixture.h"

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "devices/error.h"
#include "supernet/data/corpus.h"
#include "supernet/data/prepare.h"
#include "tests/support/child_process.h"
#include "tests/support/synthetic_corpus.h"
#include "tests/support/tiny_space.h"

namespace hat::test {

namespace fs = std::filesystem;

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
  std::ofstream(root_ / "space.yml") << kTinySpaceYaml;
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

pid_t HattrainFixture::spawn(const std::vector<std::string>& args, const std::string& output) {
  return spawn_logged(args, output);
}

int HattrainFixture::run(const std::vector<std::string>& args, std::string& output) {
  const fs::path file = fs::temp_directory_path() / ("hat_output_" + std::to_string(::getpid()));
  const int status = wait_exit_status(spawn(args, file.string()));
  std::ostringstream text;
  text << std::ifstream(file).rdbuf();
  output = text.str();
  fs::remove(file);
  return status;
}

int HattrainFixture::wait_exit_status(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

ToolOutcome run_tool(const std::string& program, const std::vector<std::string>& args) {
  std::vector<std::string> command{program};
  command.insert(command.end(), args.begin(), args.end());
  ToolOutcome o;
  o.status = HattrainFixture::run(command, o.output);
  return o;
}

void HattrainSuite::set_up_fixture(const std::string& prefix, int super_updates) {
  fixture_ = new HattrainFixture(fs::temp_directory_path() / (prefix + std::to_string(::getpid())));
  if (super_updates == 0) return;
  std::vector<std::string> train = fixture_->args("super");
  train.insert(train.end(), {"--max-update", std::to_string(super_updates)});
  ASSERT_EQ(HattrainFixture::run(train), 0);
}

}  // namespace hat::test
