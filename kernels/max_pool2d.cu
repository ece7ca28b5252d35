// 2x2 max pooling with stride 2 on the GPU with cuDNN (PyTorch's nn.MaxPool2d(2, 2)), NCHW:
//   forward   y [N, C, H/2, W/2] = the window's maximum           cudnnPoolingForward
//   backward  dx [N, C, H, W] = dy at one maximum of its window,    cudnnPoolingBackward
//             0 elsewhere and in the odd last row/column the floor leaves out
// alpha = 1, beta = 0: each call overwrites its output. The backward finds each window's
// maximum from x and the forward's y, which is why core/ops_pool.cpp keeps y (the CPU finds
// it again from x alone).
//   CUDNN_POOLING_MAX_DETERMINISTIC  the same element of each window receives the gradient on
//                                    every run (CUDNN_POOLING_MAX may use atomics)
//   CUDNN_PROPAGATE_NAN              a window holding a NaN outputs NaN, as on the CPU and in
//                                    PyTorch (its payload may differ)
// Ties: cuDNN does not document which of a window's equal maxima receives the gradient, and
// the CPU gives it to the first in row-major order (max_pool2d.h). The rule cuDNN follows is
// to be confirmed on a GPU: the tie test in tests/test_cuda_ops.cpp checks that each window's
// gradient lands whole on one maximal element and reports which one ("cuDNN max-pool ties:").
// Ties are common in the conv model (ReLU zeros all become one value after BatchNorm); why its
// training comparison holds for any tie rule: tests/test_cuda_training.cpp.
// Descriptors are built once per shape and cached, as the convolutions' are (conv2d.cu).
// Tests: test_cuda_ops.cpp (tie-free inputs: the CPU's bits forward and backward; ties; odd sizes).
#include "kernels/cuda_check.h"
#include "kernels/cuda_context.h"
#include "kernels/cudnn_descriptors.h"
#include "kernels/max_pool2d.h"

namespace dae::cuda {

namespace {

struct Pooling {
  explicit Pooling(const PoolShape& s)
      : x(nchw_descriptor(s.batch, s.channels, s.height, s.width)),
        y(nchw_descriptor(s.batch, s.channels, s.out_height(), s.out_width())) {
    const int window = static_cast<int>(PoolShape::kWindow);
    DAE_CUDA_CHECK(cudnnSetPooling2dDescriptor(pooling.get(), CUDNN_POOLING_MAX_DETERMINISTIC, CUDNN_PROPAGATE_NAN,
                                               window, window, 0, 0, window, window));
    // cuDNN sizes the output as 1 + (H - 2) / 2, the same floor as PoolShape: checked, since
    // a disagreement would read or write past y.
    int n = 0, c = 0, h = 0, w = 0;
    DAE_CUDA_CHECK(cudnnGetPooling2dForwardOutputDim(pooling.get(), x.get(), &n, &c, &h, &w));
    DAE_CHECK(h == s.out_height() && w == s.out_width(),
              "max_pool2d: cuDNN makes a " << h << "x" << w << " output of a " << s.height << "x" << s.width
                                           << " input, expected " << s.out_height() << "x" << s.out_width());
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
  if (s.batch * s.channels == 0) return;  // cuDNN rejects an empty tensor descriptor
  const Pooling& p = pooling_for(s);
  DAE_CUDA_CHECK(cudnnPoolingForward(cudnn(), p.pooling.get(), &kAlphaOne, p.x.get(), x, &kBetaZero, p.y.get(), y));
}

void max_pool2d_backward(const float* x, const float* y, const float* dy, float* dx, const PoolShape& s) {
  if (s.batch * s.channels == 0) return;
  const Pooling& p = pooling_for(s);
  DAE_CUDA_CHECK(cudnnPoolingBackward(cudnn(), p.pooling.get(), &kAlphaOne, p.y.get(), y, p.y.get(), dy, p.x.get(), x,
                                      &kBetaZero, p.x.get(), dx));
}

}  // namespace dae::cuda
