// Which oneDNN implementations the CPU backend ran while a log is open: the store behind
// KernelImplementationRecorder (devices/kernel_implementations.h), which latency measurement
// uses to record in each row what ran (on a board oneDNN may fall back to its reference code,
// and reference_fallback.h then runs our own loops). Its own small file so that run_primitive
// (dnnl_context.cc) and the fallbacks can note into it without the backend-neutral API.
// Off, a note costs one relaxed atomic load.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

namespace hat::cpu {

namespace detail {
extern std::atomic<bool> implementation_log_open;
void add_to_implementation_log(const std::string& entry);
void add_to_implementation_log(const dnnl::primitive& p);
}  // namespace detail

// Opens the log, empty (hat::Error when one is open already: one at a time), and closes it.
void open_implementation_log();
void close_implementation_log();
// The distinct entries noted since the log was opened, sorted ("matmul:brg:avx512_core", ...).
std::vector<std::string> implementation_log();

// "KIND:IMPL" of a primitive that runs (its kind as oneDNN prints it, e.g. "matmul", and its
// implementation, e.g. "gemm:jit"); for an own loop, an entry from own_loop_entry().
inline void note_implementation(const dnnl::primitive& p) {
  if (detail::implementation_log_open.load(std::memory_order_relaxed))
    detail::add_to_implementation_log(p);
}
inline void note_implementation(const std::string& entry) {
  if (detail::implementation_log_open.load(std::memory_order_relaxed))
    detail::add_to_implementation_log(entry);
}

// The entry of our own loop standing in for oneDNN's implementation `pd` chose (its reference
// code): "KIND:own loop (oneDNN has IMPL)", e.g. "eltwise:own loop (oneDNN has ref:any)".
std::string own_loop_entry(const dnnl::primitive_desc_base& pd);

// own_loop_entry(pd) where oneDNN chose its reference code, so that our loop runs instead
// (reference_fallback.h); empty where oneDNN's own implementation runs. The ops keep this one
// string beside their cached primitive: whether the loop runs, and what the log then notes.
std::string own_loop_in_place_of(const dnnl::primitive_desc_base& pd);

}  // namespace hat::cpu
