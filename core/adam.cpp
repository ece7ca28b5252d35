#include "core/adam.h"

#include "core/dispatch.h"
#include "core/error.h"
#include "core/profiler.h"
#include "kernels/accumulate.h"

namespace dae {

Adam::Adam(std::vector<Tensor> parameters, const AdamHyperparameters& hyperparameters)
    : parameters_(std::move(parameters)), hyperparameters_(hyperparameters) {
  DAE_CHECK(!parameters_.empty(), "Adam: no parameters to optimize");
  DAE_CHECK(hyperparameters.lr >= 0 && hyperparameters.eps >= 0 && hyperparameters.beta1 >= 0 &&
                hyperparameters.beta1 < 1 && hyperparameters.beta2 >= 0 && hyperparameters.beta2 < 1,
            "Adam: invalid hyperparameters (lr " << hyperparameters.lr << ", betas " << hyperparameters.beta1 << ", "
                                                 << hyperparameters.beta2 << ", eps " << hyperparameters.eps << ")");
  const Device device = parameters_.front().device();
  int64_t total = 0;
  for (const Tensor& p : parameters_) {
    DAE_CHECK(p.device() == device, "Adam: parameters on different devices");
    offsets_.push_back(total);
    total += (p.numel() + kAlignmentFloats - 1) / kAlignmentFloats * kAlignmentFloats;
  }
  // Zeros in the gaps too: the update runs over them (gradient 0, so they stay 0).
  flat_params_ = Tensor::zeros({total}, device);
  state_ = std::make_shared<Storage>(device, sizeof(AdamStepState));
  set_step_count(0);
  flat_grads_ = Tensor::zeros({total}, device);
  exp_avg_ = Tensor::zeros({total}, device);
  exp_avg_sq_ = Tensor::zeros({total}, device);
  for (size_t i = 0; i < parameters_.size(); ++i) {
    const Tensor home = segment_of(flat_params_, i);
    home.copy_from(parameters_[i]);
    parameters_[i].set_data(home);
    parameters_[i].set_grad(segment_of(flat_grads_, i));
    // The device allocator returns 256-byte aligned blocks; the CPU's, 64-byte aligned ones.
    const auto address = reinterpret_cast<uintptr_t>(home.data());
    DAE_CHECK(device != Device::CUDA || address % kAlignmentBytes == 0,
              "Adam: parameter " << i << " " << home.shape() << " starts at " << address % kAlignmentBytes
                                 << " bytes past a " << kAlignmentBytes << "-byte boundary");
  }
}

Tensor Adam::segment_of(const Tensor& flat, size_t i) const {
  return flat.segment(offsets_[i], parameters_[i].shape());
}

Tensor Adam::exp_avg(size_t i) const { return segment_of(exp_avg_, i); }
Tensor Adam::exp_avg_sq(size_t i) const { return segment_of(exp_avg_sq_, i); }

void Adam::zero_grad() {
  OpScope scope("adam.zero_grad", flat_grads_.device(), 0, 4.0 * static_cast<double>(flat_grads_.numel()));
  DAE_DISPATCH(flat_grads_.device(), fill, flat_grads_.data(), 0.0f, flat_grads_.numel());
}

void Adam::step() {
  // Reads parameter, gradient and both moments, writes parameter and moments: 28 bytes each.
  OpScope scope("adam.step", flat_params_.device(), 12.0 * static_cast<double>(flat_params_.numel()),
                28.0 * static_cast<double>(flat_params_.numel()));
  DAE_DISPATCH(flat_params_.device(), adam_step, flat_params_.data(), flat_grads_.data(), exp_avg_.data(),
               exp_avg_sq_.data(), flat_params_.numel(), hyperparameters_, state());
}

int64_t Adam::step_count() const {
  AdamStepState host{};
  copy_bytes(&host, Device::CPU, state(), state_->device(), sizeof host);
  return host.step;
}

void Adam::set_step_count(int64_t steps) {
  DAE_CHECK(steps >= 0, "Adam: step count " << steps << " is negative");
  const AdamStepState host{steps, AdamStepScalars{}};  // step() derives the next step's scalars
  copy_bytes(state(), state_->device(), &host, Device::CPU, sizeof host);
}

const int64_t* Adam::device_step_count() const { return &state()->step; }

}  // namespace dae
