// relu, mse_loss, reshape and noise: the ops that touch each element once.
#include "core/autograd.h"
#include "core/dispatch.h"
#include "core/op_checks.h"
#include "core/ops.h"
#include "core/profiler.h"
#include "kernels/mse_loss.h"
#include "kernels/noise.h"
#include "kernels/relu.h"

namespace dae::ops {

Tensor relu(const Tensor& x) {
  DAE_CHECK(x.defined(), "relu: input is undefined");
  const Device device = x.device();
  const double n = static_cast<double>(x.numel());
  OpScope scope("relu", device, n, 8 * n);
  Tensor y = Tensor::empty(x.shape(), device);
  DAE_DISPATCH(device, relu_forward, x.data(), y.data(), x.numel());
  const Tensor saved_y = y.detach();
  record(y, "relu", {x}, [=](const Tensor& dy) {
    OpScope backward_scope("relu.backward", device, n, 12 * n);
    Tensor dx = Tensor::empty(dy.shape(), device);
    DAE_DISPATCH(device, relu_backward, saved_y.data(), dy.data(), dx.data(), dx.numel());
    return std::vector<Tensor>{dx};
  });
  return y;
}

Tensor mse_loss(const Tensor& prediction, const Tensor& target) {
  DAE_CHECK(prediction.defined() && target.defined(), "mse_loss: undefined input");
  DAE_CHECK(prediction.shape() == target.shape(),
            "mse_loss: prediction " << prediction.shape() << " and target " << target.shape() << " differ");
  DAE_CHECK(!target.requires_grad(), "mse_loss: the target must not require grad (it is data)");
  detail::check_same_device("mse_loss", {&prediction, &target});
  const Device device = prediction.device();
  const double n = static_cast<double>(prediction.numel());
  OpScope scope("mse_loss", device, 3 * n, 8 * n);
  Tensor loss = Tensor::empty(Shape{}, device);
  DAE_DISPATCH(device, mse_loss_forward, prediction.data(), target.data(), prediction.numel(), loss.data());
  record(loss, "mse_loss", {prediction}, [=](const Tensor& grad_loss) {
    OpScope backward_scope("mse_loss.backward", device, 3 * n, 12 * n);
    Tensor dprediction = Tensor::empty(prediction.shape(), device);
    DAE_DISPATCH(device, mse_loss_backward, prediction.data(), target.data(), grad_loss.data(), dprediction.data(),
                 prediction.numel());
    return std::vector<Tensor>{dprediction};
  });
  return loss;
}

Tensor reshape(const Tensor& x, const Shape& shape) {
  Tensor y = x.view(shape);
  const Shape input_shape = x.shape();
  record(y, "reshape", {x}, [=](const Tensor& dy) { return std::vector<Tensor>{dy.view(input_shape)}; });
  return y;
}

Tensor add_gaussian_noise(const Tensor& x, const NoiseParams& noise) {
  DAE_CHECK(x.defined(), "add_gaussian_noise: input is undefined");
  // The generator's integer and transcendental work is not counted as FLOPs.
  OpScope scope("add_gaussian_noise", x.device(), static_cast<double>(x.numel()), 8.0 * static_cast<double>(x.numel()));
  Tensor y = Tensor::empty(x.shape(), x.device());
  DAE_DISPATCH(x.device(), add_gaussian_noise, x.data(), y.data(), x.numel(), noise);
  return y;
}

}  // namespace dae::ops
