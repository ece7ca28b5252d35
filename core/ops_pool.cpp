#include "core/autograd.h"
#include "core/dispatch.h"
#include "core/op_checks.h"
#include "core/ops.h"
#include "core/profiler.h"
#include "kernels/max_pool2d.h"

namespace dae::ops {

Tensor max_pool2d(const Tensor& x) {
  detail::check_rank("max_pool2d", "input", x, 4);
  const PoolShape s{x.dim(0), x.dim(1), x.dim(2), x.dim(3)};
  DAE_CHECK(s.out_height() > 0 && s.out_width() > 0,
            "max_pool2d: input " << x.shape() << " is smaller than the 2x2 window");
  const Device device = x.device();
  const double n = static_cast<double>(x.numel());
  OpScope scope("max_pool2d", device, n, 4 * (n + n / 4));
  Tensor y = Tensor::empty({s.batch, s.channels, s.out_height(), s.out_width()}, device);
  DAE_DISPATCH(device, max_pool2d_forward, x.data(), y.data(), s);

  // cuDNN's backward (CUDA) finds each window's maximum from x and y; the CPU's finds it from
  // x alone and ignores y. Kept for both: a view of y, no copy.
  const Tensor saved_y = y.detach();
  record(y, "max_pool2d", {x}, [=](const Tensor& dy) {
    OpScope backward_scope("max_pool2d.backward", device, n, 4 * (2 * n + n / 2));
    Tensor dx = Tensor::empty(x.shape(), device);
    DAE_DISPATCH(device, max_pool2d_backward, x.data(), saved_y.data(), dy.data(), dx.data(), s);
    return std::vector<Tensor>{dx};
  });
  return y;
}

}  // namespace dae::ops
