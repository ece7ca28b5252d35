// What an encoder makes of the images: the codes the classifiers read (evaluation/
// feature_classifiers.h), and the FLOPs of one forward pass, the cost column of the report.
#pragma once

#include <cstdint>
#include <vector>

#include "apps/data/device_dataset.h"
#include "models/autoencoder.h"

namespace dae {

// The encoder's codes of the clean images [first, first + count) of a split, in eval mode,
// flattened and copied to the host: [count, size].
struct Codes {
  std::vector<float> values;
  int64_t count = 0, size = 0;
};
Codes encode_examples(Autoencoder& model, const DeviceDataset& split, int64_t first, int64_t count, int64_t batch_size);

// The FLOPs of one forward pass per image, counted op by op (core/profiler.h) on a pass over a
// batch of the first min(batch_size, count) images of `split`, in eval mode, without gradients.
double forward_flops_per_image(Autoencoder& model, const DeviceDataset& split, int64_t batch_size);

}  // namespace dae
