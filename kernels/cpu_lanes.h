// A vector of 16 floats (one AVX-512 register; two AVX2 or four SSE registers on older
// x86-64, as GCC lowers it) for the CPU kernels that work on 16 independent values at once;
// the 16x16 transpose that turns 16 rows of a map into 16 vectors of one pixel each; and
// sums in 16 double lanes, added in lane order at the end, so that a vectorized sum gives the
// same bits on every target.
// GCC vector extensions, so the same code compiles for every DAE_CPU_CLONES target.
// Use inside DAE_CPU_CLONES functions; pass Lanes by reference, never by value (a vector
// argument's calling convention differs between the clones). Test: test_ops_conv.cpp.
#pragma once

#include <cstdint>
#include <cstring>

namespace dae::cpu {

constexpr int kLanes = 16;
typedef float Lanes __attribute__((vector_size(kLanes * sizeof(float))));
typedef int32_t LaneIndices __attribute__((vector_size(kLanes * sizeof(int32_t))));

typedef double DoubleLanes __attribute__((vector_size(kLanes * sizeof(double))));

inline void load(Lanes& v, const float* p) { std::memcpy(&v, p, sizeof v); }
inline void store(float* p, const Lanes& v) { std::memcpy(p, &v, sizeof v); }
// The first n (< 16) floats at p, the other lanes zero.
inline void load_partial(Lanes& v, const float* p, int64_t n) {
  v = Lanes{};
  std::memcpy(&v, p, static_cast<size_t>(n) * sizeof(float));
}

inline DoubleLanes widen(const Lanes& v) { return __builtin_convertvector(v, DoubleLanes); }
// sums[k] += the values p[i] with i % 16 == k, of the n at p.
inline void add_lanes(DoubleLanes& sums, const float* p, int64_t n) {
  const int64_t full = n / kLanes * kLanes;
  Lanes v;
  for (int64_t i = 0; i < full; i += kLanes) {
    load(v, p + i);
    sums += widen(v);
  }
  load_partial(v, p + full, n - full);
  sums += widen(v);
}

inline double sum_of_lanes(const DoubleLanes& v) {
  double sum = 0.0;
  for (int lane = 0; lane < kLanes; ++lane) sum += v[lane];
  return sum;
}

// rows[i][j] <-> rows[j][i]. Four rounds, one per bit of the index: round s swaps bit s of the
// row index with bit s of the column index by merging rows i and i + s (i without bit s) with
// two two-register shuffles (one vpermt2ps each on AVX-512): 64 shuffles for 256 floats.
inline void transpose(Lanes rows[kLanes]) {
  static const LaneIndices kLow[4] = {
      {0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30},
      {0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29},
      {0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27},
      {0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23}};
  static const LaneIndices kHigh[4] = {
      {1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31},
      {2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31},
      {4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31},
      {8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31}};
  for (int round = 0; round < 4; ++round) {
    const int s = 1 << round;
    for (int i = 0; i < kLanes; ++i) {
      if (i & s) continue;
      const Lanes low = __builtin_shuffle(rows[i], rows[i + s], kLow[round]);
      rows[i + s] = __builtin_shuffle(rows[i], rows[i + s], kHigh[round]);
      rows[i] = low;
    }
  }
}

}  // namespace dae::cpu
