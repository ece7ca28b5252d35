// 2x2 max pooling on the CPU (kernels/max_pool2d.h), one output row at a time: the window's
// four values are compared in pool_window_argmax's order with pool_takes_over, written as
// selects so that the loop over a row vectorizes. The backward writes every input pixel of
// each window once (the gradient at the maximum, 0 at the other three), so dx needs no
// separate zeroing pass; only an odd last row or column, outside every window, is zeroed.
// Tests: test_ops_pool.cpp.
#include <algorithm>

#include "kernels/cpu_runtime.h"
#include "kernels/max_pool2d.h"

namespace dae::cpu {

namespace {

DAE_CPU_CLONES
void forward_plane(const float* plane, float* out, const PoolShape& s) {
  const int64_t W = s.width, Ho = s.out_height(), Wo = s.out_width();
  for (int64_t oy = 0; oy < Ho; ++oy) {
    const float* top = plane + 2 * oy * W;
    const float* bottom = top + W;
    for (int64_t ox = 0; ox < Wo; ++ox) {
      float best = top[2 * ox];
      best = pool_takes_over(top[2 * ox + 1], best) ? top[2 * ox + 1] : best;
      best = pool_takes_over(bottom[2 * ox], best) ? bottom[2 * ox] : best;
      best = pool_takes_over(bottom[2 * ox + 1], best) ? bottom[2 * ox + 1] : best;
      out[oy * Wo + ox] = best;
    }
  }
}

DAE_CPU_CLONES
void backward_plane(const float* __restrict plane, const float* __restrict grad_out, float* __restrict grad_in,
                    const PoolShape& s) {
  const int64_t W = s.width, Ho = s.out_height(), Wo = s.out_width();
  for (int64_t oy = 0; oy < Ho; ++oy) {
    const float* top = plane + 2 * oy * W;
    const float* bottom = top + W;
    float* grad_top = grad_in + 2 * oy * W;
    float* grad_bottom = grad_top + W;
    for (int64_t ox = 0; ox < Wo; ++ox) {
      const float a = top[2 * ox], b = top[2 * ox + 1], c = bottom[2 * ox], d = bottom[2 * ox + 1];
      const bool b_wins = pool_takes_over(b, a);
      const float best_ab = b_wins ? b : a;
      const bool c_wins = pool_takes_over(c, best_ab);
      const bool d_wins = pool_takes_over(d, c_wins ? c : best_ab);
      // The gradient goes to the last pixel that took over; `rest` is what the earlier ones
      // may still get.
      const float g = grad_out[oy * Wo + ox];
      grad_bottom[2 * ox + 1] = d_wins ? g : 0.0f;
      float rest = d_wins ? 0.0f : g;
      grad_bottom[2 * ox] = c_wins ? rest : 0.0f;
      rest = c_wins ? 0.0f : rest;
      grad_top[2 * ox + 1] = b_wins ? rest : 0.0f;
      grad_top[2 * ox] = b_wins ? 0.0f : rest;
    }
    if (W % 2) grad_top[W - 1] = grad_bottom[W - 1] = 0.0f;
  }
  if (s.height % 2) std::fill(grad_in + (s.height - 1) * W, grad_in + s.height * W, 0.0f);
}

}  // namespace

void max_pool2d_forward(const float* x, float* y, const PoolShape& s) {
  const int64_t planes = s.batch * s.channels;
  parallel_for(planes, planes * s.height * s.width, [&](int64_t p) {
    forward_plane(x + p * s.height * s.width, y + p * s.out_height() * s.out_width(), s);
  });
}

void max_pool2d_backward(const float* x, const float* /*y*/, const float* dy, float* dx, const PoolShape& s) {
  const int64_t planes = s.batch * s.channels;
  parallel_for(planes, planes * s.height * s.width, [&](int64_t p) {
    backward_plane(x + p * s.height * s.width, dy + p * s.out_height() * s.out_width(), dx + p * s.height * s.width, s);
  });
}

}  // namespace dae::cpu
