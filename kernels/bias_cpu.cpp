// The bias on the CPU (kernels/bias.h), in two layouts: maps of 16 pixels or more (the
// convolutions) one channel at a time along its planes; smaller ones (the linear layers,
// spatial 1) a row of all channels at a time, so that the inner loops run over contiguous
// values either way. Sums run in double, in an order set by the shape alone (16 lanes over
// each plane, or the rows in order), so the gradient is the same bits for any thread count.
// Tests: test_ops_linear.cpp, test_ops_conv.cpp.
#include <vector>

#include "kernels/bias.h"
#include "kernels/cpu_lanes.h"
#include "kernels/cpu_pass_timer.h"
#include "kernels/cpu_runtime.h"

namespace dae::cpu {

namespace {

// Channel c's sum over the batch, in 16 double lanes added in order (cpu_lanes.h).
DAE_CPU_CLONES
double channel_sum(const float* dy, int64_t c, const BiasShape& shape) {
  DoubleLanes sums = {};
  for (int64_t n = 0; n < shape.batch; ++n)
    add_lanes(sums, dy + (n * shape.channels + c) * shape.spatial, shape.spatial);
  return sum_of_lanes(sums);
}

// sums[j] += dy[n][j] over the rows n of dy [batch, width], in row order.
DAE_CPU_CLONES
void column_sums(const float* dy, int64_t batch, int64_t width, double* sums) {
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t j = 0; j < width; ++j) sums[j] += dy[n * width + j];
}

DAE_CPU_CLONES
void add_to_image(float* y, const float* bias, const BiasShape& shape) {
  for (int64_t c = 0; c < shape.channels; ++c)
    for (int64_t s = 0; s < shape.spatial; ++s) y[c * shape.spatial + s] += bias[c];
}

}  // namespace

void bias_forward(float* y, const float* bias, const BiasShape& shape) {
  PassTimer timer("bias");
  const int64_t image = shape.channels * shape.spatial;
  parallel_for(shape.batch, shape.batch * image, [&](int64_t n) { add_to_image(y + n * image, bias, shape); });
}

void bias_backward(const float* dy, float* dbias, const BiasShape& shape) {
  PassTimer timer("bias gradient");
  if (shape.spatial >= kLanes) {
    parallel_for(shape.channels, shape.batch * shape.channels * shape.spatial,
                 [&](int64_t c) { dbias[c] = static_cast<float>(channel_sum(dy, c, shape)); });
    return;
  }
  // Small: one pass over the rows, on one thread (a linear layer's dy is a few hundred KB).
  std::vector<double> sums(static_cast<size_t>(shape.channels * shape.spatial), 0.0);
  column_sums(dy, shape.batch, shape.channels * shape.spatial, sums.data());
  for (int64_t c = 0; c < shape.channels; ++c) {
    double sum = 0.0;
    for (int64_t s = 0; s < shape.spatial; ++s) sum += sums[c * shape.spatial + s];
    dbias[c] = static_cast<float>(sum);
  }
}

}  // namespace dae::cpu
