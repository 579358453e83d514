#include "devices/kernel_implementations.h"

#include "devices/cpu/implementation_log.h"

namespace hat {

KernelImplementationRecorder::KernelImplementationRecorder() { cpu::open_implementation_log(); }

KernelImplementationRecorder::~KernelImplementationRecorder() { cpu::close_implementation_log(); }

std::vector<std::string> KernelImplementationRecorder::implementations() const {
  return cpu::implementation_log();
}

}  // namespace hat
