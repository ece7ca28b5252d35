// Device discovery, memory and the stream (see cuda_runtime.h and cuda_context.h).
#include <cstdint>
#include <sstream>
#include <vector>

#include "kernels/cuda_check.h"
#include "kernels/cuda_context.h"
#include "kernels/cuda_runtime.h"

namespace dae::cuda {

namespace {

__global__ void probe_kernel(int* flag) { *flag = 1; }

// A device that enumerates may still be unusable by this binary: no kernel image for its
// architecture shows up only at the first launch, so the probe launches one.
bool launch_probe_kernel(std::string& reason) {
  int* flag = nullptr;
  if (const cudaError_t status = cudaMalloc(&flag, sizeof(int)); status != cudaSuccess) {
    reason = std::string("cudaMalloc failed on device 0: ") + cudaGetErrorString(status);
    cudaGetLastError();
    return false;
  }
  probe_kernel<<<1, 1>>>(flag);
  cudaError_t status = cudaGetLastError();
  if (status == cudaSuccess) status = cudaDeviceSynchronize();
  cudaFree(flag);
  if (status != cudaSuccess) {
    reason = std::string("a test kernel failed: ") + cudaGetErrorString(status) +
             " (rebuild with -DCMAKE_CUDA_ARCHITECTURES=<this GPU's sm>)";
    return false;
  }
  return true;
}

}  // namespace

// Every CUDA call here is asked for its status, none is checked by a macro that throws.
bool probe_device(std::string& reason) {
  int count = 0;
  cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    reason = std::string(cudaGetErrorName(status)) + ": " + cudaGetErrorString(status);
    cudaGetLastError();  // clear the sticky-free error so later queries start clean
    return false;
  }
  if (count == 0) {
    reason = "no CUDA device found";
    return false;
  }
  cudaDeviceProp properties{};
  status = cudaGetDeviceProperties(&properties, 0);
  if (status != cudaSuccess) {  // a device that enumerates but a driver that cannot describe it
    reason = std::string("cudaGetDeviceProperties failed on device 0: ") + cudaGetErrorName(status) + ": " +
             cudaGetErrorString(status);
    cudaGetLastError();
    return false;
  }
  if (!launch_probe_kernel(reason)) return false;
  std::ostringstream description;
  description << properties.name << " (sm_" << properties.major << properties.minor << ", "
              << (properties.totalGlobalMem >> 30) << " GiB)";
  reason = description.str();
  return true;
}

cudaStream_t stream() {
  static cudaStream_t the_stream = [] {
    cudaStream_t created = nullptr;
    DAE_CUDA_CHECK(cudaStreamCreateWithFlags(&created, cudaStreamNonBlocking));
    // Keep freed memory in the pool instead of returning it at each synchronization.
    cudaMemPool_t pool = nullptr;
    DAE_CUDA_CHECK(cudaDeviceGetDefaultMemPool(&pool, 0));
    uint64_t keep_everything = UINT64_MAX;
    DAE_CUDA_CHECK(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &keep_everything));
    return created;
  }();
  return the_stream;
}

void* allocate(size_t bytes) {
  void* pointer = nullptr;
  if (bytes == 0) return nullptr;
  DAE_CUDA_CHECK(cudaMallocAsync(&pointer, bytes, stream()));
  return pointer;
}

void deallocate(void* pointer) noexcept {
  if (pointer) DAE_CUDA_WARN(cudaFreeAsync(pointer, stream()));
}

void copy_host_to_device(void* device_destination, const void* host_source, size_t bytes) {
  DAE_CUDA_CHECK(cudaMemcpyAsync(device_destination, host_source, bytes, cudaMemcpyHostToDevice, stream()));
  // The host buffer may be freed as soon as we return: wait for pageable copies to finish.
  synchronize();
}

void copy_device_to_host(void* host_destination, const void* device_source, size_t bytes) {
  DAE_CUDA_CHECK(cudaMemcpyAsync(host_destination, device_source, bytes, cudaMemcpyDeviceToHost, stream()));
  synchronize();
}

void copy_device_to_device(void* destination, const void* source, size_t bytes) {
  DAE_CUDA_CHECK(cudaMemcpyAsync(destination, source, bytes, cudaMemcpyDeviceToDevice, stream()));
}

void synchronize() { DAE_CUDA_CHECK(cudaStreamSynchronize(stream())); }

std::string build_description() {
  std::ostringstream out;
  out << "CUDA " << CUDART_VERSION / 1000 << "." << CUDART_VERSION % 1000 / 10 << ", cuDNN " << CUDNN_MAJOR << "."
      << CUDNN_MINOR << "." << CUDNN_PATCHLEVEL;
  return out.str();
}

namespace {

// The stream-ordered pool's figure plus the graphs' (their memory is not the pool's).
size_t pool_plus_graph_memory(cudaMemPoolAttr pool_attribute, cudaGraphMemAttributeType graph_attribute) {
  cudaMemPool_t pool = nullptr;
  DAE_CUDA_CHECK(cudaDeviceGetDefaultMemPool(&pool, 0));
  uint64_t pool_bytes = 0, graph_bytes = 0;
  DAE_CUDA_CHECK(cudaMemPoolGetAttribute(pool, pool_attribute, &pool_bytes));
  DAE_CUDA_CHECK(cudaDeviceGetGraphMemAttribute(0, graph_attribute, &graph_bytes));
  return static_cast<size_t>(pool_bytes + graph_bytes);
}

}  // namespace

std::string loaded_description() {
  int driver = 0, runtime = 0, major = 0, minor = 0, patch = 0;
  std::ostringstream out;
  if (cudaDriverGetVersion(&driver) == cudaSuccess && driver > 0) {
    out << "driver for CUDA " << driver / 1000 << "." << driver % 1000 / 10;
  } else {
    out << "no CUDA driver";
  }
  if (cudaRuntimeGetVersion(&runtime) == cudaSuccess)
    out << ", runtime " << runtime / 1000 << "." << runtime % 1000 / 10;
  // cuDNN 9 numbers its versions major * 10000 + minor * 100 + patch.
  const size_t cudnn = cudnnGetVersion();
  out << ", cuDNN " << cudnn / 10000 << "." << cudnn % 10000 / 100 << "." << cudnn % 100;
  if (cublasGetProperty(MAJOR_VERSION, &major) == CUBLAS_STATUS_SUCCESS &&
      cublasGetProperty(MINOR_VERSION, &minor) == CUBLAS_STATUS_SUCCESS &&
      cublasGetProperty(PATCH_LEVEL, &patch) == CUBLAS_STATUS_SUCCESS)
    out << ", cuBLAS " << major << "." << minor << "." << patch;
  return out.str();
}

size_t peak_memory_bytes() { return pool_plus_graph_memory(cudaMemPoolAttrUsedMemHigh, cudaGraphMemAttrUsedMemHigh); }

size_t memory_in_use_bytes() {
  return pool_plus_graph_memory(cudaMemPoolAttrUsedMemCurrent, cudaGraphMemAttrUsedMemCurrent);
}

void reset_peak_memory() {
  cudaMemPool_t pool = nullptr;
  DAE_CUDA_CHECK(cudaDeviceGetDefaultMemPool(&pool, 0));
  uint64_t reset = 0;  // the only value these attributes take: the high-water mark becomes the current use
  DAE_CUDA_CHECK(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrUsedMemHigh, &reset));
  DAE_CUDA_CHECK(cudaDeviceSetGraphMemAttribute(0, cudaGraphMemAttrUsedMemHigh, &reset));
}

}  // namespace dae::cuda
