// 2x2 max pooling with stride 2 on the GPU (PyTorch's nn.MaxPool2d(2, 2)), NCHW:
//   forward   y [N, C, H/2, W/2] = the window's maximum       one thread per y element
//   backward  dx [N, C, H, W] = dy at the window's maximum,   one thread per dx element
//             0 elsewhere and in the odd last row/column the floor leaves out
// Both find the maximum with pool_window_argmax, the function max_pool2d_cpu.cpp calls
// (max_pool2d.h), so the GPU selects exactly what the CPU selects: the first maximum in
// row-major window order on ties, a NaN over any number. cuDNN pooling is not used: it does
// not document which element of a tie receives the gradient, and ties are common here (after
// ReLU and BatchNorm whole windows share one value). The backward recomputes the argmax of
// its window for each of the window's 4 elements: 4 cached loads instead of a memset and a
// scatter, and every dx element is written exactly once, by its own thread.
// Launch: cuda::blocks_for(n) blocks of kThreadsPerBlock, int64 indices.
// Exact: the same bits as the CPU. Tests: test_cuda_ops.cpp (odd sizes, ties).
#include "kernels/cuda_check.h"
#include "kernels/cuda_context.h"
#include "kernels/max_pool2d.h"

namespace dae::cuda {

namespace {

// PoolShape's size helpers are host-only; the kernels get the sizes they need.
struct PoolSizes {
  int64_t planes, height, width, out_height, out_width;
};

PoolSizes sizes_of(const PoolShape& s) {
  return {s.batch * s.channels, s.height, s.width, s.out_height(), s.out_width()};
}

__global__ void max_pool2d_forward_kernel(const float* x, float* y, PoolSizes s) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const int64_t map = s.out_height * s.out_width;
  if (i >= s.planes * map) return;
  const int64_t plane = i / map, oy = (i % map) / s.out_width, ox = i % s.out_width;
  const float* in = x + plane * s.height * s.width;
  y[i] = in[pool_window_argmax(in, s.width, oy, ox)];
}

__global__ void max_pool2d_backward_kernel(const float* x, const float* dy, float* dx,
                                           PoolSizes s) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const int64_t map = s.height * s.width;
  if (i >= s.planes * map) return;
  const int64_t plane = i / map, at = i % map;
  const int64_t oy = (at / s.width) / PoolShape::kWindow, ox = (at % s.width) / PoolShape::kWindow;
  float gradient = 0.0f;
  if (oy < s.out_height && ox < s.out_width) {
    const float* in = x + plane * map;
    if (pool_window_argmax(in, s.width, oy, ox) == at)
      gradient = dy[(plane * s.out_height + oy) * s.out_width + ox];
  }
  dx[i] = gradient;
}

}  // namespace

void max_pool2d_forward(const float* x, float* y, const PoolShape& shape) {
  const PoolSizes s = sizes_of(shape);
  const int64_t n = s.planes * s.out_height * s.out_width;
  if (n == 0) return;  // an empty grid is a launch error
  max_pool2d_forward_kernel<<<blocks_for(n), kThreadsPerBlock, 0, stream()>>>(x, y, s);
  DAE_CUDA_CHECK_LAUNCH();
}

void max_pool2d_backward(const float* x, const float* /*y*/, const float* dy, float* dx,
                         const PoolShape& shape) {
  const PoolSizes s = sizes_of(shape);
  const int64_t n = s.planes * s.height * s.width;
  if (n == 0) return;
  max_pool2d_backward_kernel<<<blocks_for(n), kThreadsPerBlock, 0, stream()>>>(x, dy, dx, s);
  DAE_CUDA_CHECK_LAUNCH();
}

}  // namespace dae::cuda
