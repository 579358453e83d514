// The folder of checkpoints: saving, finding the newest good one, pruning.
#include "supernet/checkpoint/checkpoint_store.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <system_error>

#include "devices/error.h"
#include "util/atomic_file.h"

namespace hat::checkpoint {

namespace fs = std::filesystem;

namespace {
constexpr std::string_view kPrefix = "checkpoint_";
constexpr const char* kLastLink = "checkpoint_last";
constexpr const char* kBestLink = "checkpoint_best";
}  // namespace

CheckpointStore::CheckpointStore(fs::path root, int64_t keep_last, WarningHandler warn)
    : root_(std::move(root)), keep_last_(keep_last), warn_(std::move(warn)) {
  HAT_CHECK(!root_.empty(), "checkpoints: no directory given");
  HAT_CHECK(keep_last >= 0, "checkpoints: keep_last ", keep_last, " must be >= 1 (or 0 to keep every checkpoint)");
  std::error_code error;
  fs::create_directories(root_, error);
  HAT_CHECK(!error && fs::is_directory(root_), root_.string(), ": cannot create the checkpoint directory: ",
            error ? error.message() : "a file of that name exists");
}

std::string CheckpointStore::directory_name(int64_t update) {
  HAT_CHECK(update >= 0, "checkpoints: negative update count ", update);
  char digits[32];
  std::snprintf(digits, sizeof digits, "%08lld", static_cast<long long>(update));
  return std::string(kPrefix) + digits;
}

std::optional<int64_t> CheckpointStore::parse_directory_name(const std::string& name) {
  if (name.size() < kPrefix.size() + 8 || name.compare(0, kPrefix.size(), kPrefix) != 0) return std::nullopt;
  const std::string digits = name.substr(kPrefix.size());
  if (digits.size() > 18 || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  const int64_t update = std::stoll(digits);
  if (directory_name(update) != name) return std::nullopt;  // one spelling per update count
  return update;
}

std::vector<std::pair<int64_t, fs::path>> CheckpointStore::list() const {
  std::vector<std::pair<int64_t, fs::path>> out;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(root_, error)) {
    const std::optional<int64_t> update = parse_directory_name(entry.path().filename().string());
    if (update && entry.is_directory() && !entry.is_symlink()) out.emplace_back(*update, entry.path());
  }
  HAT_CHECK(!error, root_.string(), ": cannot list the checkpoint directory: ", error.message());
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<fs::path> CheckpointStore::latest() const {
  const auto all = list();
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    try {
      const nlohmann::json state = verify_checkpoint(it->second);
      const int64_t update = state["update"].get<int64_t>();
      HAT_CHECK(update == it->first, "checkpoint ", it->second.string(), ": state.json says update ", update);
      return it->second;
    } catch (const Error& e) {
      warn(str("skipping a damaged checkpoint: ", e.what()));
    }
  }
  return std::nullopt;
}

std::optional<fs::path> CheckpointStore::best() const {
  std::error_code error;
  const fs::path link = root_ / kBestLink;
  if (!fs::is_symlink(fs::symlink_status(link, error))) return std::nullopt;
  const fs::path target = fs::read_symlink(link, error);
  if (error || !parse_directory_name(target.filename().string())) return std::nullopt;
  const fs::path dir = root_ / target.filename();
  if (!fs::is_directory(dir, error)) return std::nullopt;
  return dir;
}

fs::path CheckpointStore::save(int64_t update, const ParameterStore& params,
                               const optim::Adam& adam, const nlohmann::json& trainer_state,
                               bool is_best) {
  sweep_temporaries();
  const std::string name = directory_name(update);
  const fs::path dir = root_ / name;
  write_checkpoint(dir, update, params, adam, trainer_state);
  // The links are conveniences for people and scripts; latest() reads the directories.
  util::replace_symlink(root_ / kLastLink, name);
  if (is_best) util::replace_symlink(root_ / kBestLink, name);
  prune(dir);
  return dir;
}

void CheckpointStore::sweep_temporaries() const {
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(root_, error)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(util::kTemporaryPrefix, 0) != 0) continue;
    std::error_code remove_error;
    fs::remove_all(entry.path(), remove_error);
    if (remove_error) warn(str(entry.path().string(), ": cannot remove a leftover temporary: ", remove_error.message()));
  }
}

void CheckpointStore::prune(const fs::path& just_written) const {
  if (keep_last_ == 0) return;
  std::set<fs::path> keep = {just_written};
  if (const auto b = best()) keep.insert(*b);
  const auto all = list();
  const size_t kept_by_age = std::min(all.size(), static_cast<size_t>(keep_last_));
  for (size_t i = all.size() - kept_by_age; i < all.size(); ++i) keep.insert(all[i].second);
  for (const auto& [update, dir] : all) {
    if (keep.count(dir)) continue;
    // Renamed away first, so that a crash half-way through leaves a temporary, not a
    // checkpoint directory with files missing.
    const fs::path doomed = util::temporary_name(dir);
    std::error_code error;
    fs::rename(dir, doomed, error);
    if (!error) fs::remove_all(doomed, error);
    if (error) warn(str(dir.string(), ": cannot remove an old checkpoint: ", error.message()));
  }
}

}  // namespace hat::checkpoint
