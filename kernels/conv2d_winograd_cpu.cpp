// Stride-1 3x3 convolution by Winograd's F(4x4, 3x3) (kernels/winograd_f4x3.h). For each
// chunk of 16 images, on one thread:
//   pack       a channel of the chunk's 16 images at a time into lanes order P [H', W', 16],
//              zero-padded, so that every transform value below is one vector: a pixel of 16
//              images
//   transform  each 6x6 input tile (tiles overlap by 2) into V [36, C, T]: 36 points xi,
//              T columns = (tile, image) pairs of the chunk; the filters, once per call, into
//              U [36, O, C]
//   products   36 single-threaded sgemm, M[xi] [O, T] = U[xi] [O, C] . V[xi] [C, T]
//   inverse    A^T M A per tile: 4x4 outputs, unpacked channel by channel into y (NCHW)
// The input gradient is the same correlation of dy with each filter rotated by 180 degrees
// and the channel axes swapped, padding 2 - p. The weight gradient transforms x as above and
// dy by A dy A^T into dM [36, O, T], sums dU[xi] [O, C] = dM[xi] . V[xi]^T over the batch
// (in four fixed parts of it, added in order) and maps dU back to 3x3 by G^T dU G.
//
// Why it is fast: 36 multiply-adds per channel pair and 4x4 outputs instead of 144; the
// products are [O, C] x [C, T >= 64], small enough that a chunk's points and products stay
// near the core (the 7x7 layer ran 20% faster than with T = 256) and large enough for OpenBLAS
// to run near its best rate; the transforms run 16 images per instruction; and the threads
// take the chunks in turn, each with single-threaded products and its own buffers.
// Tests: test_ops_conv.cpp (the model's stride-1 geometries, padding 0-2, odd batches).
#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels/conv2d_cpu_lowerings.h"
#include "kernels/cpu_gemm.h"
#include "kernels/cpu_pass_timer.h"
#include "kernels/cpu_runtime.h"
#include "kernels/winograd_f4x3.h"

namespace dae::cpu::winograd {

namespace {

// Grow-only, one set per thread (the chunks of a call run on the pool's threads).
thread_local std::vector<float> g_packed, g_points, g_products, g_filters, g_filter_sums;

// The tiles of a stride-1 3x3 correlation of [height, width] maps with this padding: each
// 4x4 output block reads the 6x6 input block that starts 4 pixels further on.
struct Tiling {
  int64_t height, width, padding, out_height, out_width, tiles_y, tiles_x;
  Tiling(int64_t h, int64_t w, int64_t p)
      : height(h),
        width(w),
        padding(p),
        out_height(h + 2 * p - 2),
        out_width(w + 2 * p - 2),
        tiles_y((out_height + kOutput - 1) / kOutput),
        tiles_x((out_width + kOutput - 1) / kOutput) {}
  int64_t tiles() const { return tiles_y * tiles_x; }
};

// The chunks: groups of 16 images (fewer in the batch's last), T = 16 * tiles columns each.
int64_t groups_of(int64_t batch) { return (batch + kLanes - 1) / kLanes; }

// One channel of a group of images in lanes order, P[py][px][lane] = plane of image
// (first + lane) at (py - pad, px - pad): zero outside the map and in lanes past the batch.
// `plane` points at the first image's map; the next image's is image_stride further on.
// Each map is read as a flat run of height * width floats, 16 pixels of the 16 images at a
// time, turned into 16 vectors of one pixel each by one transpose.
DAE_CPU_CLONES
void pack_plane(const float* plane, int64_t image_stride, int64_t images, int64_t height, int64_t width, int64_t pad,
                int64_t packed_height, int64_t packed_width, float* packed) {
  PassTimer timer("pack");
  const int64_t row = packed_width * kLanes;
  std::fill(packed, packed + pad * row, 0.0f);  // the frame around the map
  for (int64_t py = pad; py < pad + height; ++py) {
    std::fill(packed + py * row, packed + py * row + pad * kLanes, 0.0f);
    std::fill(packed + py * row + (pad + width) * kLanes, packed + (py + 1) * row, 0.0f);
  }
  std::fill(packed + (pad + height) * row, packed + packed_height * row, 0.0f);
  const int64_t map = height * width;
  int64_t y = 0, x = 0;
  for (int64_t p0 = 0; p0 < map; p0 += kLanes) {
    const int64_t n = std::min<int64_t>(kLanes, map - p0);
    Lanes block[kLanes] = {};
    for (int64_t lane = 0; lane < images; ++lane) {
      if (n == kLanes)
        load(block[lane], plane + lane * image_stride + p0);
      else
        std::memcpy(&block[lane], plane + lane * image_stride + p0, static_cast<size_t>(n) * sizeof(float));
    }
    transpose(block);
    for (int64_t k = 0; k < n; ++k) {
      store(packed + (y + pad) * row + (x + pad) * kLanes, block[k]);
      if (++x == width) x = 0, ++y;
    }
  }
}

// The inverse, for outputs: the flat [height * width] map of image (first + lane) =
// P[pixel][lane].
DAE_CPU_CLONES
void unpack_plane(const float* packed, int64_t images, int64_t map, float* plane, int64_t image_stride) {
  PassTimer timer("unpack");
  for (int64_t p0 = 0; p0 < map; p0 += kLanes) {
    const int64_t n = std::min<int64_t>(kLanes, map - p0);
    Lanes block[kLanes] = {};
    for (int64_t k = 0; k < n; ++k) load(block[k], packed + (p0 + k) * kLanes);
    transpose(block);
    for (int64_t lane = 0; lane < images; ++lane) {
      if (n == kLanes)
        store(plane + lane * image_stride + p0, block[lane]);
      else
        std::memcpy(plane + lane * image_stride + p0, &block[lane], static_cast<size_t>(n) * sizeof(float));
    }
  }
}

// points[xi][c][tile, lane] = Transform2d(tile)[xi] for each channel c and tile of the
// images [first, first + images) of src [N, channels, height, width]; a tile is Side x Side
// pixels of the map padded by `pad`, the tiles 4 apart. Inlined into the two passes below.
template <int Side, void (*Transform2d)(const Lanes*, Lanes*)>
DAE_CPU_INLINE void transform_tiles(const float* src, int64_t first, int64_t images, int64_t channels, int64_t height,
                                    int64_t width, int64_t pad, const Tiling& t, float* points, const char* pass) {
  const int64_t ph = kOutput * t.tiles_y + Side - kOutput, pw = kOutput * t.tiles_x + Side - kOutput;
  const int64_t map = height * width, columns = t.tiles() * kLanes;
  float* packed = grow_scratch(g_packed, ph * pw * kLanes);
  for (int64_t c = 0; c < channels; ++c) {
    pack_plane(src + (first * channels + c) * map, channels * map, images, height, width, pad, ph, pw, packed);
    PassTimer timer(pass);
    for (int64_t ty = 0; ty < t.tiles_y; ++ty)
      for (int64_t tx = 0; tx < t.tiles_x; ++tx) {
        const float* in = packed + (kOutput * ty * pw + kOutput * tx) * kLanes;
        Lanes tile[Side * Side], v[kPoints];
        for (int i = 0; i < Side; ++i)
          for (int j = 0; j < Side; ++j) load(tile[i * Side + j], in + (i * pw + j) * kLanes);
        Transform2d(tile, v);
        float* out = points + c * columns + (ty * t.tiles_x + tx) * kLanes;
        for (int xi = 0; xi < kPoints; ++xi) store(out + xi * channels * columns, v[xi]);
      }
  }
}

// V = B^T d B of the inputs x, tiles 6x6.
DAE_CPU_CLONES
void transform_inputs(const float* x, int64_t first, int64_t images, int64_t channels, const Tiling& t, float* points) {
  transform_tiles<kTile, input_2d>(x, first, images, channels, t.height, t.width, t.padding, t, points,
                                   "input transform");
}

// dM = A dy A^T of the output gradients dy [N, channels, Ho, Wo], tiles 4x4 (zero past the
// map's edge).
DAE_CPU_CLONES
void transform_output_gradients(const float* dy, int64_t first, int64_t images, int64_t channels, const Tiling& t,
                                float* points) {
  transform_tiles<kOutput, output_gradient_2d>(dy, first, images, channels, t.out_height, t.out_width, 0, t, points,
                                               "output gradient transform");
}

// y[first + lane][o] = A^T M A, tile by tile, for the images of one group.
DAE_CPU_CLONES
void transform_outputs(const float* products, int64_t channels, const Tiling& t, int64_t first, int64_t images,
                       float* y) {
  const int64_t Wo = t.out_width, map = t.out_height * Wo, columns = t.tiles() * kLanes;
  float* packed = grow_scratch(g_packed, map * kLanes);
  for (int64_t o = 0; o < channels; ++o) {
    {
      PassTimer timer("output transform");
      for (int64_t ty = 0; ty < t.tiles_y; ++ty)
        for (int64_t tx = 0; tx < t.tiles_x; ++tx) {
          const float* in = products + o * columns + (ty * t.tiles_x + tx) * kLanes;
          Lanes m[kPoints], out[kOutput * kOutput];
          for (int xi = 0; xi < kPoints; ++xi) load(m[xi], in + xi * channels * columns);
          output_2d(m, out);
          const int64_t rows = std::min<int64_t>(kOutput, t.out_height - kOutput * ty);
          const int64_t cols = std::min<int64_t>(kOutput, Wo - kOutput * tx);
          float* block = packed + (kOutput * ty * Wo + kOutput * tx) * kLanes;
          for (int64_t i = 0; i < rows; ++i)
            for (int64_t j = 0; j < cols; ++j) store(block + (i * Wo + j) * kLanes, out[i * kOutput + j]);
        }
    }
    unpack_plane(packed, images, map, y + (first * channels + o) * map, channels * map);
  }
}

// U[xi][a][b] = (G g G^T)[xi], g the filter from input channel b to output channel a of the
// correlation computed: weight[a][b] as stored ([outs, ins, 3, 3]), or, flipped (the input
// gradient), weight[b][a] ([ins, outs, 3, 3]) rotated by 180 degrees.
DAE_CPU_CLONES
void transform_filters(const float* weight, int64_t outs, int64_t ins, bool flipped, float* filters) {
  PassTimer timer("filter transform");
  const int64_t count = outs * ins;
  for (int64_t f0 = 0; f0 < count; f0 += kLanes) {
    const int64_t lanes = std::min<int64_t>(kLanes, count - f0);
    Lanes g[9] = {}, u[kPoints];
    for (int64_t lane = 0; lane < lanes; ++lane) {
      const int64_t a = (f0 + lane) / ins, b = (f0 + lane) % ins;
      const float* source = flipped ? weight + (b * outs + a) * 9 : weight + (a * ins + b) * 9;
      for (int k = 0; k < 9; ++k) g[k][lane] = source[flipped ? 8 - k : k];
    }
    filter_2d(g, u);
    for (int xi = 0; xi < kPoints; ++xi)
      for (int64_t lane = 0; lane < lanes; ++lane) filters[xi * count + f0 + lane] = u[xi][lane];
  }
}

// dweight[f] = G^T dU[.][f] G for the count = O*C filters f.
DAE_CPU_CLONES
void transform_filter_gradients(const float* sums, int64_t count, float* dweight) {
  PassTimer timer("filter gradient transform");
  for (int64_t f0 = 0; f0 < count; f0 += kLanes) {
    const int64_t lanes = std::min<int64_t>(kLanes, count - f0);
    Lanes du[kPoints] = {}, dg[9];
    for (int xi = 0; xi < kPoints; ++xi)
      for (int64_t lane = 0; lane < lanes; ++lane) du[xi][lane] = sums[xi * count + f0 + lane];
    filter_gradient_2d(du, dg);
    for (int64_t lane = 0; lane < lanes; ++lane)
      for (int k = 0; k < 9; ++k) dweight[(f0 + lane) * 9 + k] = dg[k][lane];
  }
}

// out [N, outs, Ho, Wo] = the stride-1 3x3 correlation of in [N, ins, H, W] with the
// transformed filters U [36, outs, ins].
void correlate(const float* in, int64_t batch, int64_t ins, const Tiling& t, const float* filters, int64_t outs,
               float* out) {
  const int64_t columns = t.tiles() * kLanes;
  parallel_for(groups_of(batch), [&](int64_t group) {
    const int64_t first = group * kLanes, images = std::min<int64_t>(kLanes, batch - first);
    float* points = grow_scratch(g_points, kPoints * ins * columns);
    float* products = grow_scratch(g_products, kPoints * outs * columns);
    transform_inputs(in, first, images, ins, t, points);
    for (int xi = 0; xi < kPoints; ++xi)
      sgemm(ProductShape{outs, columns, ins}, filters + xi * outs * ins, points + xi * ins * columns, 0.0f,
            products + xi * outs * columns);
    transform_outputs(products, outs, t, first, images, out);
  });
}

}  // namespace

bool applies(const Conv2dShape& s) {
  return s.kernel_height == 3 && s.kernel_width == 3 && s.stride == 1 && s.padding <= 2;
}

void forward(const float* x, const float* weight, float* y, const Conv2dShape& s) {
  float* filters = grow_scratch(g_filters, kPoints * s.out_channels * s.in_channels);
  transform_filters(weight, s.out_channels, s.in_channels, false, filters);
  correlate(x, s.batch, s.in_channels, Tiling(s.in_height, s.in_width, s.padding), filters, s.out_channels, y);
}

void backward_input(const float* dy, const float* weight, float* dx, const Conv2dShape& s) {
  float* filters = grow_scratch(g_filters, kPoints * s.out_channels * s.in_channels);
  transform_filters(weight, s.in_channels, s.out_channels, true, filters);
  correlate(dy, s.batch, s.out_channels, Tiling(s.out_height(), s.out_width(), 2 - s.padding), filters, s.in_channels,
            dx);
}

void backward_weight(const float* dy, const float* x, float* dweight, const Conv2dShape& s) {
  const Tiling t(s.in_height, s.in_width, s.padding);
  const int64_t C = s.in_channels, O = s.out_channels, count = O * C, columns = t.tiles() * kLanes;
  float* sums = grow_scratch(g_filter_sums, kGradientParts * kPoints * count);
  const int64_t parts =
      for_each_chunk_by_part(groups_of(s.batch), [&](int64_t part, int64_t group, bool first_of_part) {
        const int64_t first = group * kLanes, images = std::min<int64_t>(kLanes, s.batch - first);
        float* points = grow_scratch(g_points, kPoints * C * columns);
        float* gradient_points = grow_scratch(g_products, kPoints * O * columns);
        transform_inputs(x, first, images, C, t, points);
        transform_output_gradients(dy, first, images, O, t, gradient_points);
        for (int xi = 0; xi < kPoints; ++xi)
          sgemm(ProductShape{O, C, columns, false, true}, gradient_points + xi * O * columns, points + xi * C * columns,
                first_of_part ? 0.0f : 1.0f, sums + (part * kPoints + xi) * count);
      });
  sum_parts(sums, parts, kPoints * count, sums);
  transform_filter_gradients(sums, count, dweight);
}

}  // namespace dae::cpu::winograd
