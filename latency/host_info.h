// What a measurement row records about the machine and the software (docs/latency.md):
// host name, CPU model and cores, library versions.
#pragma once

#include <string>

namespace hat::latency {

std::string host_name();
// "Intel(R) Xeon(R) ... (2 cores available)" from /proc/cpuinfo and the affinity mask.
std::string cpu_description();
// The model of a cpu_description() without its "(N cores available)", which the affinity mask
// decides: two processes of one machine under different `taskset` masks name one model.
std::string cpu_model(const std::string& description);
// "oneDNN 2.6.3; SQLite 3.40.1; GCC 12.2.0; OpenMP 201511".
std::string library_versions();

}  // namespace hat::latency
