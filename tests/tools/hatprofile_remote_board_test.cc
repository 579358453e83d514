// hatprofile remote's pure parts: the bundle architecture of a board's `uname -m`, and the one
// line each kind of ssh failure gets (tests/tools/hatprofile_remote_test.sh runs the whole
// command against a real sshd).
#include <gtest/gtest.h>

#include <string>

#include "tools/hatprofile/remote_board.h"

namespace hat::hatprofile {
namespace {

TEST(RemoteBoard, BundleArchitectureOfUnameMachine) {
  EXPECT_EQ(bundle_architecture("aarch64"), "arm64");
  EXPECT_EQ(bundle_architecture("x86_64"), "amd64");
  EXPECT_FALSE(bundle_architecture("armv7l"));  // 32-bit Raspberry Pi OS
  EXPECT_FALSE(bundle_architecture("riscv64"));
  EXPECT_FALSE(bundle_architecture(""));
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(RemoteBoard, EachSshFailureSaysWhatToDo) {
  const BoardAddress pi{"pi@raspberrypi", 2222, std::nullopt, {}};
  const std::string refused =
      ssh_failure_message(pi, {"pi@raspberrypi: Permission denied (publickey,password)."});
  EXPECT_TRUE(contains(refused, "refused the login")) << refused;
  EXPECT_TRUE(contains(refused, "ssh-copy-id pi@raspberrypi")) << refused;
  const std::string unreachable =
      ssh_failure_message(pi, {"ssh: connect to host raspberrypi port 2222: Connection refused"});
  EXPECT_TRUE(contains(unreachable, "cannot reach pi@raspberrypi on port 2222")) << unreachable;
  const std::string unknown = ssh_failure_message(
      pi, {"ssh: Could not resolve hostname raspberrypi: Name or service not known"});
  EXPECT_TRUE(contains(unknown, "cannot reach")) << unknown;
  const std::string changed = ssh_failure_message(pi, {"Host key verification failed."});
  EXPECT_TRUE(contains(changed, "ssh-keygen -R")) << changed;
  const std::string dropped =
      ssh_failure_message(pi, {"Connection to raspberrypi closed by remote host."});
  EXPECT_TRUE(contains(dropped, "the connection to pi@raspberrypi ended")) << dropped;
  EXPECT_EQ(ssh_failure_message(pi, {}), "the connection to pi@raspberrypi ended");
}

}  // namespace
}  // namespace hat::hatprofile
