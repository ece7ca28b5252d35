// Tests of the Gaussian noise (kernels/noise.h, kernels/batch_gather.h, ops::add_gaussian_noise)
// on the CPU: the moments and tails of a large draw within bounds derived from the sample
// size, independence of neighbouring elements, determinism (same bits for the same seed and
// stream at any thread count and any length; other bits for another seed or stream), and the
// batch gather, which must equal add_gaussian_noise of the gathered clean batch bit for bit.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

#include "core/ops.h"
#include "kernels/batch_gather.h"
#include "kernels/cpu_runtime.h"
#include "kernels/noise.h"
#include "kernels/philox.h"
#include "tests/reference.h"

using namespace dae;
using namespace dae::test;

namespace {

constexpr int64_t kDraws = 1000000;

// z = (y - x) / std for a draw of n elements over a constant x.
std::vector<double> standard_normals(int64_t n, const NoiseParams& params, float x_value) {
  const std::vector<float> x(static_cast<size_t>(n), x_value);
  std::vector<float> y(x.size());
  cpu::add_gaussian_noise(x.data(), y.data(), n, params);
  std::vector<double> z(y.size());
  for (size_t i = 0; i < y.size(); ++i) z[i] = (static_cast<double>(y[i]) - x_value) / params.std;
  return z;
}

std::vector<float> draw(int64_t n, const NoiseParams& params) {
  const std::vector<float> zeros(static_cast<size_t>(n), 0.0f);
  std::vector<float> y(zeros.size());
  cpu::add_gaussian_noise(zeros.data(), y.data(), n, params);
  return y;
}

double fraction_equal(const std::vector<float>& a, const std::vector<float>& b) {
  size_t equal = 0;
  for (size_t i = 0; i < a.size(); ++i) equal += a[i] == b[i];
  return static_cast<double>(equal) / static_cast<double>(a.size());
}

}  // namespace

// The generator itself, against the known-answer vectors Random123 (the reference
// implementation of Salmon et al.) publishes in kat_vectors for philox4x32 with 10 rounds:
// counter (4 words), key (2 words) -> output (4 words). Every noise bit on both backends is
// built from this function, so any change to its arithmetic shows here first.
TEST_CASE("philox4x32_10 reproduces Random123's known-answer vectors", "[kernels][noise]") {
  struct KnownAnswer {
    Philox4 counter;
    uint32_t key0, key1;
    Philox4 expected;
  };
  const KnownAnswer answers[] = {
      {{{0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u}},
       0x00000000u,
       0x00000000u,
       {{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}}},
      {{{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}},
       0xffffffffu,
       0xffffffffu,
       {{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}}},
      {{{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}},
       0xa4093822u,
       0x299f31d0u,
       {{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}}},
  };
  for (const KnownAnswer& a : answers) {
    const Philox4 bits = philox4x32_10(a.counter, a.key0, a.key1);
    INFO("counter " << std::hex << a.counter.v[0] << " " << a.counter.v[1] << " " << a.counter.v[2] << " "
                    << a.counter.v[3] << ", key " << a.key0 << " " << a.key1 << ": got " << bits.v[0] << " "
                    << bits.v[1] << " " << bits.v[2] << " " << bits.v[3]);
    for (int k = 0; k < 4; ++k) CHECK(bits.v[k] == a.expected.v[k]);
  }
}

TEST_CASE("noise has mean 0, std 1 and normal tails for a million draws", "[kernels][noise]") {
  // x = 0.3, std 0.5: z = (y - x) / std recovers the standard normals up to float rounding of
  // y (~3e-8 absolute), far below the statistical bounds below.
  const std::vector<double> z = standard_normals(kDraws, NoiseParams{2024, 7, 0.5f}, 0.3f);
  const double n = static_cast<double>(z.size());
  double sum = 0.0, squares = 0.0, max_abs = 0.0;
  std::array<double, 3> beyond{0, 0, 0};
  for (double v : z) {
    REQUIRE(std::isfinite(v));
    sum += v;
    squares += v * v;
    max_abs = std::max(max_abs, std::abs(v));
    for (size_t k = 0; k < 3; ++k) beyond[k] += std::abs(v) > static_cast<double>(k + 1);
  }
  const double mean = sum / n, std = std::sqrt(squares / n - mean * mean);
  // The sample mean has sd 1/sqrt(n) = 1e-3: 5e-3 is 5 sd. The sample std has sd
  // 1/sqrt(2n) = 7.1e-4: 5e-3 is 7 sd.
  CHECK(std::abs(mean) < 5e-3);
  CHECK(std::abs(std - 1.0) < 5e-3);
  // P(|z| > k) for a standard normal, k = 1, 2, 3; a sample fraction has sd sqrt(p (1-p) / n)
  // = 4.7e-4, 2.1e-4, 5.2e-5: allow 5 sd.
  const std::array<double, 3> p{0.3173105078629141, 0.0455002638963584, 0.0026997960632601};
  for (size_t k = 0; k < 3; ++k) {
    INFO("fraction beyond " << k + 1 << " sigma: " << beyond[k] / n << ", expected " << p[k]);
    CHECK(std::abs(beyond[k] / n - p[k]) < 5.0 * std::sqrt(p[k] * (1.0 - p[k]) / n));
  }
  // u1 has 24 random bits: |z| <= sqrt(2 * 24 ln 2) = 5.77 (kernels/noise.h); a normal sample
  // of 1e6 reaches ~4.9 in expectation, so it must be above 4.
  CHECK(max_abs <= 5.77);
  CHECK(max_abs > 4.0);
}

TEST_CASE("neighbouring noise elements are uncorrelated", "[kernels][noise]") {
  // Elements 4g..4g+3 come from one Philox block and two Box-Muller pairs (cos and sin of one
  // angle): a mistake there shows as a lag-1 or lag-2 correlation. A sample correlation of
  // independent values has sd 1/sqrt(n) = 1e-3: allow 5 sd.
  const std::vector<double> z = standard_normals(kDraws, NoiseParams{99, 3, 1.0f}, 0.0f);
  for (size_t lag : {1, 2, 4}) {
    double product = 0.0;
    for (size_t i = 0; i + lag < z.size(); ++i) product += z[i] * z[i + lag];
    INFO("lag " << lag);
    CHECK(std::abs(product / static_cast<double>(z.size() - lag)) < 5e-3);
  }
}

TEST_CASE("noise is a pure function of seed, stream and element index", "[kernels][noise]") {
  const NoiseParams params{123456789012345ull, 42, 1.0f};
  ThreadCountGuard restore;
  cpu::set_num_threads(1);
  const std::vector<float> one_thread = draw(kDraws + 3, params);
  cpu::set_num_threads(2);
  const std::vector<float> two_threads = draw(kDraws + 3, params);
  CHECK(same_bits(one_thread, two_threads));

  // Element i does not depend on n: a short odd draw is a prefix of a long one.
  const std::vector<float> short_draw = draw(11, params);
  CHECK(same_bits(short_draw, std::vector<float>(one_thread.begin(), one_thread.begin() + 11)));

  // Another seed (also one differing only in its high word) or stream: new numbers.
  for (const NoiseParams other :
       {NoiseParams{params.seed + 1, 42, 1.0f}, NoiseParams{params.seed ^ (1ull << 40), 42, 1.0f},
        NoiseParams{params.seed, 43, 1.0f}, NoiseParams{params.seed, 42 + (1ull << 33), 1.0f}}) {
    INFO("seed " << other.seed << ", stream " << other.stream);
    CHECK(fraction_equal(one_thread, draw(kDraws + 3, other)) < 1e-3);
  }

  // Part of the stream read through stream_offset (a training step's draw: the optimizer's
  // step count) is the same draw.
  const int64_t offset = 40;
  CHECK(same_bits(one_thread, draw(kDraws + 3, NoiseParams{params.seed, 2, 1.0f, &offset})));
}

TEST_CASE("ops::add_gaussian_noise adds the kernel's draw to a tensor", "[kernels][noise]") {
  const Tensor x = random_tensor({37, 784}, 1, 0.0f, 1.0f);
  const NoiseParams params{5, 6, 0.3f};
  const Tensor y = ops::add_gaussian_noise(x, params);
  CHECK(y.shape() == x.shape());
  CHECK_FALSE(y.requires_grad());
  std::vector<float> expected(static_cast<size_t>(x.numel()));
  cpu::add_gaussian_noise(x.data(), expected.data(), x.numel(), params);
  CHECK(same_bits(y.to_vector(), expected));
  CHECK(fraction_equal(y.to_vector(), x.to_vector()) < 1e-3);
}

TEST_CASE("gather_noisy_batch equals add_gaussian_noise of the gathered clean batch", "[kernels][noise]") {
  // 50 random uint8 images of 784 pixels (plus every pixel value 0..255 in image 0), a batch of
  // 37 indices with repeats, in shuffled order.
  const int64_t count = 50, pixels = 784, batch = 37;
  std::mt19937 engine(7);
  std::uniform_int_distribution<int> byte(0, 255), index(0, static_cast<int>(count - 1));
  std::vector<uint8_t> images(static_cast<size_t>(count * pixels));
  for (uint8_t& p : images) p = static_cast<uint8_t>(byte(engine));
  for (int v = 0; v < 256; ++v) images[static_cast<size_t>(v)] = static_cast<uint8_t>(v);
  std::vector<int32_t> indices(static_cast<size_t>(batch));
  for (int32_t& i : indices) i = index(engine);
  indices[5] = 0;

  const NoiseParams params{77, 1234, 0.4f};
  std::vector<float> clean(static_cast<size_t>(batch * pixels)), noisy(clean.size());
  cpu::gather_noisy_batch(images.data(), indices.data(), clean.data(), noisy.data(), GatherShape{batch, pixels},
                          params);

  bool clean_exact = true;
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t p = 0; p < pixels; ++p) {
      const uint8_t pixel = images[static_cast<size_t>(indices[static_cast<size_t>(b)] * pixels + p)];
      // pixel / 255 correctly rounded to float. In binary p / 255 = 0.pppppppp pppppppp ...
      // (255 = 2^8 - 1), never close to a float rounding midpoint, so going through double
      // rounds the same way as one float division.
      clean_exact &= clean[static_cast<size_t>(b * pixels + p)] == static_cast<float>(pixel / 255.0);
    }
  CHECK(clean_exact);
  CHECK(clean[5 * pixels + 255] == 1.0f);
  CHECK(clean[5 * pixels] == 0.0f);

  std::vector<float> expected(clean.size());
  cpu::add_gaussian_noise(clean.data(), expected.data(), batch * pixels, params);
  CHECK(same_bits(noisy, expected));
}
