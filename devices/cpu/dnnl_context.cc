#include "devices/cpu/dnnl_context.h"

#include <algorithm>
#include <cstring>

#include "devices/cpu/implementation_log.h"

namespace hat::cpu {

dnnl::engine& engine() {
  static dnnl::engine instance(dnnl::engine::kind::cpu, 0);
  return instance;
}

// One stream per host thread: a stream is not meant to be shared by threads that submit at the
// same time (translation runs independent batches on separate threads, --inter-threads).
dnnl::stream& stream() {
  thread_local dnnl::stream instance(engine());
  return instance;
}

void run_primitive(const dnnl::primitive& p, const std::unordered_map<int, dnnl::memory>& args) {
  p.execute(stream(), args);
  stream().wait();
  note_implementation(p);
}

namespace {
dnnl::memory::data_type dnnl_type(DType dtype) {
  switch (dtype) {
    case DType::f32: return dnnl::memory::data_type::f32;
    case DType::i32: return dnnl::memory::data_type::s32;
    case DType::f64: break;
  }
  throw Error(str("onednn: ", dtype_name(dtype), " is not supported by oneDNN on the CPU"));
}
}  // namespace

// A size-1 dimension's stride never moves the address, but oneDNN reads it: a single row cut
// from a wider buffer (a greedy decoder step's k|v written into its cache) keeps the buffer's row
// stride, oneDNN 2.6 then takes the operand for strided and runs its reference matmul, 300 times
// slower. Such strides are replaced by the dense one the next dimension implies.
namespace {
dnnl::memory::dims canonical_strides(const Shape& shape, const Shape& strides) {
  dnnl::memory::dims out(strides.begin(), strides.end());
  for (size_t i = out.size(); i-- > 0;)
    if (shape[i] == 1) out[i] = i + 1 < out.size() ? out[i + 1] * std::max<int64_t>(shape[i + 1], 1) : 1;
  return out;
}
}  // namespace

dnnl::memory::desc memory_desc(const Shape& shape, const Shape& strides, DType dtype) {
  return dnnl::memory::desc(dnnl::memory::dims(shape.begin(), shape.end()), dnnl_type(dtype),
                            canonical_strides(shape, strides));
}

dnnl::memory::desc memory_desc(const Tensor& t) {
  return memory_desc(t.shape(), t.strides(), t.dtype());
}

dnnl::memory memory(const Tensor& t) { return memory(memory_desc(t), t); }

dnnl::memory memory(const dnnl::memory::desc& desc, const Tensor& t) {
  return dnnl::memory(desc, engine(), t.raw());
}

size_t PrimitiveKeyHash::operator()(const PrimitiveKey& key) const {
  size_t h = 1469598103934665603ull;  // FNV-1a over the integers
  for (int64_t v : key) {
    h ^= static_cast<size_t>(v);
    h *= 1099511628211ull;
  }
  return h;
}

void append_key(PrimitiveKey& key, const Tensor& t) {
  key.push_back(t.dim());
  key.insert(key.end(), t.shape().begin(), t.shape().end());
  const dnnl::memory::dims strides = canonical_strides(t.shape(), t.strides());
  key.insert(key.end(), strides.begin(), strides.end());
}

int64_t float_bits(float value) {
  int32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

dnnl::primitive_attr user_scratchpad_attr() {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

dnnl::memory scratchpad(const dnnl::memory::desc& desc) {
  thread_local std::unique_ptr<Storage> buffer;
  const size_t bytes = desc.get_size();
  if (!buffer || buffer->bytes() < bytes) buffer = std::make_unique<Storage>(bytes);
  return dnnl::memory(desc, engine(), buffer->data());
}

void rethrow_dnnl(const char* op, const dnnl::error& e) {
  throw Error(str(op, ": oneDNN failed: ", e.what()));
}

}  // namespace hat::cpu
