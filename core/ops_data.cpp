#include "core/dispatch.h"
#include "core/error.h"
#include "core/ops.h"
#include "core/profiler.h"
#include "kernels/batch_gather.h"

namespace dae::ops {

NoisyBatch gather_noisy_batch(const Storage& images, int64_t pixels, const Storage& order, int64_t first, int64_t batch,
                              const NoiseParams& noise) {
  const int64_t order_count = static_cast<int64_t>(order.bytes() / sizeof(int32_t));
  DAE_CHECK(images.device() == order.device(),
            "gather_noisy_batch: images on " << images.device() << ", order on " << order.device());
  DAE_CHECK(pixels > 0 && batch > 0 && first >= 0 && first + batch <= order_count,
            "gather_noisy_batch: examples [" << first << ", " << first + batch << ") of an order of " << order_count);
  const Device device = images.device();
  // 1 byte read and 8 written per pixel; the generator's work is not counted as FLOPs.
  OpScope scope("gather_noisy_batch", device, static_cast<double>(batch * pixels),
                9.0 * static_cast<double>(batch * pixels));
  NoisyBatch result{Tensor::empty({batch, pixels}, device), Tensor::empty({batch, pixels}, device)};
  DAE_DISPATCH(device, gather_noisy_batch, static_cast<const uint8_t*>(images.data()),
               static_cast<const int32_t*>(order.data()) + first, result.clean.data(), result.noisy.data(),
               GatherShape{batch, pixels}, noise);
  return result;
}

}  // namespace dae::ops
