// A vector of 16 floats (one AVX-512 register; two AVX2 or four SSE registers on older
// x86-64, as GCC lowers it) for the CPU kernels that work on 16 independent values at once;
// the 16x16 transpose that turns 16 rows of a map into 16 vectors of one pixel each; and
// sums in 16 double lanes, added in lane order at the end, so that a vectorized sum gives the
// same bits on every target.
// GCC vector extensions (clang has them too), so the same code compiles for every
// DAE_CPU_CLONES target.
// Use inside DAE_CPU_CLONES functions; pass Lanes by reference, never by value (a vector
// argument's calling convention differs between the clones). Test: test_ops_conv.cpp.
#pragma once

#include <cstdint>
#include <cstring>
#include <utility>

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

// Out-parameters rather than returned vectors, whose calling convention differs between clones.
inline void widen(DoubleLanes& out, const Lanes& v) { out = __builtin_convertvector(v, DoubleLanes); }
inline void add_widened(DoubleLanes& sums, const Lanes& v) { sums += __builtin_convertvector(v, DoubleLanes); }
// sums[k] += the values p[i] with i % 16 == k, of the n at p.
inline void add_lanes(DoubleLanes& sums, const float* p, int64_t n) {
  const int64_t full = n / kLanes * kLanes;
  Lanes v;
  for (int64_t i = 0; i < full; i += kLanes) {
    load(v, p + i);
    add_widened(sums, v);
  }
  load_partial(v, p + full, n - full);
  add_widened(sums, v);
}

inline double sum_of_lanes(const DoubleLanes& v) {
  double sum = 0.0;
  for (int lane = 0; lane < kLanes; ++lane) sum += v[lane];
  return sum;
}

// One round of transpose(): rows a = rows[i] and b = rows[i + S] (i without bit S) swap bit S
// of the row index with bit S of the column index. Lane j of the new a is a[j] where bit S of j
// is clear and b[j - S] where it is set; of the new b, a[j + S] and b[j]. Two two-register
// shuffles (one vpermt2ps each on AVX-512); __builtin_shufflevector, which GCC and clang both
// have, takes the lane numbers as constants, hence the index pack.
template <int S, int... J>
inline __attribute__((always_inline)) void swap_index_bit(Lanes& a, Lanes& b, std::integer_sequence<int, J...>) {
  const Lanes low = __builtin_shufflevector(a, b, ((J & S) ? kLanes + J - S : J)...);
  b = __builtin_shufflevector(a, b, ((J & S) ? kLanes + J : J + S)...);
  a = low;
}

template <int S>
inline __attribute__((always_inline)) void transpose_round(Lanes rows[kLanes]) {
  for (int i = 0; i < kLanes; ++i)
    if (!(i & S)) swap_index_bit<S>(rows[i], rows[i + S], std::make_integer_sequence<int, kLanes>{});
}

// rows[i][j] <-> rows[j][i]. Four rounds, one per bit of the index: 64 shuffles for 256 floats.
inline __attribute__((always_inline)) void transpose(Lanes rows[kLanes]) {
  transpose_round<1>(rows);
  transpose_round<2>(rows);
  transpose_round<4>(rows);
  transpose_round<8>(rows);
}

}  // namespace dae::cpu
