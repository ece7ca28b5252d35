// The pictures of `mnist_dae compare`, drawn from its numbers (apps/comparison_results.h):
//   loss chart   train (solid) and test (dashed) MSE by epoch, one colour per model, log scale
//   digit grid   the same test digits in rows: clean, noisy input, then each model's output
//   noise sweep  test PSNR against the test noise sigma, one line per model, and the noisy
//                input's own PSNR (dashed gray; infinite at sigma 0, so not drawn there)
// Charts are ChartOptions' default size (800x500); the grid's size follows digit_grid.h with
// kSampleGridScale.
#pragma once

#include "apps/canvas.h"
#include "apps/comparison_results.h"

namespace dae {

constexpr int kSampleGridScale = 3;

Canvas draw_loss_comparison(const ComparisonResults& results);
Canvas draw_sample_grid(const ComparisonResults& results);
Canvas draw_noise_sweep(const ComparisonResults& results);

// A setting or noise level as the report writes it, in its shortest form (printf %g): "0.1",
// "0.0002", "1e-08"; "n/a" for NaN (a figure not measured).
std::string format_number(double value);

}  // namespace dae
