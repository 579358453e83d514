#include "search/fitness_cache.h"

#include "devices/error.h"
#include "supernet/arch/arch_yaml.h"

namespace hat::search {

FitnessCache::FitnessCache(FitnessFn fitness) : fitness_(std::move(fitness)) {
  HAT_CHECK(fitness_ != nullptr, "search: no fitness function");
}

std::vector<double> FitnessCache::operator()(const std::vector<arch::ArchConfig>& archs) {
  std::vector<std::string> hashes;
  hashes.reserve(archs.size());
  for (const arch::ArchConfig& a : archs) hashes.push_back(arch::arch_hash(a));
  return score(archs, hashes);
}

std::vector<double> FitnessCache::score(const std::vector<arch::ArchConfig>& archs,
                                        const std::vector<std::string>& hashes) {
  HAT_CHECK(archs.size() == hashes.size(), "search: ", hashes.size(), " hashes for ",
            archs.size(), " architectures");
  std::vector<arch::ArchConfig> fresh;
  std::vector<std::string> fresh_hashes;
  std::map<std::string, bool> pending;  // a hash repeated within the batch is scored once
  for (size_t i = 0; i < archs.size(); ++i) {
    if (values_.count(hashes[i]) || pending.count(hashes[i])) continue;
    pending[hashes[i]] = true;
    fresh.push_back(archs[i]);
    fresh_hashes.push_back(hashes[i]);
  }
  if (!fresh.empty()) {
    const std::vector<double> values = fitness_(fresh);
    HAT_CHECK(values.size() == fresh.size(), "search: fitness returned ", values.size(),
              " values for ", fresh.size(), " architectures");
    for (size_t f = 0; f < fresh.size(); ++f) values_[fresh_hashes[f]] = values[f];
    evaluations_ += static_cast<int64_t>(fresh.size());
  }
  std::vector<double> out;
  out.reserve(hashes.size());
  for (const std::string& h : hashes) out.push_back(values_.at(h));
  return out;
}

void FitnessCache::remember(const std::string& hash, double fitness) {
  values_.emplace(hash, fitness);
}

std::optional<double> FitnessCache::find(const std::string& hash) const {
  const auto it = values_.find(hash);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

}  // namespace hat::search
