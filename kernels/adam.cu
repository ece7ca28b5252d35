// Adam, PyTorch's torch.optim.Adam update (adam.h: adam_update) on every parameter at once:
// the optimizer keeps parameters, gradients and both moments in flat buffers of n floats.
// Two launches: one thread advances the step count in device memory and derives the step's
// scalars there (adam.h: advance_adam_step), then one thread per element updates, reading the
// scalars from device memory. Nothing of the step is passed by value, so a captured training
// step (CUDA graph) replays with the right bias corrections at every step.
// nvcc may fuse the moment updates into fmas, so results agree with the CPU to about 1e-6.
// Test: tests/test_cuda_ops.cpp.
#include "kernels/adam.h"
#include "kernels/cuda_launch.cuh"

namespace dae::cuda {

namespace {

// One block (launch() gives it kThreadsPerBlock threads): thread 0 alone advances the count.
__global__ void advance_step_kernel(AdamHyperparameters hyperparameters, AdamStepState* state) {
  if (threadIdx.x == 0) advance_adam_step(hyperparameters, *state);
}

__global__ void adam_step_kernel(float* params, const float* grads, float* exp_avg, float* exp_avg_sq, int64_t n,
                                 const AdamStepState* state) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) adam_update(params[i], grads[i], exp_avg[i], exp_avg_sq[i], state->scalars);
}

}  // namespace

void adam_step(float* params, const float* grads, float* exp_avg, float* exp_avg_sq, int64_t n,
               const AdamHyperparameters& hyperparameters, AdamStepState* state) {
  launch(advance_step_kernel, dim3(1), hyperparameters, state);
  launch_for(n, adam_step_kernel, params, grads, exp_avg, exp_avg_sq, n, state);
}

}  // namespace dae::cuda
