#include <algorithm>

#include "kernels/batch_gather.h"
#include "kernels/noise_cpu.h"

namespace dae::cpu {

namespace {

// clean[i] for i in [first, last): the pixels of the images the indices pick, one run of an
// image's pixels at a time (a division per element would cost more than the noise).
DAE_CPU_INLINE void gather_clean(const uint8_t* images, const int32_t* indices, const GatherShape& s, int64_t first,
                                 int64_t last, float* clean) {
  for (int64_t i = first; i < last;) {
    const int64_t row = i / s.pixels, column = i % s.pixels, run = std::min(last - i, s.pixels - column);
    const uint8_t* pixels = images + static_cast<int64_t>(indices[row]) * s.pixels + column;
    for (int64_t k = 0; k < run; ++k) clean[i + k] = pixel_to_unit(pixels[k]);
    i += run;
  }
}

DAE_CPU_CLONES void gather_blocks(const uint8_t* images, const int32_t* indices, float* clean, float* noisy,
                                  const GatherShape s, int64_t first_block, int64_t last_block, const NoiseParams p) {
  gather_clean(images, indices, s, first_block * kNoiseBlockElements, last_block * kNoiseBlockElements, clean);
  for (int64_t b = first_block; b < last_block; ++b) {
    float z[4][kNoiseBlockGroups];
    normal_block(p, static_cast<uint64_t>(b * kNoiseBlockGroups), z);
    const int64_t first = b * kNoiseBlockElements;
    for (int64_t l = 0; l < kNoiseBlockGroups; ++l)
      for (int k = 0; k < 4; ++k) noisy[first + 4 * l + k] = add_noise(clean[first + 4 * l + k], z[k][l], p.std);
  }
}

}  // namespace

void gather_noisy_batch(const uint8_t* images, const int32_t* indices, float* clean, float* noisy, const GatherShape& s,
                        const NoiseParams& draw) {
  const NoiseParams noise = with_stream_offset(draw);
  for_each_normal(
      noise, s.batch * s.pixels,
      [&](int64_t first, int64_t last) { gather_blocks(images, indices, clean, noisy, s, first, last, noise); },
      [&](int64_t i, float z) {
        gather_clean(images, indices, s, i, i + 1, clean);
        noisy[i] = add_noise(clean[i], z, noise.std);
      });
}

}  // namespace dae::cpu
