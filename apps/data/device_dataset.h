// One split of MNIST where the training runs: the images stay uint8 (1 byte a pixel, 47 MB
// for the training set) in the device's memory, and every batch is assembled there by one
// kernel (ops::gather_noisy_batch): no per-step host-to-device copy.
#pragma once

#include <memory>
#include <vector>

#include "apps/data/mnist.h"
#include "core/ops.h"
#include "core/storage.h"

namespace dae {

class DeviceDataset {
 public:
  // The first `limit` examples of `split` (all of them when limit is 0).
  DeviceDataset(const MnistSplit& split, int64_t limit, Device device);

  int64_t count() const { return count_; }
  int64_t pixels() const { return pixels_; }
  Device device() const { return images_->device(); }
  const std::vector<uint8_t>& labels() const { return labels_; }

  // An example order (int32 indices) uploaded to the device, used by batch().
  std::shared_ptr<Storage> upload_order(const std::vector<int32_t>& order) const;
  ops::NoisyBatch batch(const Storage& order, int64_t first, int64_t size, const NoiseParams& noise) const;
  // The clean images [first, first + count), in order: [count, pixels].
  Tensor images(int64_t first, int64_t count) const;

 private:
  int64_t count_, pixels_;
  std::shared_ptr<Storage> images_;
  std::vector<uint8_t> labels_;
};

// 0, 1, ..., count-1.
std::vector<int32_t> identity_order(int64_t count);

}  // namespace dae
