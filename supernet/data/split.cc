// Deterministic, leak-free train/valid/test split.
#include "supernet/data/split.h"

#include <algorithm>
#include <numeric>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "devices/error.h"
#include "supernet/data/random.h"

namespace hat::data {

namespace {

class UnionFind {
 public:
  explicit UnionFind(size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), size_t{0}); }
  size_t find(size_t i) {
    while (parent_[i] != i) i = parent_[i] = parent_[parent_[i]];
    return i;
  }
  // The smaller index becomes the root, so a group's root is its first pair.
  void unite(size_t a, size_t b) {
    a = find(a), b = find(b);
    if (a != b) parent_[std::max(a, b)] = std::min(a, b);
  }

 private:
  std::vector<size_t> parent_;
};

// Unites every pair with the first earlier pair holding the same sentence on this side.
void unite_equal(const std::vector<std::string>& side, UnionFind& groups) {
  std::unordered_map<std::string_view, size_t> first;
  first.reserve(side.size());
  for (size_t i = 0; i < side.size(); ++i) {
    const auto [it, inserted] = first.emplace(side[i], i);
    if (!inserted) groups.unite(it->second, i);
  }
}

}  // namespace

SplitResult split_pairs(const ParallelText& pairs, const SplitOptions& options, const std::string& what) {
  const size_t n = pairs.size();
  HAT_CHECK(pairs.target.size() == n, what, ": ", n, " source but ", pairs.target.size(), " target sentences");
  HAT_CHECK(n >= 2 * (options.valid + options.test) && n > options.valid + options.test, what, ": ", n,
            " pairs are too few for ", options.valid, " valid + ", options.test,
            " test pairs (train must keep at least as many pairs as valid and test together); "
            "lower the valid/test sizes or bring a larger corpus");
  UnionFind groups(n);
  unite_equal(pairs.source, groups);
  unite_equal(pairs.target, groups);

  std::vector<std::vector<size_t>> members(n);
  for (size_t i = 0; i < n; ++i) members[groups.find(i)].push_back(i);
  struct Group {
    uint64_t key;
    size_t root;
  };
  std::vector<Group> order;
  for (size_t root = 0; root < n; ++root) {
    if (members[root].empty()) continue;
    const uint64_t h = fnv1a64(pairs.target[root], fnv1a64(pairs.source[root]));
    order.push_back({mix_seed(options.seed, h), root});
  }
  std::sort(order.begin(), order.end(),
            [](const Group& a, const Group& b) { return a.key != b.key ? a.key < b.key : a.root < b.root; });

  // 0 = train, 1 = valid, 2 = test.
  std::vector<uint8_t> assigned(n, 0);
  size_t in_test = 0, in_valid = 0;
  for (const Group& g : order) {
    const std::vector<size_t>& m = members[g.root];
    uint8_t split = 0;
    if (in_test < options.test) split = 2, in_test += m.size();
    else if (in_valid < options.valid) split = 1, in_valid += m.size();
    for (size_t i : m) assigned[i] = split;
  }
  SplitResult result;
  ParallelText* targets[3] = {&result.train, &result.valid, &result.test};
  for (size_t i = 0; i < n; ++i) targets[assigned[i]]->add(pairs.source[i], pairs.target[i]);
  HAT_CHECK(result.train.size() >= result.valid.size() + result.test.size(), what,
            ": after keeping sentences that share a side together, train holds only ", result.train.size(),
            " pairs against ", result.valid.size(), " valid and ", result.test.size(),
            " test pairs; lower the valid/test sizes");
  return result;
}

std::vector<bool> overlaps(const ParallelText& train, const std::vector<const ParallelText*>& held_out) {
  std::unordered_set<std::string_view> sources, targets;
  for (const ParallelText* held : held_out) {
    sources.insert(held->source.begin(), held->source.end());
    targets.insert(held->target.begin(), held->target.end());
  }
  std::vector<bool> result(train.size());
  for (size_t i = 0; i < train.size(); ++i)
    result[i] = sources.count(train.source[i]) > 0 || targets.count(train.target[i]) > 0;
  return result;
}

}  // namespace hat::data
