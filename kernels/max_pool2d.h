// 2x2 max pooling with stride 2 (PyTorch's nn.MaxPool2d(2, 2)), NCHW:
//   y[n, c, oy, ox] = max over the window x[n, c, 2oy..2oy+1, 2ox..2ox+1]
//   dx = dy routed to one maximum of the window, 0 elsewhere (also for the odd last
//   row/column, which the floor in H_out = H / 2 leaves out).
// A NaN in a window makes its output NaN, as in PyTorch.
// Shapes: x [N, C, H, W], y [N, C, H/2, W/2].
// CPU: loops over pool_window_argmax below: ties go to the first maximum in row-major window
// order and the last NaN of a window wins, as in PyTorch's CPU kernel; the backward finds the
// maximum again from x, so it ignores y.
// CUDA: cuDNN (max_pool2d.cu), whose backward finds the maximum from x and y, so y is passed.
// Which of tied maxima cuDNN gives the gradient to is not documented (max_pool2d.cu says what
// is known). Ties are common here, not a corner case: in the conv model every zero a ReLU
// produces becomes the same value after the BatchNorm that follows.
// Tests: test_ops_pool.cpp, test_cuda_ops.cpp.
#pragma once

#include <cstdint>

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
// (so the last NaN of a window wins). The CPU's routing rule.
inline bool pool_takes_over(float value, float best) { return value > best || value != value; }

// Offset (within the plane of width `width`) of the maximum of the window at (oy, ox).
inline int64_t pool_window_argmax(const float* plane, int64_t width, int64_t oy, int64_t ox) {
  int64_t best = (oy * PoolShape::kWindow) * width + ox * PoolShape::kWindow;
  for (int64_t i = 0; i < PoolShape::kWindow; ++i) {
    for (int64_t j = 0; j < PoolShape::kWindow; ++j) {
      const int64_t at = (oy * PoolShape::kWindow + i) * width + ox * PoolShape::kWindow + j;
      if (pool_takes_over(plane[at], plane[best])) best = at;
    }
  }
  return best;
}

// y is the forward's output: the CUDA backward reads it, the CPU one does not.
namespace cpu {
void max_pool2d_forward(const float* x, float* y, const PoolShape& shape);
void max_pool2d_backward(const float* x, const float* y, const float* dy, float* dx, const PoolShape& shape);
}  // namespace cpu

namespace cuda {
void max_pool2d_forward(const float* x, float* y, const PoolShape& shape);
void max_pool2d_backward(const float* x, const float* y, const float* dy, float* dx, const PoolShape& shape);
}  // namespace cuda

}  // namespace dae
