#include "kernels/cpu_runtime.h"
#include "kernels/mse_loss.h"

#include <vector>

namespace dae::cpu {

// Fixed-size blocks summed in order: the result is the same for any thread count.
constexpr int64_t kBlock = 4096;

void mse_loss_forward(const float* prediction, const float* target, int64_t n, float* loss) {
  const int64_t blocks = (n + kBlock - 1) / kBlock;
  std::vector<double> partial(static_cast<size_t>(blocks), 0.0);
  parallel_for_blocks(n, kBlock, [&](int64_t begin, int64_t end) {
    double sum = 0.0;
    for (int64_t i = begin; i < end; ++i) sum += squared_error(prediction[i], target[i]);
    partial[static_cast<size_t>(begin / kBlock)] = sum;
  });
  double total = 0.0;
  for (double p : partial) total += p;
  *loss = static_cast<float>(total / static_cast<double>(n));
}

void mse_loss_backward(const float* prediction, const float* target, const float* grad_loss, float* grad_prediction,
                       int64_t n) {
  const float scale = mse_gradient_scale(*grad_loss, n);
  parallel_for_blocks(n, kParallelBlock, [&](int64_t begin, int64_t end) {
#pragma omp simd
    for (int64_t i = begin; i < end; ++i) grad_prediction[i] = mse_gradient(prediction[i], target[i], scale);
  });
}

}  // namespace dae::cpu
