#include "supernet/train/metrics_log.h"

#include <cstdio>
#include <string>
#include <vector>

#include "devices/error.h"

namespace hat::train {

namespace fs = std::filesystem;

namespace {

const char* arch_choice_name(TrainProgress::ArchChoice choice) {
  switch (choice) {
    case TrainProgress::ArchChoice::fixed: return "fixed";
    case TrainProgress::ArchChoice::largest_first: return "largest";
    case TrainProgress::ArchChoice::sampled: break;
  }
  return "sampled";
}

}  // namespace

const char* MetricsLog::header() {
  return "kind,update,epoch,elapsed_s,lr,loss_bits,nll_bits,target_tokens_per_s,grad_norm,"
         "arch,arch_hash";
}

MetricsLog::MetricsLog(fs::path path, int64_t resume_update) : path_(std::move(path)) {
  if (fs::exists(path_)) {
    // Keep the header and every row up to the resumed update; rewrite via a temporary file.
    std::ifstream in(path_);
    std::string line;
    std::vector<std::string> kept;
    std::getline(in, line);
    HAT_CHECK(line == header(), path_.string(), ": not a metrics file of this version (header '",
              line, "')");
    kept.push_back(line);
    while (std::getline(in, line)) {
      const size_t a = line.find(','), b = line.find(',', a + 1);
      if (a == std::string::npos || b == std::string::npos) continue;  // torn last line
      if (std::stoll(line.substr(a + 1, b - a - 1)) <= resume_update) kept.push_back(line);
    }
    const fs::path temp = path_.string() + ".tmp";
    {
      std::ofstream out(temp, std::ios::trunc);
      for (const std::string& l : kept) out << l << '\n';
      HAT_CHECK(out.flush(), temp.string(), ": cannot write");
    }
    fs::rename(temp, path_);
    out_.open(path_, std::ios::app);
  } else {
    out_.open(path_, std::ios::trunc);
    out_ << header() << '\n';
  }
  HAT_CHECK(out_, path_.string(), ": cannot open for writing");
  out_.flush();
}

void MetricsLog::write(const TrainProgress& p) {
  char row[512];
  std::snprintf(row, sizeof row, "train,%lld,%llu,%.3f,%.6g,%.5f,%.5f,%.1f,%.5g,%s,%s",
                static_cast<long long>(p.update), static_cast<unsigned long long>(p.epoch),
                p.elapsed_seconds, p.lr, p.loss_bits, p.nll_bits, p.target_tokens_per_second,
                p.grad_norm, arch_choice_name(p.arch_choice), p.arch_hash.c_str());
  out_ << row << '\n';
  out_.flush();
}

void MetricsLog::write(const ValidationRecord& v) {
  char row[512];
  std::snprintf(row, sizeof row, "valid,%lld,,%.3f,,%.5f,%.5f,,,%s,%s",
                static_cast<long long>(v.update), v.elapsed_seconds, v.loss_bits, v.nll_bits,
                v.name.c_str(), v.arch_hash.c_str());
  out_ << row << '\n';
  out_.flush();
}

}  // namespace hat::train
