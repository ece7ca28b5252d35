#include "kernels/batch_gather.h"
#include "kernels/noise_cpu.h"

namespace dae::cpu {

namespace {

float gathered_pixel(const uint8_t* images, const int32_t* indices, int64_t i, const GatherShape& s) {
  return pixel_to_unit(images[static_cast<int64_t>(indices[i / s.pixels]) * s.pixels + i % s.pixels]);
}

DAE_CPU_CLONES void gather_blocks(const uint8_t* images, const int32_t* indices, float* clean,
                                  float* noisy, const GatherShape s, int64_t first_block,
                                  int64_t last_block, const NoiseParams p) {
  for (int64_t b = first_block; b < last_block; ++b) {
    float z[4][kNoiseBlockGroups];
    normal_block(p, static_cast<uint64_t>(b * kNoiseBlockGroups), z);
    const int64_t first = b * kNoiseBlockElements;
    for (int64_t i = first; i < first + kNoiseBlockElements; ++i) clean[i] = gathered_pixel(images, indices, i, s);
    for (int64_t l = 0; l < kNoiseBlockGroups; ++l)
      for (int k = 0; k < 4; ++k) noisy[first + 4 * l + k] = add_noise(clean[first + 4 * l + k], z[k][l], p.std);
  }
}

}  // namespace

void gather_noisy_batch(const uint8_t* images, const int32_t* indices, float* clean, float* noisy,
                        const GatherShape& s, const NoiseParams& draw) {
  const NoiseParams noise = with_stream_offset(draw);
  for_each_normal(
      noise, s.batch * s.pixels,
      [&](int64_t first, int64_t last) { gather_blocks(images, indices, clean, noisy, s, first, last, noise); },
      [&](int64_t i, float z) {
        clean[i] = gathered_pixel(images, indices, i, s);
        noisy[i] = add_noise(clean[i], z, noise.std);
      });
}

}  // namespace dae::cpu
