#include "search/result_files.h"

#include "supernet/arch/arch_yaml.h"
#include "util/atomic_file.h"

namespace hat::search {

void write_best_architecture(const std::filesystem::path& out, const std::string& prefix,
                             const arch::ArchConfig& arch) {
  util::write_file_atomically(out / (prefix + ".yml"), arch::arch_to_yaml(arch));
  util::write_file_atomically(out / (prefix + ".hat.yml"), arch::arch_to_hat_yaml(arch));
}

nlohmann::json run_json(const RunResult& run) {
  const Candidate& best = *run.state.best();
  const CandidateFacts& f = run.best_facts;
  nlohmann::json r{{"budgets", nlohmann::json::array()},
                   {"loss_bits", best.fitness},
                   {"arch_hash", best.hash},
                   {"parameters", f.parameters},
                   {"parameters_with_embeddings", f.parameters_with_embeddings},
                   {"predicted_latency_ms", f.latency_ms},
                   {"evaluations", run.state.scored.size()},
                   {"best_loss_per_iteration", run.state.best_per_iteration},
                   {"arch", arch::arch_to_yaml(run.best)}};
  for (const Budget& b : run.budgets) r["budgets"].push_back({{"device", b.device}, {"latency_ms", b.ms}});
  return r;
}

bool write_plot(const std::filesystem::path& out, const std::vector<RunResult>& runs) {
  std::vector<PlotPoint> points, winners;
  std::vector<double> budgets;
  for (const RunResult& run : runs) {
    if (!run.plot_winner) continue;
    points.insert(points.end(), run.plot_points.begin(), run.plot_points.end());
    winners.push_back(*run.plot_winner);
    budgets.push_back(run.budgets.front().ms);
  }
  if (points.empty()) return false;
  const std::string title = "validation loss against predicted " + runs.front().plot_device + " latency";
  util::write_file_atomically(out / "plot.svg", loss_latency_svg(points, winners, budgets, title));
  return true;
}

}  // namespace hat::search
