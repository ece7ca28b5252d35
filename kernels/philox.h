// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11): a
// counter-based generator. Random bits are a pure function of (key, counter), so any element
// of any step can be drawn independently, in any order, by any thread, on the CPU or the GPU,
// and always gives the same bits. Only 32-bit integer multiplies and xors: exact everywhere.
// Test: test_noise.cpp (Random123's known-answer vectors), test_cuda_ops.cpp (GPU = CPU).
#pragma once

#include <cstdint>

#include "kernels/host_device.h"

namespace dae {

struct Philox4 {
  uint32_t v[4];
};

// The high and low halves of the 64-bit product a * b. On the GPU the high half is one
// instruction (__umulhi) and the low half a plain 32-bit multiply, where the 64-bit product
// would be wide-multiply arithmetic; on the CPU the 64-bit multiply is already one instruction.
DAE_HOST_DEVICE void multiply_wide(uint32_t a, uint32_t b, uint32_t& high, uint32_t& low) {
#ifdef __CUDA_ARCH__
  high = __umulhi(a, b);
  low = a * b;
#else
  const uint64_t product = static_cast<uint64_t>(a) * b;
  high = static_cast<uint32_t>(product >> 32);
  low = static_cast<uint32_t>(product);
#endif
}

DAE_HOST_DEVICE Philox4 philox4x32_10(Philox4 counter, uint32_t key0, uint32_t key1) {
  constexpr uint32_t kMultiplier0 = 0xD2511F53u, kMultiplier1 = 0xCD9E8D57u;
  constexpr uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;
  DAE_UNROLL
  for (int round = 0; round < 10; ++round) {
    uint32_t hi0, lo0, hi1, lo1;
    multiply_wide(kMultiplier0, counter.v[0], hi0, lo0);
    multiply_wide(kMultiplier1, counter.v[2], hi1, lo1);
    counter = Philox4{{hi1 ^ counter.v[1] ^ key0, lo1, hi0 ^ counter.v[3] ^ key1, lo0}};
    key0 += kWeyl0;
    key1 += kWeyl1;
  }
  return counter;
}

}  // namespace dae
