#include "kernels/bias.h"
#include "kernels/cpu_pass_timer.h"
#include "kernels/cpu_runtime.h"

namespace dae::cpu {

void bias_forward(float* y, const float* bias, const BiasShape& shape) {
  PassTimer timer("bias");
  const int64_t rows = shape.batch * shape.channels;
#pragma omp parallel for schedule(static) if (rows * shape.spatial >= kParallelMinElements)
  for (int64_t row = 0; row < rows; ++row) {
    const float b = bias[row % shape.channels];
    float* out = y + row * shape.spatial;
    for (int64_t s = 0; s < shape.spatial; ++s) out[s] += b;
  }
}

// One thread per channel, summing in a fixed order: the same result for any thread count.
void bias_backward(const float* dy, float* dbias, const BiasShape& shape) {
  PassTimer timer("bias gradient");
#pragma omp parallel for schedule(static) if (shape.batch * shape.channels * shape.spatial >= kParallelMinElements)
  for (int64_t c = 0; c < shape.channels; ++c) {
    double sum = 0.0;
    for (int64_t n = 0; n < shape.batch; ++n) {
      const float* in = dy + (n * shape.channels + c) * shape.spatial;
      for (int64_t s = 0; s < shape.spatial; ++s) sum += in[s];
    }
    dbias[c] = static_cast<float>(sum);
  }
}

}  // namespace dae::cpu
