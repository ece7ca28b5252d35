#include "kernels/batch_gather.h"

namespace dae::cpu {

void gather_noisy_batch(const uint8_t* images, const int32_t* indices, float* clean, float* noisy,
                        const GatherShape& s, const NoiseParams& noise) {
  const int64_t n = s.batch * s.pixels, groups = (n + 3) / 4;
#pragma omp parallel for schedule(static) if (groups > 4096)
  for (int64_t g = 0; g < groups; ++g) {
    float z[4];
    normal_group(noise, static_cast<uint64_t>(g), z);
    for (int64_t k = 0; k < 4 && 4 * g + k < n; ++k) {
      const int64_t i = 4 * g + k, b = i / s.pixels, p = i % s.pixels;
      clean[i] = pixel_to_unit(images[static_cast<int64_t>(indices[b]) * s.pixels + p]);
      noisy[i] = add_noise(clean[i], z[k], noise.std);
    }
  }
}

}  // namespace dae::cpu
