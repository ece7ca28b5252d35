#include <algorithm>

#include "kernels/cpu_runtime.h"
#include "kernels/max_pool2d.h"

namespace dae::cpu {

void max_pool2d_forward(const float* x, float* y, const PoolShape& s) {
  const int64_t planes = s.batch * s.channels, Ho = s.out_height(), Wo = s.out_width();
#pragma omp parallel for schedule(static) if (planes * s.height * s.width >= kParallelMinElements)
  for (int64_t p = 0; p < planes; ++p) {
    const float* plane = x + p * s.height * s.width;
    float* out = y + p * Ho * Wo;
    for (int64_t oy = 0; oy < Ho; ++oy)
      for (int64_t ox = 0; ox < Wo; ++ox) out[oy * Wo + ox] = plane[pool_window_argmax(plane, s.width, oy, ox)];
  }
}

void max_pool2d_backward(const float* x, const float* /*y*/, const float* dy, float* dx,
                         const PoolShape& s) {
  const int64_t planes = s.batch * s.channels, Ho = s.out_height(), Wo = s.out_width();
#pragma omp parallel for schedule(static) if (planes * s.height * s.width >= kParallelMinElements)
  for (int64_t p = 0; p < planes; ++p) {
    const float* plane = x + p * s.height * s.width;
    const float* grad_out = dy + p * Ho * Wo;
    float* grad_in = dx + p * s.height * s.width;
    std::fill(grad_in, grad_in + s.height * s.width, 0.0f);
    for (int64_t oy = 0; oy < Ho; ++oy)
      for (int64_t ox = 0; ox < Wo; ++ox)
        grad_in[pool_window_argmax(plane, s.width, oy, ox)] = grad_out[oy * Wo + ox];
  }
}

}  // namespace dae::cpu
