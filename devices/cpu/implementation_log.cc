#include "devices/cpu/implementation_log.h"

#include <mutex>
#include <set>

#include <oneapi/dnnl/dnnl_debug.h>

#include "devices/cpu/reference_fallback.h"
#include "devices/error.h"

namespace hat::cpu {

namespace detail {
std::atomic<bool> implementation_log_open{false};
}  // namespace detail

namespace {

// The log and the lock that orders notes against opening and closing: a note racing a close is
// either in before it or dropped, never left over for the next log.
std::mutex& log_mutex() {
  static std::mutex mutex;
  return mutex;
}
std::set<std::string>& log_entries() {
  static std::set<std::string> entries;
  return entries;
}

// oneDNN 2.6 gives a logsoftmax primitive the kind softmax; its op descriptor tells them apart
// (they fall back to reference code, and to our loops, each on its own).
std::string kind_name(const_dnnl_primitive_desc_t pd) {
  dnnl_primitive_kind_t kind = dnnl_undefined_primitive;
  if (dnnl_primitive_desc_query(pd, dnnl_query_primitive_kind, 0, &kind) != dnnl_success)
    return "unknown";
  const dnnl_softmax_desc_t* softmax = nullptr;
  if (kind == dnnl_softmax &&
      dnnl_primitive_desc_query(pd, dnnl_query_softmax_d, 0, &softmax) == dnnl_success && softmax)
    kind = softmax->primitive_kind;
  return dnnl_prim_kind2str(kind);
}

std::string impl_name(const_dnnl_primitive_desc_t pd) {
  const char* impl = nullptr;
  if (dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl) != dnnl_success || !impl)
    return "unknown";
  return impl;
}

}  // namespace

void detail::add_to_implementation_log(const std::string& entry) {
  std::lock_guard<std::mutex> lock(log_mutex());
  if (implementation_log_open.load(std::memory_order_relaxed)) log_entries().insert(entry);
}

void detail::add_to_implementation_log(const dnnl::primitive& p) {
  const const_dnnl_primitive_desc_t pd = p.get_primitive_desc();
  add_to_implementation_log(kind_name(pd) + ":" + impl_name(pd));
}

std::string own_loop_entry(const dnnl::primitive_desc_base& pd) {
  return kind_name(pd.get()) + ":own loop (oneDNN has " + impl_name(pd.get()) + ")";
}

std::string own_loop_in_place_of(const dnnl::primitive_desc_base& pd) {
  return is_reference_implementation(impl_name(pd.get())) ? own_loop_entry(pd) : std::string();
}

void open_implementation_log() {
  std::lock_guard<std::mutex> lock(log_mutex());
  HAT_CHECK(!detail::implementation_log_open.load(std::memory_order_relaxed),
            "kernel implementations: a recorder is already recording (one at a time)");
  log_entries().clear();
  detail::implementation_log_open.store(true, std::memory_order_relaxed);
}

void close_implementation_log() {
  std::lock_guard<std::mutex> lock(log_mutex());
  detail::implementation_log_open.store(false, std::memory_order_relaxed);
}

std::vector<std::string> implementation_log() {
  std::lock_guard<std::mutex> lock(log_mutex());
  return {log_entries().begin(), log_entries().end()};
}

}  // namespace hat::cpu
