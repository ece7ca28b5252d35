// Where a tensor lives, and whether the CUDA backend can be used on this machine.
#pragma once

#include <ostream>
#include <string>

namespace dae {

enum class Device { CPU, CUDA };

const char* device_name(Device device);
std::ostream& operator<<(std::ostream& out, Device device);

// The answer to "can we use the GPU?", with the reason either way, printed by the app.
struct CudaStatus {
  bool available = false;
  std::string reason;  // e.g. "NVIDIA H200 (sm_90, 139 GiB)" or "built without CUDA support"
};

// Asked once and cached. Makes no CUDA call when the build has no CUDA backend or when the
// environment variable DAE_DISABLE_CUDA is set to something other than 0.
const CudaStatus& cuda_status();

// True when this binary contains the CUDA backend (whether or not a GPU answers).
bool built_with_cuda();
// "CUDA 13.0, cuDNN 9.19.0" or "none": what the CUDA backend was compiled against.
std::string cuda_build_description();
// The driver's CUDA version and the cuDNN and cuBLAS this process loaded (kernels/cuda_runtime.h),
// for a run on the GPU to print; "none" without CUDA.
std::string cuda_loaded_description();

// TF32 tensor-core math in cuBLAS and cuDNN (off by default; no-op without CUDA).
void set_cuda_tf32(bool enabled);
// High-water mark of device memory in use, in bytes (0 without CUDA or before any use), and
// its reset to the current use (e.g. between two models of a benchmark).
size_t cuda_peak_memory_bytes();
void reset_cuda_peak_memory();

// Threads of the CPU backend: one pool runs every parallel loop and splits the matrix products
// (kernels/cpu_threads.h).
void set_cpu_threads(int threads);
int cpu_threads();

}  // namespace dae
