#include "core/device.h"

#include <cstdlib>

#include "kernels/cpu_runtime.h"
#ifdef DAE_WITH_CUDA
#include "kernels/cuda_runtime.h"
#endif

namespace dae {

const char* device_name(Device device) { return device == Device::CPU ? "cpu" : "cuda"; }

std::ostream& operator<<(std::ostream& out, Device device) { return out << device_name(device); }

bool built_with_cuda() {
#ifdef DAE_WITH_CUDA
  return true;
#else
  return false;
#endif
}

std::string cuda_build_description() {
#ifdef DAE_WITH_CUDA
  return cuda::build_description();
#else
  return "none";
#endif
}

std::string cuda_loaded_description() {
#ifdef DAE_WITH_CUDA
  return cuda::loaded_description();
#else
  return "none";
#endif
}

void set_cuda_tf32(bool enabled) {
#ifdef DAE_WITH_CUDA
  cuda::set_tf32(enabled);
#else
  (void)enabled;
#endif
}

size_t cuda_peak_memory_bytes() {
#ifdef DAE_WITH_CUDA
  if (cuda_status().available) return cuda::peak_memory_bytes();
#endif
  return 0;
}

void reset_cuda_peak_memory() {
#ifdef DAE_WITH_CUDA
  if (cuda_status().available) cuda::reset_peak_memory();
#endif
}

void set_cpu_threads(int threads) { cpu::set_num_threads(threads); }
int cpu_threads() { return cpu::num_threads(); }

namespace {

CudaStatus ask_cuda() {
  CudaStatus status;
  if (!built_with_cuda()) {
    status.reason = "built without CUDA support";
    return status;
  }
  if (const char* disabled = std::getenv("DAE_DISABLE_CUDA"); disabled && std::string(disabled) != "0") {
    status.reason = "disabled by DAE_DISABLE_CUDA";
    return status;
  }
#ifdef DAE_WITH_CUDA
  status.available = cuda::probe_device(status.reason);
#endif
  return status;
}

}  // namespace

const CudaStatus& cuda_status() {
  static const CudaStatus status = ask_cuda();
  return status;
}

}  // namespace dae
