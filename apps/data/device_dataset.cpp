#include "apps/data/device_dataset.h"

#include <numeric>

#include "core/error.h"

namespace dae {

DeviceDataset::DeviceDataset(const MnistSplit& split, int64_t limit, Device device)
    : count_(limit > 0 && limit < split.count ? limit : split.count),
      pixels_(static_cast<int64_t>(split.rows) * split.cols),
      images_(std::make_shared<Storage>(device, static_cast<size_t>(count_ * pixels_))),
      labels_(split.labels.begin(), split.labels.begin() + count_) {
  DAE_CHECK(count_ > 0, "a data split with no images (nothing to train or evaluate on)");
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

Tensor DeviceDataset::images(int64_t first, int64_t count) const {
  DAE_CHECK(first >= 0 && count > 0 && first + count <= count_,
            "images [" << first << ", " << first + count << ") of a split of " << count_);
  std::vector<int32_t> order(static_cast<size_t>(count));
  std::iota(order.begin(), order.end(), static_cast<int32_t>(first));
  // Noise of std 0 adds exactly 0: the batch's noisy half is the clean image again.
  return batch(*upload_order(order), 0, count, NoiseParams{0, 0, 0.0f}).clean;
}

std::vector<int32_t> identity_order(int64_t count) {
  std::vector<int32_t> order(static_cast<size_t>(count));
  std::iota(order.begin(), order.end(), 0);
  return order;
}

}  // namespace dae
