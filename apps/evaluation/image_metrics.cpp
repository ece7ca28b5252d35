#include "apps/evaluation/image_metrics.h"

#include <cmath>
#include <limits>

#include "core/error.h"
#include "kernels/cpu_threads.h"

namespace dae {

namespace {

// The valid 2-D correlation of a rows x cols map with the window g (outer) g: a horizontal
// pass into `across` [rows, cols - w + 1], then a vertical one into `out` [rows - w + 1, cols - w + 1].
void filter_valid(const std::vector<double>& map, int rows, int cols, const std::vector<double>& g,
                  std::vector<double>& across, std::vector<double>& out) {
  const int w = static_cast<int>(g.size()), out_rows = rows - w + 1, out_cols = cols - w + 1;
  across.assign(static_cast<size_t>(rows) * out_cols, 0.0);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < out_cols; ++c) {
      double sum = 0;
      for (int k = 0; k < w; ++k) sum += g[k] * map[static_cast<size_t>(r) * cols + c + k];
      across[static_cast<size_t>(r) * out_cols + c] = sum;
    }
  out.assign(static_cast<size_t>(out_rows) * out_cols, 0.0);
  for (int r = 0; r < out_rows; ++r)
    for (int c = 0; c < out_cols; ++c) {
      double sum = 0;
      for (int k = 0; k < w; ++k) sum += g[k] * across[static_cast<size_t>(r + k) * out_cols + c];
      out[static_cast<size_t>(r) * out_cols + c] = sum;
    }
}

void check_ssim_shape(int rows, int cols, const SsimOptions& options) {
  DAE_CHECK(rows >= options.window && cols >= options.window,
            "ssim: a " << rows << "x" << cols << " image is smaller than the " << options.window << "x"
                       << options.window << " window");
}

// SSIM of one image pair with a window already built and checked: throws nothing, so it can
// run inside a parallel loop.
double ssim_with_window(const float* x, const float* y, int rows, int cols, const std::vector<double>& g,
                        const SsimOptions& options) {
  const size_t n = static_cast<size_t>(rows) * cols;
  std::vector<double> maps[5];  // x, y, x^2, y^2, x y
  for (auto& m : maps) m.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const double a = x[i], b = y[i];
    maps[0][i] = a;
    maps[1][i] = b;
    maps[2][i] = a * a;
    maps[3][i] = b * b;
    maps[4][i] = a * b;
  }
  std::vector<double> across, moments[5];  // mu_x, mu_y, E[x^2], E[y^2], E[x y] per position
  for (int m = 0; m < 5; ++m) filter_valid(maps[m], rows, cols, g, across, moments[m]);

  const double c1 = std::pow(options.k1 * options.data_range, 2);
  const double c2 = std::pow(options.k2 * options.data_range, 2);
  double sum = 0;
  const size_t positions = moments[0].size();
  for (size_t p = 0; p < positions; ++p) {
    const double mx = moments[0][p], my = moments[1][p];
    const double vx = moments[2][p] - mx * mx, vy = moments[3][p] - my * my;
    const double cxy = moments[4][p] - mx * my;
    sum += (2 * mx * my + c1) * (2 * cxy + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2));
  }
  return sum / static_cast<double>(positions);
}

}  // namespace

double mean_squared_error(const float* x, const float* y, int64_t n) {
  DAE_CHECK(n > 0, "mean_squared_error: no values");
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) {
    const double d = static_cast<double>(x[i]) - static_cast<double>(y[i]);
    sum += d * d;
  }
  return sum / static_cast<double>(n);
}

double psnr_from_mse(double mse, double data_range) {
  if (mse == 0) return std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(data_range * data_range / mse);
}

std::vector<double> gaussian_window(int size, double sigma) {
  DAE_CHECK(size >= 1 && size % 2 == 1, "gaussian_window: the size must be odd and positive, got " << size);
  DAE_CHECK(sigma > 0, "gaussian_window: sigma must be positive, got " << sigma);
  std::vector<double> g(static_cast<size_t>(size));
  double total = 0;
  for (int i = 0; i < size; ++i) {
    const double d = i - (size - 1) / 2;
    g[i] = std::exp(-d * d / (2 * sigma * sigma));
    total += g[i];
  }
  for (double& v : g) v /= total;
  return g;
}

double ssim(const float* x, const float* y, int rows, int cols, const SsimOptions& options) {
  check_ssim_shape(rows, cols, options);
  return ssim_with_window(x, y, rows, cols, gaussian_window(options.window, options.sigma), options);
}

std::vector<double> mse_per_image(const float* x, const float* y, int64_t count, int rows, int cols) {
  const int64_t pixels = static_cast<int64_t>(rows) * cols;
  DAE_CHECK(pixels > 0, "mse_per_image: empty " << rows << "x" << cols << " images");
  std::vector<double> result(static_cast<size_t>(count));
  cpu::parallel_for(count, count * pixels,
                    [&](int64_t i) { result[i] = mean_squared_error(x + i * pixels, y + i * pixels, pixels); });
  return result;
}

std::vector<double> ssim_per_image(const float* x, const float* y, int64_t count, int rows, int cols,
                                   const SsimOptions& options) {
  check_ssim_shape(rows, cols, options);
  const std::vector<double> g = gaussian_window(options.window, options.sigma);
  const int64_t pixels = static_cast<int64_t>(rows) * cols;
  std::vector<double> result(static_cast<size_t>(count));
  cpu::parallel_for(count, [&](int64_t i) {
    result[i] = ssim_with_window(x + i * pixels, y + i * pixels, rows, cols, g, options);
  });
  return result;
}

}  // namespace dae
