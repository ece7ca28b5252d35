#include "kernels/adam.h"
#include "kernels/cpu_runtime.h"

namespace dae::cpu {

void adam_step(float* params, const float* grads, float* exp_avg, float* exp_avg_sq, int64_t n,
               const AdamHyperparameters& hyperparameters, AdamStepState* state) {
  advance_adam_step(hyperparameters, *state);
  const AdamStepScalars scalars = state->scalars;
#pragma omp parallel for simd schedule(static) if (n >= kParallelMinElements)
  for (int64_t i = 0; i < n; ++i) adam_update(params[i], grads[i], exp_avg[i], exp_avg_sq[i], scalars);
}

}  // namespace dae::cpu
