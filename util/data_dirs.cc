#include "util/data_dirs.h"

#include <cstdlib>
#include <system_error>

#include "devices/error.h"

namespace hat::util {

namespace fs = std::filesystem;

fs::path executable_path() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  HAT_CHECK(!ec && !exe.empty(), "cannot find the running program's file (/proc/self/exe: ",
            ec.message(), "); set ", kDataDirVariable, " to the directory of HAT's data (an ",
            "installed tree's share/hat, or the source tree)");
  return exe;
}

fs::path data_root() {
  std::error_code ec;
  const char* env = std::getenv(kDataDirVariable);
  if (env != nullptr && *env != '\0') {
    HAT_CHECK(fs::is_directory(env, ec), kDataDirVariable, "='", env,
              "' is not a directory; it should name HAT's data (an installed tree's share/hat, "
              "or the source tree), or be unset");
    return fs::canonical(env);
  }
  const fs::path beside = (executable_path().parent_path() / ".." / "share" / "hat").lexically_normal();
  HAT_CHECK(fs::is_directory(beside, ec), "cannot find HAT's data (search spaces, device profiles, ",
            "HAT's configurations): ", beside.string(), " does not exist beside the program ",
            executable_path().string(), "; install with cmake --install, or set ",
            kDataDirVariable, " to an installed tree's share/hat or to the source tree");
  return fs::canonical(beside);
}

fs::path data_path(const fs::path& relative) { return data_root() / relative; }

}  // namespace hat::util
