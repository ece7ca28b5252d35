// Convolution on the CPU as matrix products, for the geometries Winograd does not cover (the
// conv model's two stride-2 transposed layers). For a chunk of images at once:
//   columns [K, L]   im2col: K = C*kH*kW rows (c, i, j), L = images*H_out*W_out columns
//   forward          Y [O, L] = W [O, K] . columns, then copied into NCHW
//   backward weight  dW [O, K] += dY [O, L] . columns^T
//   backward input   dcolumns [K, L] = W^T . dY, then col2im adds each column back into dx
// Why it is fast: many images per product keep the matrices large (a 7x7 map alone gives
// L = 49), which is where OpenBLAS is efficient; and the chunks run on separate threads,
// each with single-threaded products and its own buffers, so the two cores never wait on
// each other inside a layer. The chunk is sized to bound the column buffer.
// Tests: test_ops_conv.cpp.
#include <algorithm>
#include <vector>

#include "kernels/conv2d_cpu_lowerings.h"
#include "kernels/cpu_gemm.h"
#include "kernels/cpu_pass_timer.h"
#include "kernels/cpu_runtime.h"

namespace dae::cpu::im2col {

namespace {

// 2 MiB of columns per chunk: they stay in the core's L2 cache from im2col to the product (the
// stride-2 layer of the conv model ran 15% faster than with 16 MiB chunks).
constexpr int64_t kMaxColumnFloats = int64_t{1} << 19;

thread_local std::vector<float> g_columns, g_matrix, g_weight_sums;

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

// The batch in chunks of as many images as fit kMaxColumnFloats of columns, and at least
// kMinChunks chunks where the batch allows.
struct Chunks {
  int64_t kernel_size, map_size, per_chunk, count;
  explicit Chunks(const Conv2dShape& s)
      : kernel_size(s.in_channels * s.kernel_height * s.kernel_width), map_size(s.out_height() * s.out_width()) {
    const int64_t fitting = std::max<int64_t>(1, kMaxColumnFloats / (kernel_size * map_size));
    per_chunk = std::min(fitting, (s.batch + kMinChunks - 1) / kMinChunks);
    count = (s.batch + per_chunk - 1) / per_chunk;
  }
  // Chunk `index` with the calling thread's scratch.
  Chunk operator()(int64_t index, const Conv2dShape& s) const {
    const int64_t first = index * per_chunk, images = std::min(per_chunk, s.batch - first);
    return Chunk{first,
                 images,
                 kernel_size,
                 map_size,
                 images * map_size,
                 grow_scratch(g_columns, kernel_size * per_chunk * map_size),
                 grow_scratch(g_matrix, s.out_channels * per_chunk * map_size)};
  }
};

// The outputs o in [0, count) whose tap reads pixel o * stride + offset of a row or column of
// `size` pixels: [first, last). Looping over that range only keeps the inner loops free of
// bounds tests, so that they vectorize.
struct Valid {
  int64_t first, last;
  Valid(int64_t offset, int64_t size, int64_t stride, int64_t count) {
    first = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
    last = size - 1 - offset < 0 ? 0 : std::min(count, (size - 1 - offset) / stride + 1);
    first = std::min(first, last);
  }
};

DAE_CPU_CLONES
void im2col(const float* x, const Chunk& k, const Conv2dShape& s) {
  PassTimer timer("im2col");
  const int64_t H = s.in_height, W = s.in_width, Ho = s.out_height(), Wo = s.out_width(), stride = s.stride;
  for (int64_t row = 0; row < k.kernel_size; ++row) {
    const int64_t j = row % s.kernel_width, i = (row / s.kernel_width) % s.kernel_height;
    const int64_t c = row / (s.kernel_width * s.kernel_height);
    const Valid rows(i - s.padding, H, stride, Ho), columns(j - s.padding, W, stride, Wo);
    for (int64_t img = 0; img < k.images; ++img) {
      const float* plane = x + ((k.first + img) * s.in_channels + c) * H * W;
      float* out = k.columns + row * k.width + img * Ho * Wo;
      std::fill(out, out + rows.first * Wo, 0.0f);
      for (int64_t oy = rows.first; oy < rows.last; ++oy) {
        const float* in = plane + (oy * stride - s.padding + i) * W + j - s.padding;
        float* line = out + oy * Wo;
        std::fill(line, line + columns.first, 0.0f);
        for (int64_t ox = columns.first; ox < columns.last; ++ox) line[ox] = in[ox * stride];
        std::fill(line + columns.last, line + Wo, 0.0f);
      }
      std::fill(out + rows.last * Wo, out + Ho * Wo, 0.0f);
    }
  }
}

// dx of the chunk's images = 0, then each column entry is added back to the pixel it came from.
DAE_CPU_CLONES
void col2im(const Chunk& k, const Conv2dShape& s, float* dx) {
  PassTimer timer("col2im");
  const int64_t H = s.in_height, W = s.in_width, Ho = s.out_height(), Wo = s.out_width(), stride = s.stride;
  const int64_t kk = s.kernel_height * s.kernel_width;
  for (int64_t plane_index = 0; plane_index < k.images * s.in_channels; ++plane_index) {
    const int64_t img = plane_index / s.in_channels, c = plane_index % s.in_channels;
    float* plane = dx + ((k.first + img) * s.in_channels + c) * H * W;
    std::fill(plane, plane + H * W, 0.0f);
    for (int64_t ij = 0; ij < kk; ++ij) {
      const int64_t i = ij / s.kernel_width, j = ij % s.kernel_width;
      const Valid rows(i - s.padding, H, stride, Ho), columns(j - s.padding, W, stride, Wo);
      const float* in = k.columns + (c * kk + ij) * k.width + img * Ho * Wo;
      for (int64_t oy = rows.first; oy < rows.last; ++oy) {
        float* out = plane + (oy * stride - s.padding + i) * W + j - s.padding;
        const float* line = in + oy * Wo;
        for (int64_t ox = columns.first; ox < columns.last; ++ox) out[ox * stride] += line[ox];
      }
    }
  }
}

// Copies the chunk's map-long runs between NCHW [N, channels, map] and the matrix
// [channels, images * map], in the direction asked.
void copy_runs(const Chunk& k, int64_t channels, const float* from, float* to, bool to_matrix) {
  PassTimer timer(to_matrix ? "nchw to matrix" : "matrix to nchw");
  for (int64_t o = 0; o < channels; ++o)
    for (int64_t img = 0; img < k.images; ++img) {
      const int64_t nchw = ((k.first + img) * channels + o) * k.map_size, matrix = (o * k.images + img) * k.map_size;
      std::copy_n(from + (to_matrix ? nchw : matrix), k.map_size, to + (to_matrix ? matrix : nchw));
    }
}

}  // namespace

void forward(const float* x, const float* weight, float* y, const Conv2dShape& s) {
  const Chunks chunks(s);
  parallel_for(chunks.count, [&](int64_t index) {
    const Chunk k = chunks(index, s);
    im2col(x, k, s);
    sgemm(ProductShape{s.out_channels, k.width, k.kernel_size}, weight, k.columns, 0.0f, k.matrix);
    copy_runs(k, s.out_channels, k.matrix, y, false);
  });
}

void backward_input(const float* dy, const float* weight, float* dx, const Conv2dShape& s) {
  const Chunks chunks(s);
  parallel_for(chunks.count, [&](int64_t index) {
    const Chunk k = chunks(index, s);
    copy_runs(k, s.out_channels, dy, k.matrix, true);
    sgemm(ProductShape{k.kernel_size, k.width, s.out_channels, true, false}, weight, k.matrix, 0.0f, k.columns);
    col2im(k, s, dx);
  });
}

void backward_weight(const float* dy, const float* x, float* dweight, const Conv2dShape& s) {
  const Chunks chunks(s);
  const int64_t count = s.out_channels * chunks.kernel_size;
  float* sums = grow_scratch(g_weight_sums, kGradientParts * count);
  const int64_t parts = for_each_chunk_by_part(chunks.count, [&](int64_t part, int64_t index, bool first_of_part) {
    const Chunk k = chunks(index, s);
    im2col(x, k, s);
    copy_runs(k, s.out_channels, dy, k.matrix, true);
    sgemm(ProductShape{s.out_channels, k.kernel_size, k.width, false, true}, k.matrix, k.columns,
          first_of_part ? 0.0f : 1.0f, sums + part * count);
  });
  sum_parts(sums, parts, count, dweight);
}

}  // namespace dae::cpu::im2col
