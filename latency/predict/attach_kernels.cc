#include "latency/predict/attach_kernels.h"

#include <filesystem>
#include <memory>

#include "latency/host_info.h"
#include "latency/predict/kernel_costs.h"
#include "latency/report/format.h"

namespace hat::latency {

void attach_kernels(std::ostream& out, PredictorData& data, const std::vector<std::string>& given,
                    const DeviceProfile* profile) {
  std::vector<std::string> files = given;
  const char* why = "";
  if (files.empty()) {
    if (!profile || profile->kernels_file.empty() ||
        !std::filesystem::exists(profile->kernels_file))
      return;
    files = {profile->kernels_file.string()};
    why = ", the device profile's (--kernels none: without)";
  }
  std::vector<KernelCosts> runs;
  for (const std::string& file : files) runs.push_back(load_kernel_costs(file));
  if (*why) {  // the profile's file: only this machine's CPU model (whatever cores it may use)
    const std::string cpu = cpu_description();
    if (cpu_model(runs.front().host) != cpu_model(cpu)) {
      out << format("%s: %s holds kernel benchmarks of %s, not of this machine (%s): not used\n",
                    data.source.c_str(), files.front().c_str(), runs.front().host.c_str(),
                    cpu.c_str());
      return;
    }
  }
  data.kernels = std::make_shared<const KernelCosts>(average_kernel_costs(runs));
  out << format("%s: decoder steps priced by %zu kernel benchmark%s (%s, %d thread%s%s)\n",
                data.source.c_str(), runs.size(), runs.size() == 1 ? "" : "s (averaged)",
                data.kernels->host.c_str(), data.kernels->threads,
                data.kernels->threads == 1 ? "" : "s", why);
}

}  // namespace hat::latency
