// Adam (Kingma & Ba), exactly as PyTorch's torch.optim.Adam computes it (amsgrad off, no
// weight decay), for step t = 1, 2, ...:
//   m = beta1 m + (1 - beta1) g
//   v = beta2 v + (1 - beta2) g^2
//   p = p - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
// eps is added AFTER the square root and the bias corrections are folded into the step size,
// as in PyTorch (not the paper's m_hat / (sqrt(v_hat) + eps) rearranged differently).
// The per-step scalars are computed once per step in double, like PyTorch's Python floats, from
// the step count t held with the optimizer's buffers (AdamStepState, in the device's memory):
// adam_step advances t and derives the scalars where the update runs, so that a training step
// captured as a CUDA graph (core/captured_step.h) replays with the next t every time.
// One call updates every parameter: the optimizer keeps them in one flat buffer.
// Tests: test_adam.cpp, test_cuda_ops.cpp.
#pragma once

#include <cmath>
#include <cstdint>

#include "kernels/host_device.h"

namespace dae {

struct AdamHyperparameters {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
};

struct AdamStepScalars {
  float beta1, beta2;
  float one_minus_beta1, one_minus_beta2;
  float step_size;              // lr / (1 - beta1^t)
  float bias_correction2_sqrt;  // sqrt(1 - beta2^t)
  float eps;
};

// The same formula on both backends; pow is correctly rounded on the host (glibc) and within
// 2 ulp in double on the GPU, far below the float rounding that follows.
DAE_HOST_DEVICE AdamStepScalars adam_step_scalars(const AdamHyperparameters& h, int64_t step) {
  const double t = static_cast<double>(step);
  AdamStepScalars s;
  s.beta1 = static_cast<float>(h.beta1);
  s.beta2 = static_cast<float>(h.beta2);
  s.one_minus_beta1 = static_cast<float>(1.0 - h.beta1);
  s.one_minus_beta2 = static_cast<float>(1.0 - h.beta2);
  s.step_size = static_cast<float>(h.lr / (1.0 - pow(h.beta1, t)));
  s.bias_correction2_sqrt = static_cast<float>(sqrt(1.0 - pow(h.beta2, t)));
  s.eps = static_cast<float>(h.eps);
  return s;
}

// The optimizer's step count and the scalars of the step it counts, kept where the parameters
// are (host memory on the CPU, device memory on the GPU). step = the number of updates done.
struct AdamStepState {
  int64_t step;
  AdamStepScalars scalars;
};

// ++state.step, then state.scalars = adam_step_scalars(h, state.step): the first half of a step.
DAE_HOST_DEVICE void advance_adam_step(const AdamHyperparameters& h, AdamStepState& state) {
  state.step += 1;
  state.scalars = adam_step_scalars(h, state.step);
}

DAE_HOST_DEVICE void adam_update(float& param, float grad, float& exp_avg, float& exp_avg_sq,
                                 const AdamStepScalars& s) {
  exp_avg = exp_avg * s.beta1 + grad * s.one_minus_beta1;
  exp_avg_sq = exp_avg_sq * s.beta2 + s.one_minus_beta2 * grad * grad;
  const float denominator = sqrtf(exp_avg_sq) / s.bias_correction2_sqrt + s.eps;
  param = param - s.step_size * (exp_avg / denominator);
}

// Advances *state (in the memory of the backend that runs) and updates all n parameters with
// the new step's scalars.
namespace cpu {
void adam_step(float* params, const float* grads, float* exp_avg, float* exp_avg_sq, int64_t n,
               const AdamHyperparameters& hyperparameters, AdamStepState* state);
}  // namespace cpu

namespace cuda {
void adam_step(float* params, const float* grads, float* exp_avg, float* exp_avg_sq, int64_t n,
               const AdamHyperparameters& hyperparameters, AdamStepState* state);
}  // namespace cuda

}  // namespace dae
