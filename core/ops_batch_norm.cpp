#include "core/autograd.h"
#include "core/dispatch.h"
#include "core/op_checks.h"
#include "core/ops.h"
#include "core/profiler.h"
#include "kernels/batch_norm2d.h"

namespace dae::ops {

Tensor batch_norm2d(const Tensor& x, const Tensor& weight, const Tensor& bias, const Tensor& running_mean,
                    const Tensor& running_var, const BatchNormOptions& options) {
  const char* op = "batch_norm2d";
  detail::check_rank(op, "input", x, 4);
  const Shape channels{x.dim(1)};
  detail::check_shape(op, "weight", weight, channels);
  detail::check_shape(op, "bias", bias, channels);
  detail::check_shape(op, "running_mean", running_mean, channels);
  detail::check_shape(op, "running_var", running_var, channels);
  detail::check_same_device(op, {&x, &weight, &bias, &running_mean, &running_var});
  const BatchNormShape s{x.dim(0), x.dim(1), x.dim(2) * x.dim(3)};
  DAE_CHECK(!options.training || s.batch * s.spatial > 1,
            op << ": training needs more than one value per channel, got input " << x.shape());

  const Device device = x.device();
  const double n = static_cast<double>(x.numel());
  // Training reads x three times (mean, variance, normalize); eval once. Each writes y.
  OpScope scope("batch_norm2d", device, (options.training ? 7 : 4) * n, 4 * n * (options.training ? 4 : 2));
  Tensor y = Tensor::empty(x.shape(), device);
  Tensor mean = Tensor::empty(channels, device), inv_std = Tensor::empty(channels, device);
  const BatchNormStatistics saved{mean.data(), inv_std.data()};
  const auto momentum = static_cast<float>(options.momentum);
  const auto eps = static_cast<float>(options.eps);
  if (options.training) {
    DAE_DISPATCH(device, batch_norm2d_forward_train, x.data(), weight.data(), bias.data(), y.data(), saved,
                 running_mean.data(), running_var.data(), s, momentum, eps);
  } else {
    DAE_DISPATCH(device, batch_norm2d_forward_eval, x.data(), weight.data(), bias.data(), y.data(), saved,
                 running_mean.data(), running_var.data(), s, eps);
  }

  const bool training = options.training;
  record(y, op, {x, weight, bias}, [=](const Tensor& dy) {
    OpScope backward_scope("batch_norm2d.backward", device, 8 * n, 4 * n * 5);  // x, dy twice; dx
    Tensor dx = Tensor::empty(x.shape(), device);
    Tensor dweight = Tensor::empty(weight.shape(), device);
    Tensor dbias = Tensor::empty(bias.shape(), device);
    DAE_DISPATCH(device, batch_norm2d_backward, x.data(), dy.data(), weight.data(),
                 BatchNormStatistics{mean.data(), inv_std.data()}, dx.data(), dweight.data(), dbias.data(), s,
                 training);
    return std::vector<Tensor>{dx, dweight, dbias};
  });
  return y;
}

}  // namespace dae::ops
