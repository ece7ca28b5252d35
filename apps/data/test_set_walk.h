// The evaluation protocol's one walk over a test set. Images in order, in batches of
// `batch_size` (the last one smaller); batch b drawn noisy once, with draw
// kEvaluationNoiseStream + b of `seed` (data/noise_streams.h) scaled by `sigma`. Every
// evaluation goes through here: the test MSE printed after each epoch
// (TrainingRun::evaluate) and the comparison's measurements (evaluation/denoising_quality.h)
// therefore see the same noisy images at the same seed, noise and batch size, and at every
// sigma the same standard normal draw, scaled.
#pragma once

#include <cstdint>
#include <functional>

#include "apps/data/device_dataset.h"

namespace dae {

struct EvaluationNoise {
  uint64_t seed = 0;
  float sigma = 0.1f;
};

// Calls visit(first, batch) for each batch, `first` being the index of its first image.
void walk_test_set(const DeviceDataset& test, int64_t batch_size, const EvaluationNoise& noise,
                   const std::function<void(int64_t first, const ops::NoisyBatch& batch)>& visit);

}  // namespace dae
