#include "kernels/adam.h"
#include "kernels/cpu_runtime.h"

namespace dae::cpu {

void adam_step(float* params, const float* grads, float* exp_avg, float* exp_avg_sq, int64_t n,
               const AdamHyperparameters& hyperparameters, AdamStepState* state) {
  advance_adam_step(hyperparameters, *state);
  const AdamStepScalars scalars = state->scalars;
  parallel_for_blocks(n, kParallelBlock, [&](int64_t begin, int64_t end) {
#pragma omp simd
    for (int64_t i = begin; i < end; ++i) adam_update(params[i], grads[i], exp_avg[i], exp_avg_sq[i], scalars);
  });
}

}  // namespace dae::cpu
