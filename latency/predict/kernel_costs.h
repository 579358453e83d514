// What our engine's decoder-step kernels cost on one machine, from micro-benchmarks of those
// kernels (latency/measure/kernel_benchmark.h): the operator model prices a decoder step with them
// instead of leaving every cost to a fit of measured totals (ops_terms.h).
//
// Why: a fit of totals measured at one vocabulary and beam cannot tell what a GEMM costs per
// weight read from what it costs per multiply-add (at a fixed beam the decoder's FLOPs are
// exactly 2 x beam x its weight reads), and it sees one cache regime only. On this machine a
// [5, 256] x [256, 8000] product takes 0.13 ms when its weights are in cache and 0.38 ms when
// they stream from memory, and the weights a step reads (8 MB for a small model at vocabulary
// 8000, 45 MB for a large one at 32000) decide which. The benchmarks measure both regimes at
// every row count and the transition between them.
//
// Models, each fitted to its benchmark's timings (t in ms). Every kernel is measured hot (its
// operands in cache) and, where a step's footprint can push them out, cold (streamed from
// memory); a step that reads F bytes of weights pays hot + share(F) x (cold - hot), share(F)
// in [0, 1] measured by cycling through F bytes of matrices (a step reads each weight once,
// and the attention caches, read between the weights, leave the cache with them).
//   packed GEMM [M, K] x [K, N]:  t = call(M) + per_weight(M) x K N, linear in M between the
//                                  benchmarked row counts (beyond the last, the line through
//                                  the last two);
//   decode attention of R rows with H heads over `keys` cached positions of width Q:
//                                  t = call + per_head x R H + per_mac x R keys Q, apart for
//                                  self-attention (a cache block per row) and encoder-decoder
//                                  attention (one block for a sentence's rows, masked), which
//                                  adds per_block x keys Q: its rows read one block, the first
//                                  from where the block is (memory, when cold), the others from
//                                  the core's cache. Each is fitted apart at every benchmarked
//                                  width Q and linear in Q between them: the time per element
//                                  is not one line across widths (at 5 rows and 90 keys a
//                                  512-wide call took 2.6x a 256-wide one here);
//   residual + layer norm of R x d, ReLU of R x f (operands just written, so hot only), and
//   log-softmax of R x V (hot and cold: the output projection that writes the logits streams
//   the whole output matrix past them): t = call + per_element x elements.
//
// The step replay (when the benchmark measured one; files of version 1 have none) then prices a
// step's GEMMs as a whole: its layers' products read W_l weights and its output projection
// W_o, and their per-weight times were measured by replaying that: W_l weights of 1 MB
// matrices, then one W_o-weight matrix, again and again, at a few row counts. A step's weights
// cycle through the last-level cache partly cached, and what is cached speeds a product of few
// rows up more than one of many: in a running decoder here (dd 256, 4 layers, V 32000) the
// output projection cost 1.39x per weight at 5 rows what it cost at 1, where the hot and cold
// benchmarks say 1.27x and 1.06x, and one share between them cannot give more than the larger.
// So
//   step GEMMs of M rows: t = calls x call(M, F) + W_l x layer(M, W_l, W_o) + W_o x
//                             output(M, W_l, W_o),
// layer and output per-weight times linear in log W_l and log W_o between the grid's points
// (clamped to its ends) and in M as the GEMM costs are.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace hat::latency {

struct LinearCost {
  double call_ms = 0, weight_ms = 0;  // t = call_ms + weight_ms x K N (or x elements)
};

struct AttentionCost {
  // t = call + head x R H + mac x R keys Q + block x keys Q (block: 0 unless the rows share one)
  double call_ms = 0, head_ms = 0, mac_ms = 0, block_ms = 0;
};

// One attention kernel's costs at each benchmarked width: qkv ascending, hot and cold one per
// width. A single width's costs price every width (older files).
struct AttentionCosts {
  std::vector<double> qkv;
  std::vector<AttentionCost> hot, cold;
};

// Per-weight GEMM times of replayed decoder steps (see above). Grids ascending; the times are
// flattened [row][layer weights][output weights], ms per weight with the calls' fixed cost
// taken out.
struct StepReplay {
  std::vector<double> rows, layer_weights, output_weights;
  std::vector<double> layer_ms, output_ms;

  bool empty() const { return rows.empty(); }
  double layer_weight_ms(double M, double layer_weights, double output_weights) const;
  double output_weight_ms(double M, double layer_weights, double output_weights) const;
};

struct KernelCosts {
  std::string host;  // the CPU they were measured on (host_info.h), for the record
  int threads = 1;
  std::vector<double> rows;            // benchmarked M, ascending
  std::vector<LinearCost> hot, cold;   // packed GEMMs, per entry of `rows`
  std::vector<double> footprint_bytes; // ascending, and the share of (cold - hot) paid at each
  std::vector<double> cold_share;
  AttentionCosts self_attention, cross_attention;
  LinearCost norm, relu, softmax_hot, softmax_cold;  // per call and per element
  StepReplay replay;  // may be empty

  // The share of a kernel's cold-hot difference paid in a step that reads `step_weight_bytes`.
  double share(double step_weight_bytes) const;
  // A packed product's call and per-weight cost at M rows in such a step, and the product's
  // time with a [K, N] weight.
  LinearCost packed_gemm_cost(double M, double step_weight_bytes) const;
  double packed_gemm_ms(double M, double K, double N, double step_weight_bytes) const;
  // All the GEMMs of a step: `layer_calls` products of M rows reading `layer_weights` weights
  // in all, then the output projection's `output_weights`; by the replay where there is one,
  // else the sum of their packed_gemm_ms at the step's footprint.
  double step_gemms_ms(double M, double layer_calls, double layer_weights,
                       double output_weights) const;
  double self_attention_ms(double rows, double heads, double keys, double qkv,
                           double step_weight_bytes) const;
  double cross_attention_ms(double rows, double heads, double keys, double qkv,
                            double step_weight_bytes) const;
  double elementwise_ms(const LinearCost& kernel, double elements) const {
    return kernel.call_ms + kernel.weight_ms * elements;
  }
  double log_softmax_ms(double rows, double vocab, double step_weight_bytes) const;
  // Throws hat::Error naming `source` when a field is missing, unordered or negative.
  void check(const std::string& source) const;
};

// The mean of several benchmarks of one machine (the same row counts and footprints, the same
// threads), taken across a profiling run: a shared machine's caches and memory change with its
// other work, and the rows were measured under all of it. Throws hat::Error otherwise.
KernelCosts average_kernel_costs(const std::vector<KernelCosts>& runs);

// JSON: {"format": "hat-kernel-costs", "version": 3, "host", "threads", "rows", "hot": [[call,
// weight]...], "cold": [...], "footprint_bytes", "cold_share", "self_attention": {"hot": [[call,
// head, mac, block] per width], "cold": [...], "qkv": [widths]}, "cross_attention": {...}, "norm":
// [call, element], "relu": [...], "softmax": {"hot": [call, element], "cold": [...]},
// "step_replay": {"rows", "layer_weights", "output_weights", "layer_ms": [[[...]]], "output_ms":
// [[[...]]]} (optional)}. Older files still load: version 2's attention costs are one [call,
// head, mac] for every width (block 0), and version 1 has no step replay either.
std::string kernel_costs_to_json(const KernelCosts& costs);
KernelCosts kernel_costs_from_json(const std::string& text, const std::string& source);
void save_kernel_costs(const std::filesystem::path& path, const KernelCosts& costs);  // atomic
KernelCosts load_kernel_costs(const std::filesystem::path& path);

}  // namespace hat::latency
