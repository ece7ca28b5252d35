#include "apps/device_dataset.h"

#include <numeric>

#include "core/error.h"

namespace dae {

DeviceDataset::DeviceDataset(const MnistSplit& split, int64_t limit, Device device)
    : count_(limit > 0 && limit < split.count ? limit : split.count),
      pixels_(static_cast<int64_t>(split.rows) * split.cols),
      images_(std::make_shared<Storage>(device, static_cast<size_t>(count_ * pixels_))),
      labels_(split.labels.begin(), split.labels.begin() + count_) {
  copy_bytes(images_->data(), device, split.images.data(), Device::CPU, images_->bytes());
}

std::shared_ptr<Storage> DeviceDataset::upload_order(const std::vector<int32_t>& order) const {
  auto storage = std::make_shared<Storage>(device(), order.size() * sizeof(int32_t));
  copy_bytes(storage->data(), device(), order.data(), Device::CPU, storage->bytes());
  return storage;
}

ops::NoisyBatch DeviceDataset::batch(const Storage& order, int64_t first, int64_t size,
                                     const NoiseParams& noise) const {
  return ops::gather_noisy_batch(*images_, pixels_, order, first, size, noise);
}

std::vector<int32_t> identity_order(int64_t count) {
  std::vector<int32_t> order(static_cast<size_t>(count));
  std::iota(order.begin(), order.end(), 0);
  return order;
}

}  // namespace dae
