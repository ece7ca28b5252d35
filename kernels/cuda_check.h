// One error-check family for CUDA, cuBLAS and cuDNN (CUDA translation units only).
//
//   DAE_CUDA_CHECK(cudaMemcpyAsync(...));   // throws dae::Error naming the call, file, line and
//   DAE_CUDA_CHECK(cublasSgemm(...));       // the library's own message; overloads pick the
//   DAE_CUDA_CHECK(cudnnConvolution...);    // right error-string function for each status type
//   DAE_CUDA_CHECK_LAUNCH();                // after every kernel launch
//   DAE_CUDA_WARN(cudaFreeAsync(...));      // destructors: report, never throw
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cudnn.h>

#include <cstdio>

#include "core/error.h"

namespace dae::cuda::detail {

inline bool failed(cudaError_t status) { return status != cudaSuccess; }
inline bool failed(cublasStatus_t status) { return status != CUBLAS_STATUS_SUCCESS; }
inline bool failed(cudnnStatus_t status) { return status != CUDNN_STATUS_SUCCESS; }

inline const char* message(cudaError_t status) { return cudaGetErrorString(status); }
inline const char* message(cublasStatus_t status) { return cublasGetStatusString(status); }
inline const char* message(cudnnStatus_t status) { return cudnnGetErrorString(status); }

template <typename Status>
void check(Status status, const char* call, const char* file, int line) {
  if (failed(status)) {
    DAE_THROW(call << " failed at " << file << ":" << line << ": " << message(status));
  }
}

template <typename Status>
void warn(Status status, const char* call, const char* file, int line) noexcept {
  if (failed(status)) {
    std::fprintf(stderr, "warning: %s failed at %s:%d: %s\n", call, file, line, message(status));
  }
}

}  // namespace dae::cuda::detail

#define DAE_CUDA_CHECK(call) ::dae::cuda::detail::check((call), #call, __FILE__, __LINE__)
#define DAE_CUDA_WARN(call) ::dae::cuda::detail::warn((call), #call, __FILE__, __LINE__)
#define DAE_CUDA_CHECK_LAUNCH() DAE_CUDA_CHECK(cudaGetLastError())
