// 2x2 max pooling with stride 2 (PyTorch's nn.MaxPool2d(2, 2)), NCHW:
//   y[n, c, oy, ox] = max over the window x[n, c, 2oy..2oy+1, 2ox..2ox+1]
//   dx = dy routed to the window's maximum, 0 elsewhere (also for the odd last row/column,
//   which the floor in H_out = H / 2 leaves out).
// Ties go to the first maximum in row-major window order and a NaN wins, as in PyTorch.
// The backward finds the maximum again from x and y instead of storing indices.
// Shapes: x [N, C, H, W], y [N, C, H/2, W/2]. CPU: loops; CUDA: a custom kernel, not cuDNN:
// both backends call pool_window_argmax below, so they route gradients to the same element.
// Ties are common here, not a corner case: in the conv model every zero a ReLU produces
// becomes the same value after the BatchNorm that follows, and cuDNN does not document which
// of tied inputs receives the gradient (PyTorch's CUDA max-pool is a native kernel too).
// Tests: test_kernels_pool.cpp, test_cuda_ops.cpp.
#pragma once

#include <cstdint>

#include "kernels/host_device.h"

namespace dae {

struct PoolShape {
  int64_t batch;
  int64_t channels;
  int64_t height;
  int64_t width;

  static constexpr int64_t kWindow = 2;
  int64_t out_height() const { return height / kWindow; }
  int64_t out_width() const { return width / kWindow; }
};

// Whether `value` takes over as the window's maximum from `best`, in row-major window order:
// only a larger value does (ties stay with the first), and a NaN always does, as in PyTorch
// (so the last NaN of a window wins).
DAE_HOST_DEVICE bool pool_takes_over(float value, float best) { return value > best || value != value; }

// Offset (within the plane of width `width`) of the maximum of the window at (oy, ox).
DAE_HOST_DEVICE int64_t pool_window_argmax(const float* plane, int64_t width, int64_t oy,
                                           int64_t ox) {
  int64_t best = (oy * PoolShape::kWindow) * width + ox * PoolShape::kWindow;
  for (int64_t i = 0; i < PoolShape::kWindow; ++i) {
    for (int64_t j = 0; j < PoolShape::kWindow; ++j) {
      const int64_t at = (oy * PoolShape::kWindow + i) * width + ox * PoolShape::kWindow + j;
      if (pool_takes_over(plane[at], plane[best])) best = at;
    }
  }
  return best;
}

namespace cpu {
void max_pool2d_forward(const float* x, float* y, const PoolShape& shape);
void max_pool2d_backward(const float* x, const float* y, const float* dy, float* dx,
                         const PoolShape& shape);
}  // namespace cpu

namespace cuda {
void max_pool2d_forward(const float* x, float* y, const PoolShape& shape);
void max_pool2d_backward(const float* x, const float* y, const float* dy, float* dx,
                         const PoolShape& shape);
}  // namespace cuda

}  // namespace dae
