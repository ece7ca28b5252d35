// The cuBLAS and cuDNN handles, the scratch workspace and the math mode (cuda_context.h).
#include "kernels/cuda_check.h"
#include "kernels/cuda_context.h"
#include "kernels/cuda_runtime.h"

namespace dae::cuda {

namespace {

bool g_tf32 = false;

void apply_cublas_math_mode(cublasHandle_t handle) {
  // CUBLAS_DEFAULT_MATH keeps fp32 GEMMs in fp32 (no TF32), which the tests rely on.
  DAE_CUDA_CHECK(cublasSetMathMode(handle, g_tf32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH));
}

}  // namespace

cublasHandle_t cublas() {
  static cublasHandle_t handle = [] {
    cublasHandle_t created = nullptr;
    DAE_CUDA_CHECK(cublasCreate(&created));
    DAE_CUDA_CHECK(cublasSetStream(created, stream()));
    apply_cublas_math_mode(created);
    return created;
  }();
  return handle;
}

cudnnHandle_t cudnn() {
  static cudnnHandle_t handle = [] {
    cudnnHandle_t created = nullptr;
    DAE_CUDA_CHECK(cudnnCreate(&created));
    DAE_CUDA_CHECK(cudnnSetStream(created, stream()));
    return created;
  }();
  return handle;
}

void* workspace(size_t bytes) {
  static void* buffer = nullptr;
  static size_t capacity = 0;
  if (bytes > capacity) {
    deallocate(buffer);
    buffer = nullptr;  // if allocate throws, the next call must not hand out the freed buffer
    capacity = 0;
    buffer = allocate(bytes);
    capacity = bytes;
  }
  return buffer;
}

void set_tf32(bool enabled) {
  g_tf32 = enabled;
  apply_cublas_math_mode(cublas());
}

bool tf32_enabled() { return g_tf32; }

}  // namespace dae::cuda
