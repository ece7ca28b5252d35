// The CPU's form of the noise loop (noise.h's math, unchanged): normals for a block of
// kNoiseBlockGroups groups at once, as three plain loops over the block (Philox, Box-Muller,
// then the caller's output loop), which g++ vectorizes; one group at a time it does not.
// Shared by noise_cpu.cpp and batch_gather_cpu.cpp. CPU only.
#pragma once

#include <cstdint>

#include "kernels/cpu_runtime.h"
#include "kernels/noise.h"

namespace dae::cpu {

constexpr int64_t kNoiseBlockGroups = 16;
constexpr int64_t kNoiseBlockElements = 4 * kNoiseBlockGroups;

// z[k][l] = the normal of element 4 (first_group + l) + k.
inline void normal_block(const NoiseParams& p, uint64_t first_group, float z[4][kNoiseBlockGroups]) {
  uint32_t words[4][kNoiseBlockGroups];
  for (int64_t l = 0; l < kNoiseBlockGroups; ++l) {
    const uint64_t group = first_group + static_cast<uint64_t>(l);
    const Philox4 bits =
        philox4x32_10(Philox4{{static_cast<uint32_t>(group), static_cast<uint32_t>(group >> 32),
                               static_cast<uint32_t>(p.stream), static_cast<uint32_t>(p.stream >> 32)}},
                      static_cast<uint32_t>(p.seed), static_cast<uint32_t>(p.seed >> 32));
    for (int k = 0; k < 4; ++k) words[k][l] = bits.v[k];
  }
  for (int64_t l = 0; l < kNoiseBlockGroups; ++l) {
    box_muller(words[0][l], words[1][l], z[0][l], z[1][l]);
    box_muller(words[2][l], words[3][l], z[2][l], z[3][l]);
  }
}

// Calls emit(i, z_i) for every element i < n of the draw: whole blocks through
// emit_blocks(first_block, last_block) (the caller's vectorized, multi-versioned loop, split
// across threads for large n), the elements after the last whole block one group at a time.
template <typename EmitBlocks, typename Emit>
void for_each_normal(const NoiseParams& p, int64_t n, EmitBlocks emit_blocks, Emit emit) {
  const int64_t blocks = n / kNoiseBlockElements;
  constexpr int64_t kBlocksPerChunk = 64;
  parallel_for((blocks + kBlocksPerChunk - 1) / kBlocksPerChunk, n, [&](int64_t c) {
    emit_blocks(c * kBlocksPerChunk,
                c * kBlocksPerChunk + kBlocksPerChunk < blocks ? c * kBlocksPerChunk + kBlocksPerChunk : blocks);
  });
  for (int64_t g = blocks * kNoiseBlockGroups; 4 * g < n; ++g) {
    float z[4];
    normal_group(p, static_cast<uint64_t>(g), z);
    for (int64_t k = 0; k < 4 && 4 * g + k < n; ++k) emit(4 * g + k, z[k]);
  }
}

}  // namespace dae::cpu
