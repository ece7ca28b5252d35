// Training runs for the tests: on a few synthetic images (no data set needed), or on the
// first images of real MNIST in data/mnist (tests tagged [dataset]).
#pragma once

#include <memory>
#include <string>

#include "apps/data/mnist.h"
#include "apps/data/random_images.h"
#include "apps/training/training_run.h"
#include "core/random.h"

namespace dae::test {

// `count` random images on the CPU.
inline std::shared_ptr<const DeviceDataset> synthetic_split(int64_t count, uint64_t seed) {
  Generator generator(seed);
  return std::make_shared<const DeviceDataset>(random_images(count, generator), 0, Device::CPU);
}

// A run on 16 synthetic training and 8 test images, batch 8.
inline TrainingRun small_run(const std::string& model, double lr = 1e-3) {
  TrainingConfig config;
  config.model = model;
  config.batch_size = 8;
  config.lr = lr;
  return TrainingRun(config, synthetic_split(16, 1), synthetic_split(8, 2));
}

// Real MNIST, read once.
inline const MnistData& mnist() {
  static const MnistData data = load_mnist(DAE_MNIST_DIR);
  return data;
}

// A run on the first `train_limit` training and `test_limit` test images of MNIST, on the CPU.
inline TrainingRun make_run(const TrainingConfig& config, int64_t train_limit, int64_t test_limit) {
  return TrainingRun(config, std::make_shared<const DeviceDataset>(mnist().train, train_limit, Device::CPU),
                     std::make_shared<const DeviceDataset>(mnist().test, test_limit, Device::CPU));
}

// Batch 32, seed 7, lr 1e-3.
inline TrainingConfig small_config(const std::string& model) {
  TrainingConfig config;
  config.model = model;
  config.batch_size = 32;
  config.seed = 7;
  config.lr = 1e-3;
  return config;
}

}  // namespace dae::test
