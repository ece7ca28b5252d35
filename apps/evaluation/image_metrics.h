// How close a reconstruction is to the clean image, for pixels on a [0, data_range] scale:
//   MSE   mean over the pixels of (x - y)^2
//   PSNR  10 log10(data_range^2 / MSE) dB; +infinity when MSE = 0
//   SSIM  Wang, Bovik, Sheikh, Simoncelli, "Image quality assessment: from error visibility to
//         structural similarity", IEEE Trans. Image Processing 13(4), 2004. For each position
//         of a window w (11x11 Gaussian, sigma 1.5, weights summing to 1):
//           mu_x = sum w x,  s_x^2 = sum w x^2 - mu_x^2,  s_xy = sum w x y - mu_x mu_y
//           SSIM = (2 mu_x mu_y + C1)(2 s_xy + C2) / ((mu_x^2 + mu_y^2 + C1)(s_x^2 + s_y^2 + C2))
//         with C1 = (K1 L)^2, C2 = (K2 L)^2, K1 = 0.01, K2 = 0.03, L = data_range. The window
//         visits every position where it lies wholly inside the image (the "valid" region:
//         18x18 positions on a 28x28 digit; no padding) and the image's SSIM is their mean.
//         This is the paper's reference code (ssim_index.m: filter2 'valid', biased moments), and
//         what scikit-image's structural_similarity(x, y, data_range=1, gaussian_weights=True,
//         sigma=1.5, use_sample_covariance=False) computes.
// Everything is accumulated in double. Tests: test_image_metrics.cpp.
#pragma once

#include <cstdint>
#include <vector>

namespace dae {

struct SsimOptions {
  int window = 11;
  double sigma = 1.5;
  double k1 = 0.01, k2 = 0.03;
  double data_range = 1.0;
};

double mean_squared_error(const float* x, const float* y, int64_t n);
double psnr_from_mse(double mse, double data_range = 1.0);

// The window's one-dimensional factor: exp(-d^2 / (2 sigma^2)) for d = -(size-1)/2 .. (size-1)/2,
// normalized to sum 1 (the 2-D window is its outer product). size must be odd.
std::vector<double> gaussian_window(int size, double sigma);

// One rows x cols image pair, row-major. Throws when the image is smaller than the window.
double ssim(const float* x, const float* y, int rows, int cols, const SsimOptions& options = {});

// `count` image pairs stored one after another (rows*cols values each): one value per image.
// Images are processed in parallel (the CPU backend's threads, kernels/cpu_threads.h).
std::vector<double> mse_per_image(const float* x, const float* y, int64_t count, int rows, int cols);
std::vector<double> ssim_per_image(const float* x, const float* y, int64_t count, int rows, int cols,
                                   const SsimOptions& options = {});

}  // namespace dae
