#include "kernels/noise_cpu.h"

namespace dae::cpu {

namespace {

DAE_CPU_CLONES void noise_blocks(const float* x, float* y, int64_t first_block, int64_t last_block,
                                 const NoiseParams p) {
  for (int64_t b = first_block; b < last_block; ++b) {
    float z[4][kNoiseBlockGroups];
    normal_block(p, static_cast<uint64_t>(b * kNoiseBlockGroups), z);
    const float* in = x + b * kNoiseBlockElements;
    float* out = y + b * kNoiseBlockElements;
    for (int64_t l = 0; l < kNoiseBlockGroups; ++l)
      for (int k = 0; k < 4; ++k) out[4 * l + k] = add_noise(in[4 * l + k], z[k][l], p.std);
  }
}

}  // namespace

void add_gaussian_noise(const float* x, float* y, int64_t n, const NoiseParams& draw) {
  const NoiseParams params = with_stream_offset(draw);
  for_each_normal(
      params, n, [&](int64_t first, int64_t last) { noise_blocks(x, y, first, last, params); },
      [&](int64_t i, float z) { y[i] = add_noise(x[i], z, params.std); });
}

}  // namespace dae::cpu
