#include "kernels/bias.h"
#include "kernels/cpu_lanes.h"
#include "kernels/cpu_pass_timer.h"
#include "kernels/cpu_runtime.h"

namespace dae::cpu {

namespace {

// Channel c's sum over the batch, in 16 double lanes added in order (cpu_lanes.h): vectorized,
// and the same bits on every target and for any thread count.
DAE_CPU_CLONES
double channel_sum(const float* dy, int64_t c, const BiasShape& shape) {
  DoubleLanes sums = {};
  for (int64_t n = 0; n < shape.batch; ++n) add_lanes(sums, dy + (n * shape.channels + c) * shape.spatial, shape.spatial);
  return sum_of_lanes(sums);
}

}  // namespace

void bias_forward(float* y, const float* bias, const BiasShape& shape) {
  PassTimer timer("bias");
  const int64_t rows = shape.batch * shape.channels;
  parallel_for(rows, rows * shape.spatial, [&](int64_t row) {
    const float b = bias[row % shape.channels];
    float* out = y + row * shape.spatial;
    for (int64_t s = 0; s < shape.spatial; ++s) out[s] += b;
  });
}

// One thread per channel.
void bias_backward(const float* dy, float* dbias, const BiasShape& shape) {
  PassTimer timer("bias gradient");
  parallel_for(shape.channels, shape.batch * shape.channels * shape.spatial,
               [&](int64_t c) { dbias[c] = static_cast<float>(channel_sum(dy, c, shape)); });
}

}  // namespace dae::cpu
