// Kernel cost models: interpolation over the benchmarked grids (see kernel_costs.h).
#include "latency/predict/kernel_costs.h"

#include <algorithm>
#include <cmath>

#include "devices/error.h"

namespace hat::latency {

namespace {

// Two neighbouring points of a grid and where between them a value falls: value = at(lo) +
// u x (at(hi) - at(lo)).
struct Cell {
  size_t lo = 0, hi = 0;
  double u = 0;
};

// Row counts: linear between benchmarked counts, the first below them and the line through the
// last two above them (past a few rows a product is bound by its multiply-adds, which grow
// linearly in M).
Cell row_cell(const std::vector<double>& rows, double M) {
  if (rows.size() == 1 || M <= rows.front()) return {};
  size_t hi = 1;
  while (hi + 1 < rows.size() && rows[hi] < M) ++hi;
  return {hi - 1, hi, (M - rows[hi - 1]) / (rows[hi] - rows[hi - 1])};
}

// Linear in x, or in log x, clamped to the grid's ends.
Cell clamped_cell(const std::vector<double>& grid, double x, bool in_log) {
  if (grid.size() == 1 || x <= grid.front()) return {};
  if (x >= grid.back()) return {grid.size() - 1, grid.size() - 1, 0.0};
  size_t hi = 1;
  while (grid[hi] < x) ++hi;
  const double lo = grid[hi - 1], up = grid[hi];
  return {hi - 1, hi, in_log ? std::log(x / lo) / std::log(up / lo) : (x - lo) / (up - lo)};
}

// Bytes and weights: linear in log x, clamped to the grid's ends.
Cell log_cell(const std::vector<double>& grid, double x) { return clamped_cell(grid, x, true); }

template <typename At>
double between(const Cell& c, At&& at) {
  const double a = at(c.lo);
  return a + c.u * (at(c.hi) - a);
}

LinearCost at_rows(const std::vector<double>& rows, const std::vector<LinearCost>& costs, double M) {
  const Cell c = row_cell(rows, M);
  return {between(c, [&](size_t i) { return costs[i].call_ms; }),
          between(c, [&](size_t i) { return costs[i].weight_ms; })};
}

// A replay table at (M, W_l, W_o): bilinear in the logs of the weights, and in M as at_rows is.
double replay_at(const StepReplay& r, const std::vector<double>& table, double M, double Wl,
                 double Wo) {
  const size_t nl = r.layer_weights.size(), no = r.output_weights.size();
  const Cell l = log_cell(r.layer_weights, Wl), o = log_cell(r.output_weights, Wo);
  const auto at_row = [&](size_t m) {
    return between(l, [&](size_t i) {
      return between(o, [&](size_t j) { return table[(m * nl + i) * no + j]; });
    });
  };
  return std::max(0.0, between(row_cell(r.rows, M), at_row));
}

// Hot + share x (cold - hot) of t = call + per_head x R H + per_mac x R keys Q + per_block x
// keys Q (the block the rows share, when they share one), by the costs of each width around Q
// and linear in Q between them (beyond the widths, the nearest one's costs).
double attention(const AttentionCosts& costs, double share, double R, double H, double keys,
                 double Q, bool shared_block) {
  const auto at = [&](const AttentionCost& a) {
    return a.call_ms + a.head_ms * R * H + a.mac_ms * R * keys * Q +
           (shared_block ? a.block_ms * keys * Q : 0.0);
  };
  const auto at_width = [&](size_t i) {
    const double h = at(costs.hot[i]);
    return h + share * (at(costs.cold[i]) - h);
  };
  return between(clamped_cell(costs.qkv, Q, false), at_width);
}

// Calls f(a's cost, b's cost) for every cost of two benchmarks with the same grids.
template <typename F>
void zip_costs(KernelCosts& a, const KernelCosts& b, F&& f) {
  const auto linear = [&](LinearCost& x, const LinearCost& y) {
    f(x.call_ms, y.call_ms), f(x.weight_ms, y.weight_ms);
  };
  const auto attention = [&](AttentionCosts& x, const AttentionCosts& y) {
    for (size_t i = 0; i < x.qkv.size(); ++i)
      for (auto [p, q] : {std::pair{&x.hot[i], &y.hot[i]}, {&x.cold[i], &y.cold[i]}}) {
        f(p->call_ms, q->call_ms), f(p->head_ms, q->head_ms), f(p->mac_ms, q->mac_ms);
        f(p->block_ms, q->block_ms);
      }
  };
  for (size_t i = 0; i < a.rows.size(); ++i) linear(a.hot[i], b.hot[i]), linear(a.cold[i], b.cold[i]);
  for (size_t i = 0; i < a.cold_share.size(); ++i) f(a.cold_share[i], b.cold_share[i]);
  attention(a.self_attention, b.self_attention), attention(a.cross_attention, b.cross_attention);
  linear(a.norm, b.norm), linear(a.relu, b.relu);
  linear(a.softmax_hot, b.softmax_hot), linear(a.softmax_cold, b.softmax_cold);
  for (size_t i = 0; i < a.replay.layer_ms.size(); ++i) f(a.replay.layer_ms[i], b.replay.layer_ms[i]);
  for (size_t i = 0; i < a.replay.output_ms.size(); ++i)
    f(a.replay.output_ms[i], b.replay.output_ms[i]);
}

}  // namespace

double StepReplay::layer_weight_ms(double M, double Wl, double Wo) const {
  return replay_at(*this, layer_ms, M, Wl, Wo);
}

double StepReplay::output_weight_ms(double M, double Wl, double Wo) const {
  return replay_at(*this, output_ms, M, Wl, Wo);
}

// The share of the cold-hot difference at a footprint.
double KernelCosts::share(double step_weight_bytes) const {
  return between(log_cell(footprint_bytes, step_weight_bytes), [&](size_t i) { return cold_share[i]; });
}

LinearCost KernelCosts::packed_gemm_cost(double M, double step_weight_bytes) const {
  const LinearCost h = at_rows(rows, hot, M), c = at_rows(rows, cold, M);
  const double s = share(step_weight_bytes);
  return {h.call_ms + s * (c.call_ms - h.call_ms), h.weight_ms + s * (c.weight_ms - h.weight_ms)};
}

double KernelCosts::packed_gemm_ms(double M, double K, double N, double step_weight_bytes) const {
  const LinearCost g = packed_gemm_cost(M, step_weight_bytes);
  return g.call_ms + K * N * g.weight_ms;
}

double KernelCosts::step_gemms_ms(double M, double layer_calls, double Wl, double Wo) const {
  const LinearCost g = packed_gemm_cost(M, 4 * (Wl + Wo));
  const double calls = (layer_calls + 1) * g.call_ms;
  if (replay.empty()) return calls + (Wl + Wo) * g.weight_ms;
  return calls + Wl * replay.layer_weight_ms(M, Wl, Wo) + Wo * replay.output_weight_ms(M, Wl, Wo);
}

double KernelCosts::log_softmax_ms(double R, double V, double F) const {
  const double h = elementwise_ms(softmax_hot, R * V);
  return h + share(F) * (elementwise_ms(softmax_cold, R * V) - h);
}

double KernelCosts::self_attention_ms(double R, double H, double keys, double Q, double F) const {
  return attention(self_attention, share(F), R, H, keys, Q, false);
}

double KernelCosts::cross_attention_ms(double R, double H, double keys, double Q, double F) const {
  return attention(cross_attention, share(F), R, H, keys, Q, true);
}

void KernelCosts::check(const std::string& source) const {
  HAT_CHECK(threads >= 1, source, ": threads must be >= 1");
  HAT_CHECK(!rows.empty() && hot.size() == rows.size() && cold.size() == rows.size(), source,
            ": 'rows', 'hot' and 'cold' must be non-empty and of one length");
  HAT_CHECK(!footprint_bytes.empty() && cold_share.size() == footprint_bytes.size(), source,
            ": 'footprint_bytes' and 'cold_share' must be non-empty and of one length");
  const auto finite_non_negative = [](double v) { return std::isfinite(v) && v >= 0; };
  for (size_t i = 0; i < rows.size(); ++i) {
    HAT_CHECK(rows[i] >= 1 && (i == 0 || rows[i] > rows[i - 1]), source,
              ": 'rows' must be ascending counts >= 1");
    for (const LinearCost& c : {hot[i], cold[i]})
      HAT_CHECK(finite_non_negative(c.call_ms) && finite_non_negative(c.weight_ms), source,
                ": GEMM costs must be finite and non-negative");
  }
  for (size_t i = 0; i < footprint_bytes.size(); ++i) {
    HAT_CHECK(footprint_bytes[i] > 0 && (i == 0 || footprint_bytes[i] > footprint_bytes[i - 1]),
              source, ": 'footprint_bytes' must be ascending and positive");
    HAT_CHECK(cold_share[i] >= 0 && cold_share[i] <= 1, source, ": 'cold_share' must be in [0, 1]");
  }
  for (const AttentionCosts* a : {&self_attention, &cross_attention}) {
    HAT_CHECK(!a->qkv.empty() && a->hot.size() == a->qkv.size() && a->cold.size() == a->qkv.size(),
              source, ": attention costs need one hot and one cold cost per width");
    for (size_t i = 0; i < a->qkv.size(); ++i)
      HAT_CHECK(a->qkv[i] > 0 && (i == 0 || a->qkv[i] > a->qkv[i - 1]), source,
                ": attention widths must be ascending and positive");
    for (const std::vector<AttentionCost>* v : {&a->hot, &a->cold})
      for (const AttentionCost& x : *v)
        HAT_CHECK(finite_non_negative(x.call_ms) && finite_non_negative(x.head_ms) &&
                      finite_non_negative(x.mac_ms) && finite_non_negative(x.block_ms),
                  source, ": attention costs must be finite and non-negative");
  }
  for (const LinearCost& c : {norm, relu, softmax_hot, softmax_cold})
    HAT_CHECK(finite_non_negative(c.call_ms) && finite_non_negative(c.weight_ms), source,
              ": norm, relu and softmax costs must be finite and non-negative");
  if (replay.empty()) return;
  for (const auto& [grid, name] : {std::pair{&replay.rows, "rows"},
                                   {&replay.layer_weights, "layer_weights"},
                                   {&replay.output_weights, "output_weights"}}) {
    HAT_CHECK(!grid->empty(), source, ": 'step_replay.", name, "' must not be empty");
    for (size_t i = 0; i < grid->size(); ++i)
      HAT_CHECK((*grid)[i] >= 1 && (i == 0 || (*grid)[i] > (*grid)[i - 1]), source,
                ": 'step_replay.", name, "' must be ascending and >= 1");
  }
  const size_t cells = replay.rows.size() * replay.layer_weights.size() * replay.output_weights.size();
  HAT_CHECK(replay.layer_ms.size() == cells && replay.output_ms.size() == cells, source,
            ": 'step_replay.layer_ms' and 'output_ms' must hold rows x layer_weights x "
            "output_weights = ", cells, " times");
  for (const std::vector<double>* t : {&replay.layer_ms, &replay.output_ms})
    for (double v : *t)
      HAT_CHECK(finite_non_negative(v), source, ": step replay times must be finite and non-negative");
}

KernelCosts average_kernel_costs(const std::vector<KernelCosts>& runs) {
  HAT_CHECK(!runs.empty(), "average_kernel_costs: no benchmarks given");
  KernelCosts mean = runs.front();
  for (size_t r = 1; r < runs.size(); ++r) {
    const StepReplay &a = runs[r].replay, &b = mean.replay;
    HAT_CHECK(runs[r].rows == mean.rows && runs[r].footprint_bytes == mean.footprint_bytes &&
                  runs[r].self_attention.qkv == mean.self_attention.qkv &&
                  runs[r].cross_attention.qkv == mean.cross_attention.qkv &&
                  runs[r].threads == mean.threads && a.rows == b.rows &&
                  a.layer_weights == b.layer_weights && a.output_weights == b.output_weights,
              "kernel benchmark ", r + 1, " of ", runs.size(), " has other row counts, footprints, "
              "attention widths, step replay grid or threads than the first: only benchmarks of "
              "one machine by one build average");
    zip_costs(mean, runs[r], [](double& sum, double value) { sum += value; });
  }
  const double n = static_cast<double>(runs.size());
  zip_costs(mean, runs.front(), [n](double& sum, double) { sum /= n; });
  return mean;
}

}  // namespace hat::latency
