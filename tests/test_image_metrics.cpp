// Tests of apps/image_metrics: MSE and PSNR on values worked out by hand; SSIM on the cases
// whose value follows from the formula alone (an image with itself, constant images, a 1x1
// window), and on random digit-sized images against a direct double-precision implementation
// written here from the paper (every window position, 2-D weights, no separable filtering).
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "apps/evaluation/image_metrics.h"
#include "tests/test_support.h"

namespace {

using dae::SsimOptions;

std::vector<float> random_image(int rows, int cols, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
  std::vector<float> image(static_cast<size_t>(rows) * cols);
  for (float& v : image) v = uniform(rng);
  return image;
}

std::vector<float> plus_noise(const std::vector<float>& image, float std, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, std);
  std::vector<float> noisy = image;
  for (float& v : noisy) v += normal(rng);
  return noisy;
}

// Wang et al. 2004 as written: at each valid position, weighted moments over the 11x11 window
// with w(i, j) proportional to exp(-((i-5)^2 + (j-5)^2) / (2 sigma^2)), normalized over the window.
double reference_ssim(const std::vector<float>& x, const std::vector<float>& y, int rows, int cols) {
  const int w = 11, half = 5;
  const double sigma = 1.5, c1 = 0.01 * 0.01, c2 = 0.03 * 0.03;
  std::vector<double> weight(w * w);
  double total = 0;
  for (int i = 0; i < w; ++i)
    for (int j = 0; j < w; ++j)
      total += weight[i * w + j] = std::exp(-((i - half) * (i - half) + (j - half) * (j - half)) / (2 * sigma * sigma));
  for (double& v : weight) v /= total;
  double sum = 0;
  int positions = 0;
  for (int top = 0; top + w <= rows; ++top)
    for (int left = 0; left + w <= cols; ++left, ++positions) {
      double mx = 0, my = 0;
      for (int i = 0; i < w; ++i)
        for (int j = 0; j < w; ++j) {
          mx += weight[i * w + j] * x[(top + i) * cols + left + j];
          my += weight[i * w + j] * y[(top + i) * cols + left + j];
        }
      double vx = 0, vy = 0, cxy = 0;  // weighted central moments, computed directly
      for (int i = 0; i < w; ++i)
        for (int j = 0; j < w; ++j) {
          const double dx = x[(top + i) * cols + left + j] - mx, dy = y[(top + i) * cols + left + j] - my;
          vx += weight[i * w + j] * dx * dx;
          vy += weight[i * w + j] * dy * dy;
          cxy += weight[i * w + j] * dx * dy;
        }
      sum += (2 * mx * my + c1) * (2 * cxy + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2));
    }
  return sum / positions;
}

}  // namespace

TEST_CASE("MSE and PSNR: hand-computed values", "[metrics]") {
  const std::vector<float> zeros(784, 0.0f), tenths(784, 0.1f);
  CHECK(dae::mean_squared_error(zeros.data(), tenths.data(), 784) == Approx(0.01).epsilon(1e-6));
  CHECK(dae::psnr_from_mse(0.01) == Approx(20.0).margin(1e-12));
  CHECK(dae::psnr_from_mse(1e-3) == Approx(30.0).margin(1e-12));
  CHECK(dae::psnr_from_mse(255.0 * 255.0 / 100.0, 255.0) == Approx(20.0).margin(1e-12));
  CHECK(std::isinf(dae::psnr_from_mse(0.0)));
  const std::vector<float> a = {0.0f, 0.5f, 1.0f, 0.25f}, b = {0.5f, 0.5f, 0.0f, 0.75f};
  CHECK(dae::mean_squared_error(a.data(), b.data(), 4) == Approx((0.25 + 0 + 1 + 0.25) / 4).margin(1e-12));
  REQUIRE_ERROR(dae::mean_squared_error(a.data(), b.data(), 0), "no values");
}

TEST_CASE("the Gaussian window: 11 taps of sigma 1.5, symmetric, summing to 1", "[metrics]") {
  const std::vector<double> g = dae::gaussian_window(11, 1.5);
  REQUIRE(g.size() == 11);
  double total = 0;
  for (double v : g) total += v;
  CHECK(total == Approx(1.0).margin(1e-15));
  for (int d = 0; d <= 5; ++d) {
    CHECK(g[5 + d] == g[5 - d]);
    CHECK(g[5 + d] / g[5] == Approx(std::exp(-d * d / 4.5)).epsilon(1e-14));
  }
  REQUIRE_ERROR(dae::gaussian_window(10, 1.5), "odd");
}

TEST_CASE("SSIM: 1 for an image with itself, symmetric, falling with the noise", "[metrics]") {
  const std::vector<float> x = random_image(28, 28, 1);
  CHECK(dae::ssim(x.data(), x.data(), 28, 28) == Approx(1.0).margin(1e-12));
  const std::vector<float> light = plus_noise(x, 0.05f, 2), heavy = plus_noise(x, 0.3f, 3);
  CHECK(dae::ssim(x.data(), light.data(), 28, 28) == dae::ssim(light.data(), x.data(), 28, 28));
  CHECK(dae::ssim(x.data(), light.data(), 28, 28) < 1.0);
  CHECK(dae::ssim(x.data(), heavy.data(), 28, 28) < dae::ssim(x.data(), light.data(), 28, 28));
}

TEST_CASE("SSIM: known values for constant images and for a 1x1 window", "[metrics]") {
  // Constant images a and b: no variance, so only the luminance term is left,
  // (2ab + C1) / (a^2 + b^2 + C1), at every window position.
  const double c1 = 1e-4;
  for (const auto& [a, b] : {std::pair{0.5f, 0.6f}, std::pair{0.2f, 0.9f}, std::pair{0.0f, 0.3f}}) {
    const std::vector<float> x(28 * 28, a), y(28 * 28, b);
    INFO(a << " vs " << b);
    CHECK(dae::ssim(x.data(), y.data(), 28, 28) ==
          Approx((2.0 * a * b + c1) / (double{a} * a + double{b} * b + c1)).epsilon(1e-12));
  }
  // A shifted image y = x + c on one window position (11x11): the variances and the
  // covariance are equal, so SSIM is the luminance term of the two weighted means.
  const std::vector<float> x = random_image(11, 11, 4);
  std::vector<float> y = x;
  for (float& v : y) v += 0.25f;
  const std::vector<double> g = dae::gaussian_window(11, 1.5);
  double mx = 0, my = 0;
  for (int i = 0; i < 11; ++i)
    for (int j = 0; j < 11; ++j) {
      mx += g[i] * g[j] * x[i * 11 + j];
      my += g[i] * g[j] * y[i * 11 + j];
    }
  CHECK(dae::ssim(x.data(), y.data(), 11, 11) == Approx((2 * mx * my + c1) / (mx * mx + my * my + c1)).epsilon(1e-12));
  // A 1x1 window makes every pixel a window: SSIM = mean of (2xy + C1) / (x^2 + y^2 + C1).
  SsimOptions single;
  single.window = 1;
  const std::vector<float> p = {0.0f, 0.5f, 1.0f, 0.25f}, q = {0.0f, 0.5f, 0.5f, 0.75f};
  const double expected = (1.0 + 1.0 + (1.0 + c1) / (1.25 + c1) + (0.375 + c1) / (0.625 + c1)) / 4;
  CHECK(dae::ssim(p.data(), q.data(), 2, 2, single) == Approx(expected).epsilon(1e-12));
}

TEST_CASE("SSIM: random digit-sized images against a direct implementation of the paper", "[metrics]") {
  const std::vector<float> clean = random_image(28, 28, 5);
  for (float std : {0.02f, 0.1f, 0.5f}) {
    const std::vector<float> noisy = plus_noise(clean, std, 6);
    INFO("noise std " << std);
    CHECK(dae::ssim(clean.data(), noisy.data(), 28, 28) == Approx(reference_ssim(clean, noisy, 28, 28)).epsilon(1e-12));
  }
  // Not square, and only the valid positions: a change in the corner pixel reaches one window.
  const std::vector<float> a = random_image(13, 17, 7);
  std::vector<float> b = a;
  b[0] += 0.5f;
  CHECK(dae::ssim(a.data(), b.data(), 13, 17) == Approx(reference_ssim(a, b, 13, 17)).epsilon(1e-12));
  REQUIRE_ERROR(dae::ssim(a.data(), b.data(), 10, 28), "smaller than the 11x11 window");
}

TEST_CASE("per-image MSE and SSIM equal the single-image functions", "[metrics]") {
  const int count = 5;
  std::vector<float> x, y;
  for (int i = 0; i < count; ++i) {
    const std::vector<float> image = random_image(28, 28, 10 + i), noisy = plus_noise(image, 0.1f * i, 20 + i);
    x.insert(x.end(), image.begin(), image.end());
    y.insert(y.end(), noisy.begin(), noisy.end());
  }
  const std::vector<double> mse = dae::mse_per_image(x.data(), y.data(), count, 28, 28);
  const std::vector<double> ssim = dae::ssim_per_image(x.data(), y.data(), count, 28, 28);
  REQUIRE(mse.size() == count);
  REQUIRE(ssim.size() == count);
  for (int i = 0; i < count; ++i) {
    CHECK(mse[i] == dae::mean_squared_error(x.data() + i * 784, y.data() + i * 784, 784));
    CHECK(ssim[i] == dae::ssim(x.data() + i * 784, y.data() + i * 784, 28, 28));
  }
  CHECK(ssim[0] == Approx(1.0).margin(1e-12));  // noise std 0
  REQUIRE_ERROR(dae::ssim_per_image(x.data(), y.data(), count, 8, 8), "smaller than the 11x11 window");
}
