// Builds one training batch from the data set in one pass:
//   clean[b, p] = images[indices[b], p] / 255                       (uint8 pixels -> [0, 1])
//   noisy[b, p] = clean[b, p] + std * z(element b*P + p of draw `stream`)   (noise.h)
// The data set stays uint8 (1 byte a pixel) where the training runs, on the GPU too; indices
// select the shuffled examples of this step. `noisy` equals add_gaussian_noise(clean) bit for
// bit, which test_noise.cpp checks. Shapes: images [count, P], clean/noisy [B, P].
#pragma once

#include <cstdint>

#include "kernels/noise.h"

namespace dae {

struct GatherShape {
  int64_t batch;   // B
  int64_t pixels;  // P = 784 for MNIST
};

DAE_HOST_DEVICE float pixel_to_unit(uint8_t pixel) { return static_cast<float>(pixel) / 255.0f; }

namespace cpu {
void gather_noisy_batch(const uint8_t* images, const int32_t* indices, float* clean, float* noisy,
                        const GatherShape& shape, const NoiseParams& noise);
}  // namespace cpu

namespace cuda {
void gather_noisy_batch(const uint8_t* images, const int32_t* indices, float* clean, float* noisy,
                        const GatherShape& shape, const NoiseParams& noise);
}  // namespace cuda

}  // namespace dae
