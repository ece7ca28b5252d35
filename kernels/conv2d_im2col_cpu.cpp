// Convolution on the CPU as matrix products. For a chunk of images at once:
//   columns [K, L]   im2col: K = C*kH*kW rows (c, i, j), L = images*H_out*W_out columns
//   forward          Y [O, L] = W [O, K] . columns, then scattered into NCHW
//   backward weight  dW [O, K] += dY [O, L] . columns^T
//   backward input   dcolumns [K, L] = W^T . dY, then col2im adds each column back into dx
// Taking many images per product keeps the matrices large (a 7x7 map alone gives L = 49),
// which is where OpenBLAS is efficient. The chunk is sized to bound the column buffer.
#include <algorithm>
#include <vector>

#include "kernels/conv2d_cpu_lowerings.h"
#include "kernels/cpu_gemm.h"
#include "kernels/cpu_pass_timer.h"
#include "kernels/cpu_runtime.h"

namespace dae::cpu::im2col {

namespace {

constexpr int64_t kMaxColumnFloats = int64_t{1} << 22;  // 16 MiB of columns per chunk

// Grow-only scratch, one per thread that calls in (the training loop uses one).
float* scratch(std::vector<float>& buffer, int64_t floats) {
  if (static_cast<int64_t>(buffer.size()) < floats) buffer.resize(static_cast<size_t>(floats));
  return buffer.data();
}
thread_local std::vector<float> g_columns;
thread_local std::vector<float> g_matrix;

// A chunk of images [first, first + images) and its scratch: columns [K, width] and the
// output-side matrix [O, width], width = images * map_size.
struct Chunk {
  int64_t first, images;
  int64_t kernel_size;  // K = C*kH*kW
  int64_t map_size;     // H_out*W_out
  int64_t width;        // L
  float* columns;
  float* matrix;
};

// Calls body(chunk) for consecutive chunks covering the batch, as many images each as fit
// kMaxColumnFloats of columns.
template <typename Body>
void for_each_chunk(const Conv2dShape& s, Body body) {
  const int64_t kernel_size = s.in_channels * s.kernel_height * s.kernel_width;
  const int64_t map_size = s.out_height() * s.out_width();
  const int64_t per_chunk =
      std::min(s.batch, std::max<int64_t>(1, kMaxColumnFloats / (kernel_size * map_size)));
  float* columns = scratch(g_columns, kernel_size * per_chunk * map_size);
  float* matrix = scratch(g_matrix, s.out_channels * per_chunk * map_size);
  for (int64_t first = 0; first < s.batch; first += per_chunk) {
    const int64_t images = std::min(per_chunk, s.batch - first);
    body(Chunk{first, images, kernel_size, map_size, images * map_size, columns, matrix});
  }
}

void im2col(const float* x, int64_t first, int64_t images, const Conv2dShape& s, float* columns) {
  PassTimer timer("im2col");
  const int64_t H = s.in_height, W = s.in_width, Ho = s.out_height(), Wo = s.out_width();
  const int64_t L = images * Ho * Wo;
  const int64_t rows = s.in_channels * s.kernel_height * s.kernel_width;
#pragma omp parallel for schedule(static) if (rows * L >= kParallelMinElements)
  for (int64_t k = 0; k < rows; ++k) {
    const int64_t j = k % s.kernel_width, i = (k / s.kernel_width) % s.kernel_height;
    const int64_t c = k / (s.kernel_width * s.kernel_height);
    for (int64_t img = 0; img < images; ++img) {
      const float* plane = x + ((first + img) * s.in_channels + c) * H * W;
      float* out = columns + k * L + img * Ho * Wo;
      for (int64_t oy = 0; oy < Ho; ++oy) {
        const int64_t iy = oy * s.stride - s.padding + i;
        for (int64_t ox = 0; ox < Wo; ++ox) {
          const int64_t ix = ox * s.stride - s.padding + j;
          const bool inside = iy >= 0 && iy < H && ix >= 0 && ix < W;
          out[oy * Wo + ox] = inside ? plane[iy * W + ix] : 0.0f;
        }
      }
    }
  }
}

// dx[first..first+images) = 0, then each column entry is added back to the pixel it came from.
// Parallel over (image, channel) planes: each thread owns the planes it writes.
void col2im(const float* columns, int64_t first, int64_t images, const Conv2dShape& s, float* dx) {
  PassTimer timer("col2im");
  const int64_t H = s.in_height, W = s.in_width, Ho = s.out_height(), Wo = s.out_width();
  const int64_t L = images * Ho * Wo;
  const int64_t kk = s.kernel_height * s.kernel_width;
#pragma omp parallel for schedule(static) if (images * s.in_channels * H * W >= kParallelMinElements)
  for (int64_t plane_index = 0; plane_index < images * s.in_channels; ++plane_index) {
    const int64_t img = plane_index / s.in_channels, c = plane_index % s.in_channels;
    float* plane = dx + ((first + img) * s.in_channels + c) * H * W;
    std::fill(plane, plane + H * W, 0.0f);
    for (int64_t ij = 0; ij < kk; ++ij) {
      const int64_t i = ij / s.kernel_width, j = ij % s.kernel_width;
      const float* in = columns + (c * kk + ij) * L + img * Ho * Wo;
      for (int64_t oy = 0; oy < Ho; ++oy) {
        const int64_t iy = oy * s.stride - s.padding + i;
        if (iy < 0 || iy >= H) continue;
        for (int64_t ox = 0; ox < Wo; ++ox) {
          const int64_t ix = ox * s.stride - s.padding + j;
          if (ix >= 0 && ix < W) plane[iy * W + ix] += in[oy * Wo + ox];
        }
      }
    }
  }
}

// Moves a chunk between NCHW ([images, O, map]) and matrix layout ([O, images*map]).
void nchw_to_matrix(const float* nchw, int64_t first, int64_t images, int64_t channels,
                    int64_t map, float* matrix) {
  PassTimer timer("nchw_to_matrix");
#pragma omp parallel for schedule(static) if (channels * images * map >= kParallelMinElements)
  for (int64_t o = 0; o < channels; ++o)
    for (int64_t img = 0; img < images; ++img)
      std::copy_n(nchw + ((first + img) * channels + o) * map, map, matrix + (o * images + img) * map);
}

void matrix_to_nchw(const float* matrix, int64_t first, int64_t images, int64_t channels,
                    int64_t map, float* nchw) {
  PassTimer timer("matrix_to_nchw");
#pragma omp parallel for schedule(static) if (channels * images * map >= kParallelMinElements)
  for (int64_t o = 0; o < channels; ++o)
    for (int64_t img = 0; img < images; ++img)
      std::copy_n(matrix + (o * images + img) * map, map, nchw + ((first + img) * channels + o) * map);
}

void product(bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, const float* a,
             const float* b, float beta, float* c) {
  sgemm(ProductShape{m, n, k, transpose_a, transpose_b}, a, b, beta, c);
}

}  // namespace

void forward(const float* x, const float* weight, float* y, const Conv2dShape& s) {
  for_each_chunk(s, [&](const Chunk& k) {
    im2col(x, k.first, k.images, s, k.columns);
    product(false, false, s.out_channels, k.width, k.kernel_size, weight, k.columns, 0.0f, k.matrix);
    matrix_to_nchw(k.matrix, k.first, k.images, s.out_channels, k.map_size, y);
  });
}

void backward_input(const float* dy, const float* weight, float* dx, const Conv2dShape& s) {
  for_each_chunk(s, [&](const Chunk& k) {
    nchw_to_matrix(dy, k.first, k.images, s.out_channels, k.map_size, k.matrix);
    product(true, false, k.kernel_size, k.width, s.out_channels, weight, k.matrix, 0.0f, k.columns);
    col2im(k.columns, k.first, k.images, s, dx);
  });
}

void backward_weight(const float* dy, const float* x, float* dweight, const Conv2dShape& s) {
  for_each_chunk(s, [&](const Chunk& k) {
    im2col(x, k.first, k.images, s, k.columns);
    nchw_to_matrix(dy, k.first, k.images, s.out_channels, k.map_size, k.matrix);
    // The first chunk overwrites dW, the others add to it.
    product(false, true, s.out_channels, k.kernel_size, k.width, k.matrix, k.columns,
          k.first == 0 ? 0.0f : 1.0f, dweight);
  });
}

}  // namespace dae::cpu::im2col
