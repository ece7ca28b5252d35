#include "layers/batch_norm2d.h"

#include "core/autograd.h"
#include "core/ops.h"

namespace dae {

BatchNorm2d::BatchNorm2d(int64_t channels) {
  weight_ = register_parameter("weight", Tensor::full({channels}, 1.0f));
  bias_ = register_parameter("bias", Tensor::zeros({channels}));
  running_mean_ = register_buffer("running_mean", Tensor::zeros({channels}));
  running_var_ = register_buffer("running_var", Tensor::full({channels}, 1.0f));
  register_counter("num_batches_tracked", &num_batches_tracked_);
}

Tensor BatchNorm2d::forward(const Tensor& x) {
  ops::BatchNormOptions options;
  options.training = is_training();
  if (options.training) ++num_batches_tracked_;
  return ops::batch_norm2d(x, weight_, bias_, running_mean_, running_var_, options);
}

}  // namespace dae
