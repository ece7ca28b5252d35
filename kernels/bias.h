// Per-channel bias, shared by Linear ([N, C] = hw 1), Conv2d and ConvTranspose2d ([N, C, H, W]):
//   forward   y[n, c, s] += bias[c]
//   backward  dbias[c] = sum over n, s of dy[n, c, s]      (s runs over the hw = H*W positions)
// cuBLAS and cuDNN compute the products; the bias is this one separate pass.
// Tests: test_ops_linear.cpp, test_ops_conv.cpp, test_cuda_ops.cpp.
#pragma once

#include <cstdint>

namespace dae {

struct BiasShape {
  int64_t batch;
  int64_t channels;
  int64_t spatial;  // H*W, or 1 for a Linear layer
};

namespace cpu {
void bias_forward(float* y, const float* bias, const BiasShape& shape);
void bias_backward(const float* dy, float* dbias, const BiasShape& shape);
}  // namespace cpu

namespace cuda {
void bias_forward(float* y, const float* bias, const BiasShape& shape);
void bias_backward(const float* dy, float* dbias, const BiasShape& shape);
}  // namespace cuda

}  // namespace dae
