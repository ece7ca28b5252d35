// The three matrix products of a fully connected layer, PyTorch's nn.Linear convention:
//   forward          y [N, O]  = x [N, I] . W^T          (W is [O, I], row-major)
//   backward input   dx [N, I] = dy [N, O] . W
//   backward weight  dW [O, I] = dy^T . x
// The bias is added separately (bias.h). CPU: OpenBLAS sgemm; CUDA: cuBLAS sgemm.
// Each call overwrites its output. Tests: test_ops_linear.cpp, test_cuda_ops.cpp.
#pragma once

#include <cstdint>

namespace dae {

struct LinearShape {
  int64_t batch;
  int64_t in_features;
  int64_t out_features;
};

namespace cpu {
void linear_forward(const float* x, const float* weight, float* y, const LinearShape& shape);
void linear_backward_input(const float* dy, const float* weight, float* dx, const LinearShape& shape);
void linear_backward_weight(const float* dy, const float* x, float* dweight, const LinearShape& shape);
}  // namespace cpu

namespace cuda {
void linear_forward(const float* x, const float* weight, float* y, const LinearShape& shape);
void linear_backward_input(const float* dy, const float* weight, float* dx, const LinearShape& shape);
void linear_backward_weight(const float* dy, const float* x, float* dweight, const LinearShape& shape);
}  // namespace cuda

}  // namespace dae
