// Convolution on the CPU, by shape: the stride-1 3x3 layers (all but two of the conv model's
// nine, in all three passes) with Winograd's F(4x4, 3x3), which needs 2.25-4x fewer
// multiplications; every other geometry (strides, other kernel sizes) as im2col + sgemm.
// Tests: test_ops_conv.cpp (both lowerings, against double-precision references).
#include "kernels/conv2d.h"
#include "kernels/conv2d_cpu_lowerings.h"

namespace dae::cpu {

void conv2d_forward(const float* x, const float* weight, float* y, const Conv2dShape& s) {
  winograd::applies(s) ? winograd::forward(x, weight, y, s) : im2col::forward(x, weight, y, s);
}

void conv2d_backward_input(const float* dy, const float* weight, float* dx, const Conv2dShape& s) {
  winograd::applies(s) ? winograd::backward_input(dy, weight, dx, s) : im2col::backward_input(dy, weight, dx, s);
}

void conv2d_backward_weight(const float* dy, const float* x, float* dweight, const Conv2dShape& s) {
  winograd::applies(s) ? winograd::backward_weight(dy, x, dweight, s) : im2col::backward_weight(dy, x, dweight, s);
}

}  // namespace dae::cpu
