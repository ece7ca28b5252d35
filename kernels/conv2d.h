// 2-D convolution (cross-correlation, as PyTorch's nn.Conv2d), NCHW, square stride/padding:
//   y[n, o, oy, ox] = sum_{c, i, j} W[o, c, i, j] * x[n, c, oy*s - p + i, ox*s - p + j]
// with x read as 0 outside the image; H_out = (H + 2p - kH) / s + 1 (floor).
//   backward input   dx = the same sum scattered back (the transposed convolution of dy)
//   backward weight  dW[o, c, i, j] = sum_{n, oy, ox} dy[n, o, oy, ox] * x[n, c, ...]
// Shapes: x [N, C, H, W], W [O, C, kH, kW], y [N, O, H_out, W_out]. No bias (bias.h).
// ConvTranspose2d is built from these three (core/ops_conv.cpp): its forward is this
// backward-input, its backward-input is this forward.
// CPU: Winograd F(4x4, 3x3) for stride-1 3x3 kernels, im2col/col2im + OpenBLAS sgemm for the
// rest (conv2d_cpu.cpp chooses); CUDA: cuDNN. Each call overwrites its output.
// Tests: test_ops_conv.cpp, test_cuda_ops.cpp.
#pragma once

#include <cstdint>

namespace dae {

struct Conv2dShape {
  int64_t batch;
  int64_t in_channels;
  int64_t in_height;
  int64_t in_width;
  int64_t out_channels;
  int64_t kernel_height;
  int64_t kernel_width;
  int64_t stride;
  int64_t padding;

  int64_t out_height() const { return (in_height + 2 * padding - kernel_height) / stride + 1; }
  int64_t out_width() const { return (in_width + 2 * padding - kernel_width) / stride + 1; }
};

namespace cpu {
void conv2d_forward(const float* x, const float* weight, float* y, const Conv2dShape& shape);
void conv2d_backward_input(const float* dy, const float* weight, float* dx, const Conv2dShape& shape);
void conv2d_backward_weight(const float* dy, const float* x, float* dweight, const Conv2dShape& shape);
}  // namespace cpu

namespace cuda {
void conv2d_forward(const float* x, const float* weight, float* y, const Conv2dShape& shape);
void conv2d_backward_input(const float* dy, const float* weight, float* dx, const Conv2dShape& shape);
void conv2d_backward_weight(const float* dy, const float* x, float* dweight, const Conv2dShape& shape);
}  // namespace cuda

}  // namespace dae
