// Winograd's minimal filtering F(4x4, 3x3) (Lavin & Gray, "Fast Algorithms for Convolutional
// Neural Networks", 2016): a 4x4 block of a 3x3 correlation from a 6x6 input tile,
//   y = A^T [ (G g G^T) (.) (B^T d B) ] A          (.) = element-wise product
// 36 multiplications for the 16 outputs instead of 144. The transforms are fixed small sums:
//   B^T d B      input tile d [6x6]         -> V [6x6]   (interpolation at 0, +-1, +-2, inf)
//   G g G^T      filter g [3x3]             -> U [6x6]
//   A^T m A      product m = U (.) V [6x6]  -> y [4x4]
// and, for the weight gradient, their adjoints (the same matrices transposed):
//   A dy A^T     output gradient dy [4x4]   -> dM [6x6];  dU = dM (.) V
//   G^T dU G     dU [6x6]                   -> dg [3x3]
// Each 2-D transform is the 1-D one applied to the columns, then to the rows.
//
// Every value is a Lanes vector: 16 independent tiles at once (16 images at the same spot,
// or 16 filters), so each line below is one SIMD instruction on AVX-512. Exact in real
// arithmetic; in float the interpolation points up to 2 (and their powers up to 8) make
// the rounding error grow: test_ops_conv.cpp states the bound.
#pragma once

#include "kernels/cpu_lanes.h"

namespace dae::cpu::winograd {

constexpr int kTile = 6;    // input tile side
constexpr int kOutput = 4;  // output block side
constexpr int kPoints = kTile * kTile;

// The 1-D transforms, on values x[0], x[stride], ... (columns: stride = the row length).
inline void input_1d(const Lanes* d, int stride, Lanes* v) {  // B^T d
  const Lanes d0 = d[0], d1 = d[stride], d2 = d[2 * stride], d3 = d[3 * stride], d4 = d[4 * stride], d5 = d[5 * stride];
  v[0] = 4.0f * d0 - 5.0f * d2 + d4;
  v[stride] = d4 + d3 - 4.0f * (d1 + d2);
  v[2 * stride] = d4 - d3 + 4.0f * (d1 - d2);
  v[3 * stride] = d4 - d2 + 2.0f * (d3 - d1);
  v[4 * stride] = d4 - d2 - 2.0f * (d3 - d1);
  v[5 * stride] = 4.0f * d1 - 5.0f * d3 + d5;
}

inline void filter_1d(const Lanes* g, int stride, Lanes* u) {  // G g
  const Lanes g0 = g[0], g1 = g[stride], g2 = g[2 * stride];
  u[0] = g0 / 4.0f;
  u[stride] = -(g0 + g1 + g2) / 6.0f;
  u[2 * stride] = -(g0 - g1 + g2) / 6.0f;
  u[3 * stride] = g0 / 24.0f + g1 / 12.0f + g2 / 6.0f;
  u[4 * stride] = g0 / 24.0f - g1 / 12.0f + g2 / 6.0f;
  u[5 * stride] = g2;
}

inline void output_1d(const Lanes* m, int stride, Lanes* y) {  // A^T m
  const Lanes m1_plus_m2 = m[stride] + m[2 * stride], m1_minus_m2 = m[stride] - m[2 * stride];
  const Lanes m3_plus_m4 = m[3 * stride] + m[4 * stride], m3_minus_m4 = m[3 * stride] - m[4 * stride];
  y[0] = m[0] + m1_plus_m2 + m3_plus_m4;
  y[stride] = m1_minus_m2 + 2.0f * m3_minus_m4;
  y[2 * stride] = m1_plus_m2 + 4.0f * m3_plus_m4;
  y[3 * stride] = m1_minus_m2 + 8.0f * m3_minus_m4 + m[5 * stride];
}

inline void output_gradient_1d(const Lanes* dy, int stride, Lanes* dm) {  // A dy
  const Lanes y0 = dy[0], y1 = dy[stride], y2 = dy[2 * stride], y3 = dy[3 * stride];
  dm[0] = y0;
  dm[stride] = y0 + y1 + y2 + y3;
  dm[2 * stride] = y0 - y1 + y2 - y3;
  dm[3 * stride] = y0 + 2.0f * y1 + 4.0f * y2 + 8.0f * y3;
  dm[4 * stride] = y0 - 2.0f * y1 + 4.0f * y2 - 8.0f * y3;
  dm[5 * stride] = y3;
}

inline void filter_gradient_1d(const Lanes* du, int stride, Lanes* dg) {  // G^T dU
  const Lanes u0 = du[0], u1 = du[stride], u2 = du[2 * stride], u3 = du[3 * stride], u4 = du[4 * stride],
              u5 = du[5 * stride];
  dg[0] = u0 / 4.0f - (u1 + u2) / 6.0f + (u3 + u4) / 24.0f;
  dg[stride] = (u2 - u1) / 6.0f + (u3 - u4) / 12.0f;
  dg[2 * stride] = (u3 + u4 - u1 - u2) / 6.0f + u5;
}

// The 2-D transforms: `in` and `out` are row-major squares of Lanes (sides in, out).
template <int In, int Out, void (*Transform1d)(const Lanes*, int, Lanes*)>
inline void transform_2d(const Lanes* in, Lanes* out) {
  Lanes columns[Out * In];  // the columns transformed: Out rows of In
  for (int j = 0; j < In; ++j) Transform1d(in + j, In, columns + j);
  for (int i = 0; i < Out; ++i) Transform1d(columns + i * In, 1, out + i * Out);
}

inline void input_2d(const Lanes* d, Lanes* v) { transform_2d<kTile, kTile, input_1d>(d, v); }
inline void filter_2d(const Lanes* g, Lanes* u) { transform_2d<3, kTile, filter_1d>(g, u); }
inline void output_2d(const Lanes* m, Lanes* y) { transform_2d<kTile, kOutput, output_1d>(m, y); }
inline void output_gradient_2d(const Lanes* dy, Lanes* dm) { transform_2d<kOutput, kTile, output_gradient_1d>(dy, dm); }
inline void filter_gradient_2d(const Lanes* du, Lanes* dg) { transform_2d<kTile, 3, filter_gradient_1d>(du, dg); }

}  // namespace dae::cpu::winograd
