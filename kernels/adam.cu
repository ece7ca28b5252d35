// Adam, PyTorch's torch.optim.Adam update (adam.h: adam_update) on every parameter at once:
// the optimizer keeps parameters, gradients and both moments in flat buffers of n floats.
// The step's scalars are computed on the host (adam_step_scalars) and passed by value.
// Launch: one thread per element (cuda_launch.cuh).
// nvcc may fuse the moment updates into fmas, so results agree with the CPU to about 1e-6.
// Test: tests/test_cuda_ops.cpp.
#include "kernels/adam.h"
#include "kernels/cuda_launch.cuh"

namespace dae::cuda {

namespace {

__global__ void adam_step_kernel(float* params, const float* grads, float* exp_avg, float* exp_avg_sq,
                                 int64_t n, AdamStepScalars scalars) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) adam_update(params[i], grads[i], exp_avg[i], exp_avg_sq[i], scalars);
}

}  // namespace

void adam_step(float* params, const float* grads, float* exp_avg, float* exp_avg_sq, int64_t n,
               const AdamStepScalars& scalars) {
  launch_for(n, adam_step_kernel, params, grads, exp_avg, exp_avg_sq, n, scalars);
}

}  // namespace dae::cuda
