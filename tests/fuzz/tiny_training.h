// A training run small enough to run once per fuzz input: a batch of 4 synthetic images, one
// step per epoch, 2 test images, on the CPU. Shared by the checkpoint target and the program
// that writes its seeds, so that both start from the same checkpoints.
#pragma once

#include <memory>
#include <string>

#include "apps/data/random_images.h"
#include "apps/training/checkpoint.h"
#include "apps/training/training_run.h"
#include "core/safetensors.h"

namespace dae::fuzz {

constexpr int64_t kTinyBatch = 4, kTinyTestImages = 2;

// `count` random images: what the model learns does not matter, only that it can.
inline std::shared_ptr<const DeviceDataset> synthetic_split(int64_t count) {
  Generator generator(37);
  return std::make_shared<const DeviceDataset>(random_images(count, generator), 0, Device::CPU);
}

struct TinyData {
  std::shared_ptr<const DeviceDataset> train = synthetic_split(kTinyBatch);
  std::shared_ptr<const DeviceDataset> test = synthetic_split(kTinyTestImages);
};

inline std::unique_ptr<TrainingRun> make_tiny_run(const TinyData& data, const std::string& model) {
  TrainingConfig config;
  config.model = model;
  config.batch_size = kTinyBatch;
  return std::make_unique<TrainingRun>(config, data.train, data.test);
}

// The checkpoint a tiny run of `model` writes after one epoch, as read back: the program's
// own file, which the checkpoint target's inputs patch. `scratch` is a path it may write.
struct Checkpoint {
  safetensors::Dict tensors;
  safetensors::Metadata metadata;
};
inline Checkpoint tiny_checkpoint(const TinyData& data, const std::string& model, const std::string& scratch) {
  const auto run = make_tiny_run(data, model);
  run->train_epoch();
  save_checkpoint(*run, scratch);
  Checkpoint checkpoint;
  checkpoint.tensors = safetensors::load(scratch, &checkpoint.metadata);
  return checkpoint;
}

}  // namespace dae::fuzz
