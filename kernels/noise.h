// Gaussian noise injection: y = x + std * z, z ~ N(0, 1), the corruption of a denoising
// autoencoder's input. Element i of draw `stream` (the training step) under `seed` is
//   bits  = Philox4x32-10(counter = (i / 4, stream), key = seed), word i % 4
//   z     = Box-Muller on the word pair (0,1) or (2,3):  r = sqrt(-2 ln u1), angle from u2
// so the same (seed, stream) gives the same noise on any backend and thread count. ln, sin
// and cos are written out below with mul_rn/add_rn (no library calls, no fused multiply-adds):
// the CPU and the GPU then produce the same bits, which test_cuda_ops.cpp checks exactly.
// Every float multiply here is a mul_rn, so no plain + or - can be fused with one; the
// division and sqrtf are correctly rounded on both (nvcc's defaults: -prec-div=true
// -prec-sqrt=true -ftz=false; never build with --use_fast_math).
// u1 has 24 random bits, so |z| <= sqrt(2 * 24 ln 2) = 5.77 (P(|z| > 5.77) is about 8e-9).
// Tests: test_noise.cpp (moments, determinism), test_cuda_ops.cpp (bitwise CPU = GPU).
#pragma once

#include <cmath>
#include <cstdint>

#include "kernels/host_device.h"
#include "kernels/philox.h"

namespace dae {

struct NoiseParams {
  uint64_t seed;
  uint64_t stream;  // one per training step (and per evaluation pass), so each draw is fresh
  float std;
  // If set, *stream_offset is added to stream where the kernel runs (so it points into the
  // memory of the tensors' device). A training step points it at the optimizer's step count
  // (Adam::device_step_count): one captured CUDA graph then draws fresh noise at each replay.
  const int64_t* stream_offset = nullptr;
};

// The parameters with the offset, if any, read and added into stream: what the draw uses.
DAE_HOST_DEVICE NoiseParams with_stream_offset(NoiseParams p) {
  if (p.stream_offset) p.stream += static_cast<uint64_t>(*p.stream_offset);
  p.stream_offset = nullptr;
  return p;
}

// ln(u) for u in (0, 1]: u = m 2^e with m in (sqrt(1/2), sqrt(2)], ln m = 2 atanh(s),
// s = (m - 1) / (m + 1), |s| <= 0.172, series to s^11 (error below 1e-10).
DAE_HOST_DEVICE float noise_log(float u) {
  const uint32_t bits = float_to_bits(u);
  int exponent = static_cast<int>((bits >> 23) & 0xFFu) - 127;
  float m = bits_to_float((bits & 0x7FFFFFu) | 0x3F800000u);
  // Written as selects, not a branch, so the CPU loop over elements can be vectorized.
  const bool above_sqrt2 = m > 1.41421356f;
  m = above_sqrt2 ? mul_rn(m, 0.5f) : m;
  exponent += above_sqrt2 ? 1 : 0;
  const float s = (m - 1.0f) / add_rn(m, 1.0f);
  const float s2 = mul_rn(s, s);
  float series = 1.0f / 11.0f;
  series = add_rn(mul_rn(series, s2), 1.0f / 9.0f);
  series = add_rn(mul_rn(series, s2), 1.0f / 7.0f);
  series = add_rn(mul_rn(series, s2), 1.0f / 5.0f);
  series = add_rn(mul_rn(series, s2), 1.0f / 3.0f);
  series = add_rn(mul_rn(series, s2), 1.0f);
  return add_rn(mul_rn(static_cast<float>(exponent), 0.693147180559945f), mul_rn(mul_rn(2.0f, s), series));
}

// (cos, sin) of a uniform angle from 32 random bits: the top 2 bits pick a quadrant q, the
// next 22 an offset a in [-pi/4, pi/4); angle = q pi/2 + a. Taylor series to a^10 on that range.
DAE_HOST_DEVICE void noise_cos_sin(uint32_t bits, float& cosine, float& sine) {
  const uint32_t quadrant = bits >> 30;
  const float fraction = mul_rn(static_cast<float>((bits >> 8) & 0x3FFFFFu), 1.0f / 4194304.0f);
  const float a = mul_rn(fraction - 0.5f, 1.57079632679f);
  const float a2 = mul_rn(a, a);
  float s = 1.0f / 362880.0f;
  s = add_rn(mul_rn(s, a2), -1.0f / 5040.0f);
  s = add_rn(mul_rn(s, a2), 1.0f / 120.0f);
  s = add_rn(mul_rn(s, a2), -1.0f / 6.0f);
  s = add_rn(mul_rn(s, a2), 1.0f);
  s = mul_rn(s, a);
  float c = -1.0f / 3628800.0f;
  c = add_rn(mul_rn(c, a2), 1.0f / 40320.0f);
  c = add_rn(mul_rn(c, a2), -1.0f / 720.0f);
  c = add_rn(mul_rn(c, a2), 1.0f / 24.0f);
  c = add_rn(mul_rn(c, a2), -0.5f);
  c = add_rn(mul_rn(c, a2), 1.0f);
  // Rotating (c, s) by q quarter turns only swaps and negates, which is exact:
  //   q = 0: (c, s)   q = 1: (-s, c)   q = 2: (-c, -s)   q = 3: (s, -c)
  // Selects and sign-bit flips rather than a table, so the CPU loop can be vectorized.
  const bool swap = (quadrant & 1u) != 0;
  const uint32_t cos_sign = ((quadrant + 1u) & 2u) << 30;  // set for q = 1, 2
  const uint32_t sin_sign = (quadrant & 2u) << 30;         // set for q = 2, 3
  cosine = bits_to_float(float_to_bits(swap ? s : c) ^ cos_sign);
  sine = bits_to_float(float_to_bits(swap ? c : s) ^ sin_sign);
}

// Two standard normals from two random words (Box-Muller).
DAE_HOST_DEVICE void box_muller(uint32_t word0, uint32_t word1, float& z0, float& z1) {
  const float u1 = mul_rn(static_cast<float>((word0 >> 8) + 1u), 1.0f / 16777216.0f);  // (0, 1]
  const float radius = sqrtf(mul_rn(-2.0f, noise_log(u1)));
  float cosine, sine;
  noise_cos_sin(word1, cosine, sine);
  z0 = mul_rn(radius, cosine);
  z1 = mul_rn(radius, sine);
}

// The four normals of group g: elements 4g .. 4g+3 of the draw.
DAE_HOST_DEVICE void normal_group(const NoiseParams& p, uint64_t group, float z[4]) {
  const Philox4 counter{{static_cast<uint32_t>(group), static_cast<uint32_t>(group >> 32),
                         static_cast<uint32_t>(p.stream), static_cast<uint32_t>(p.stream >> 32)}};
  const Philox4 bits = philox4x32_10(counter, static_cast<uint32_t>(p.seed), static_cast<uint32_t>(p.seed >> 32));
  box_muller(bits.v[0], bits.v[1], z[0], z[1]);
  box_muller(bits.v[2], bits.v[3], z[2], z[3]);
}

DAE_HOST_DEVICE float add_noise(float x, float z, float std) { return add_rn(x, mul_rn(std, z)); }

namespace cpu {
void add_gaussian_noise(const float* x, float* y, int64_t n, const NoiseParams& params);
}  // namespace cpu

namespace cuda {
void add_gaussian_noise(const float* x, float* y, int64_t n, const NoiseParams& params);
}  // namespace cuda

}  // namespace dae
