#include "core/autograd.h"
#include "core/dispatch.h"
#include "core/op_checks.h"
#include "core/ops.h"
#include "core/profiler.h"
#include "kernels/bias.h"
#include "kernels/linear.h"

namespace dae::ops {

using detail::wants_grad;

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  detail::check_rank("linear", "input", x, 2);
  detail::check_rank("linear", "weight", weight, 2);
  DAE_CHECK(x.dim(1) == weight.dim(1), "linear: input " << x.shape() << " does not match weight " << weight.shape()
                                                        << " (in_features " << weight.dim(1) << ")");
  if (bias.defined()) detail::check_shape("linear", "bias", bias, Shape{weight.dim(0)});
  detail::check_same_device("linear", {&x, &weight, &bias});

  const Device device = x.device();
  const LinearShape s{x.dim(0), x.dim(1), weight.dim(0)};
  const BiasShape bias_shape{s.batch, s.out_features, 1};
  const double macs = static_cast<double>(s.batch * s.in_features * s.out_features);
  const double x_bytes = 4.0 * static_cast<double>(x.numel()), w_bytes = 4.0 * static_cast<double>(weight.numel());
  const double y_bytes = 4.0 * static_cast<double>(s.batch * s.out_features);
  OpScope scope("linear", device, 2 * macs, x_bytes + w_bytes + y_bytes);
  Tensor y = Tensor::empty({s.batch, s.out_features}, device);
  DAE_DISPATCH(device, linear_forward, x.data(), weight.data(), y.data(), s);
  if (bias.defined()) DAE_DISPATCH(device, bias_forward, y.data(), bias.data(), bias_shape);

  record(y, "linear", {x, weight, bias}, [=](const Tensor& dy) {
    const double products = (wants_grad(x) ? 1 : 0) + (wants_grad(weight) ? 1 : 0);
    OpScope backward_scope("linear.backward", device, 2 * macs * products, 2 * (x_bytes + w_bytes) + 2 * y_bytes);
    Tensor dx, dweight, dbias;
    if (wants_grad(x)) {
      dx = Tensor::empty(x.shape(), device);
      DAE_DISPATCH(device, linear_backward_input, dy.data(), weight.data(), dx.data(), s);
    }
    if (wants_grad(weight)) {
      dweight = Tensor::empty(weight.shape(), device);
      DAE_DISPATCH(device, linear_backward_weight, dy.data(), x.data(), dweight.data(), s);
    }
    if (wants_grad(bias)) {
      dbias = Tensor::empty(bias.shape(), device);
      DAE_DISPATCH(device, bias_backward, dy.data(), dbias.data(), bias_shape);
    }
    return std::vector<Tensor>{dx, dweight, dbias};
  });
  return y;
}

}  // namespace dae::ops
