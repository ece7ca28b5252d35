// 2x2 max pooling with stride 2 on the GPU with cuDNN (PyTorch's nn.MaxPool2d(2, 2)):
//   forward   y [N, C, H/2, W/2] = max over each window     cudnnPoolingForward
//   backward  dx [N, C, H, W]: dy routed to the window's maximum, found again from x and y
//             cudnnPoolingBackward
// CUDNN_POOLING_MAX with a 2x2 window, stride 2, no padding; alpha = 1, beta = 0 (outputs
// overwritten). cuDNN sizes the output as 1 + (H - 2) / 2 = H / 2, the floor of PoolShape.
// The windows do not overlap, so each dx element receives at most one gradient: there is no
// sum whose order could vary, and CUDNN_POOLING_MAX needs no _DETERMINISTIC variant here.
// Where it may differ from the CPU reference (max_pool2d_cpu.cpp, pool_window_argmax):
//   - ties: the CPU routes the gradient to the first maximum in row-major window order; cuDNN
//     does not document its choice. The tests use random inputs, which have no ties.
//   - NaN: CUDNN_PROPAGATE_NAN makes a window holding a NaN output NaN, as on the CPU and in
//     PyTorch; where the gradient of such a window goes is not documented either.
// Tests: test_cuda_ops.cpp (against the CPU, odd and even sizes).
#include "kernels/cuda_check.h"
#include "kernels/cuda_context.h"
#include "kernels/cudnn_descriptors.h"
#include "kernels/max_pool2d.h"

namespace dae::cuda {

namespace {

constexpr float kOne = 1.0f;
constexpr float kZero = 0.0f;

struct Pooling {
  explicit Pooling(const PoolShape& s)
      : x(nchw_descriptor(s.batch, s.channels, s.height, s.width)),
        y(nchw_descriptor(s.batch, s.channels, s.out_height(), s.out_width())) {
    const int window = static_cast<int>(PoolShape::kWindow);
    DAE_CUDA_CHECK(cudnnSetPooling2dDescriptor(pooling.get(), CUDNN_POOLING_MAX,
                                               CUDNN_PROPAGATE_NAN, window, window, 0, 0, window,
                                               window));
  }
  PoolingDescriptor pooling;
  TensorDescriptor x, y;  // x also describes dx, y also dy
};

const Pooling& pooling_for(const PoolShape& s) {
  static ShapeCache<4, Pooling> cache;
  return cache.get({s.batch, s.channels, s.height, s.width}, s);
}

}  // namespace

void max_pool2d_forward(const float* x, float* y, const PoolShape& s) {
  const Pooling& p = pooling_for(s);
  DAE_CUDA_CHECK(
      cudnnPoolingForward(cudnn(), p.pooling.get(), &kOne, p.x.get(), x, &kZero, p.y.get(), y));
}

void max_pool2d_backward(const float* x, const float* y, const float* dy, float* dx,
                         const PoolShape& s) {
  const Pooling& p = pooling_for(s);
  // An odd last row or column lies in no window. cuDNN does not document whether it writes
  // such elements, so they are zeroed here first (the CPU writes 0 there too); even sizes,
  // where every element belongs to a window, skip the memset.
  if (s.height % PoolShape::kWindow != 0 || s.width % PoolShape::kWindow != 0) {
    const size_t bytes =
        sizeof(float) * static_cast<size_t>(s.batch * s.channels * s.height * s.width);
    DAE_CUDA_CHECK(cudaMemsetAsync(dx, 0, bytes, stream()));
  }
  DAE_CUDA_CHECK(cudnnPoolingBackward(cudnn(), p.pooling.get(), &kOne, p.y.get(), y, p.y.get(), dy,
                                      p.x.get(), x, &kZero, p.x.get(), dx));
}

}  // namespace dae::cuda
