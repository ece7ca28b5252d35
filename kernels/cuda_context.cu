// The cuBLAS and cuDNN handles, the scratch workspace and the math mode (cuda_context.h).
#include <vector>

#include "kernels/cuda_check.h"
#include "kernels/cuda_context.h"
#include "kernels/cuda_runtime.h"

namespace dae::cuda {

namespace {

bool g_tf32 = false;
int g_live_graphs = 0;
std::vector<void*> g_retired_workspaces;  // grown out of while a graph held them

// cuBLAS's own workspace, given to it once (32 MiB, what cuBLAS's documentation recommends on
// Hopper) rather than left to it: a library that allocated its workspace during a graph
// capture would make the graph own it (core/captured_step.h).
constexpr size_t kCublasWorkspaceBytes = size_t{32} << 20;

bool capturing() {
  cudaStreamCaptureStatus status = cudaStreamCaptureStatusNone;
  DAE_CUDA_CHECK(cudaStreamIsCapturing(stream(), &status));
  return status != cudaStreamCaptureStatusNone;
}

void apply_cublas_math_mode(cublasHandle_t handle) {
  // CUBLAS_DEFAULT_MATH keeps fp32 GEMMs in fp32 (no TF32), which the tests rely on.
  DAE_CUDA_CHECK(cublasSetMathMode(handle, g_tf32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH));
}

}  // namespace

cublasHandle_t cublas() {
  static cublasHandle_t handle = [] {
    DAE_CHECK(!capturing(), "CUDA graph capture: the cuBLAS handle would be created inside the capture");
    cublasHandle_t created = nullptr;
    DAE_CUDA_CHECK(cublasCreate(&created));
    DAE_CUDA_CHECK(cublasSetStream(created, stream()));
    DAE_CUDA_CHECK(cublasSetWorkspace(created, allocate(kCublasWorkspaceBytes), kCublasWorkspaceBytes));
    apply_cublas_math_mode(created);
    return created;
  }();
  return handle;
}

cudnnHandle_t cudnn() {
  static cudnnHandle_t handle = [] {
    DAE_CHECK(!capturing(), "CUDA graph capture: the cuDNN handle would be created inside the capture");
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
    DAE_CHECK(!capturing(), "CUDA graph capture: the scratch workspace would grow from "
                                << capacity << " to " << bytes << " bytes inside the capture (run the "
                                << "captured work once before capturing it)");
    if (g_live_graphs > 0) {
      g_retired_workspaces.push_back(buffer);
    } else {
      deallocate(buffer);
    }
    buffer = nullptr;  // if allocate throws, the next call must not hand out the freed buffer
    capacity = 0;
    buffer = allocate(bytes);
    capacity = bytes;
  }
  return buffer;
}

namespace detail {

void graph_created() { ++g_live_graphs; }

void graph_destroyed() noexcept {
  if (--g_live_graphs > 0) return;
  for (void* retired : g_retired_workspaces) deallocate(retired);  // after the graphs' queued work
  g_retired_workspaces.clear();
}

}  // namespace detail

void set_tf32(bool enabled) {
  g_tf32 = enabled;
  apply_cublas_math_mode(cublas());
}

bool tf32_enabled() { return g_tf32; }

}  // namespace dae::cuda
