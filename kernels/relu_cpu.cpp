#include "kernels/cpu_runtime.h"
#include "kernels/relu.h"

namespace dae::cpu {

void relu_forward(const float* x, float* y, int64_t n) {
  parallel_for_blocks(n, kParallelBlock, [&](int64_t begin, int64_t end) {
#pragma omp simd
    for (int64_t i = begin; i < end; ++i) y[i] = relu(x[i]);
  });
}

void relu_backward(const float* y, const float* dy, float* dx, int64_t n) {
  parallel_for_blocks(n, kParallelBlock, [&](int64_t begin, int64_t end) {
#pragma omp simd
    for (int64_t i = begin; i < end; ++i) dx[i] = relu_gradient(y[i], dy[i]);
  });
}

}  // namespace dae::cpu
