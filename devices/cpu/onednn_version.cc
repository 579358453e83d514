// The oneDNN version the CPU backend was linked with (see devices/backends.h).
#include <oneapi/dnnl/dnnl.h>

#include "devices/backends.h"
#include "devices/error.h"

namespace hat {

std::string onednn_version() {
  const dnnl_version_t* v = dnnl_version();
  return str(v->major, ".", v->minor, ".", v->patch);
}

std::string onednn_hash() {
  const dnnl_version_t* v = dnnl_version();
  return v->hash ? v->hash : "";
}

}  // namespace hat
