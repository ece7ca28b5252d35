// The two ways the CPU computes a convolution (kernels/conv2d.h), for conv2d_cpu.cpp to choose
// from by shape. Same arguments and contract as the cpu:: functions of conv2d.h.
#pragma once

#include "kernels/conv2d.h"

namespace dae::cpu {

namespace im2col {  // any geometry: columns + sgemm (conv2d_im2col_cpu.cpp)
void forward(const float* x, const float* weight, float* y, const Conv2dShape& shape);
void backward_input(const float* dy, const float* weight, float* dx, const Conv2dShape& shape);
void backward_weight(const float* dy, const float* x, float* dweight, const Conv2dShape& shape);
}  // namespace im2col

namespace winograd {  // 3x3 kernels, stride 1, padding 0-2: F(4x4, 3x3) (conv2d_winograd_cpu.cpp)
bool applies(const Conv2dShape& shape);
void forward(const float* x, const float* weight, float* y, const Conv2dShape& shape);
void backward_input(const float* dy, const float* weight, float* dx, const Conv2dShape& shape);
void backward_weight(const float* dy, const float* x, float* dweight, const Conv2dShape& shape);
}  // namespace winograd

}  // namespace dae::cpu
