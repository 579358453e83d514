// The quickstart's closing table, HAT's Table 2 on this machine: for each model directory, its
// parameters, its predicted latency on each named device, its latency measured here with HAT's
// protocol, and its test BLEU; then every model's speed-up and size ratio against a baseline.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "latency/measure/measure_architecture.h"
#include "supernet/translate/model_loader.h"

namespace hat::experiments {

struct ModelReportOptions {
  std::vector<std::string> devices;  // predicted latency on each (its profile's predictor file)
  std::string host_device = "host";  // the profile whose protocol and threads time this machine
  std::filesystem::path data;        // data directory holding the split
  std::string split = "test";
  int64_t max_sentences = 0;         // 0: the whole split
  int64_t beam = 5;
  int64_t max_tokens = 4096;
  int host_iterations = 20;          // timed runs of each protocol part
};

struct ModelReportRow {
  std::string name;
  std::filesystem::path dir;
  std::string arch_summary;
  int64_t parameters = 0;                     // with embeddings
  int64_t parameters_without_embeddings = 0;  // HAT's count
  std::map<std::string, double> predicted_ms; // device -> predicted total
  double host_ms = 0;                         // measured here, encoder + decoder trimmed means
  double bleu = 0;
  int64_t sentences = 0;
};

// Loads the model directory and fills one row. Predictor warnings (a model outside a
// predictor's training range) go to `warn`. Throws hat::Error naming what is missing.
ModelReportRow report_model(const std::string& name, const std::filesystem::path& dir,
                            const ModelReportOptions& options,
                            const translate::TranslateWarning& warn = {});

// A Markdown table of the rows, with each row's speed-up (baseline latency / its latency, on
// the first predicted device and on this machine) and size ratio (baseline parameters / its).
std::string format_report(const std::vector<ModelReportRow>& rows, size_t baseline);

nlohmann::json report_json(const std::vector<ModelReportRow>& rows, size_t baseline);

}  // namespace hat::experiments
