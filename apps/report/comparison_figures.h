// The pictures of `mnist_dae compare`, drawn from its numbers (apps/report/comparison_results.h):
//   loss chart   train (solid) and test (dashed) MSE by epoch, one colour per model, log scale
//   digit grid   the same test digits in rows: clean, noisy input, then each model's output
//   noise sweep  test PSNR against the test noise sigma, one line per model, and the noisy
//                input's own PSNR (dashed gray; infinite at sigma 0, so not drawn there)
// Charts are ChartOptions' default size (800x500); the grid's size follows digit_grid.h with
// kSampleGridScale.
#pragma once

#include "apps/drawing/canvas.h"
#include "apps/report/comparison_results.h"

namespace dae {

constexpr int kSampleGridScale = 3;

Canvas draw_loss_comparison(const ComparisonResults& results);
Canvas draw_sample_grid(const ComparisonResults& results);
Canvas draw_noise_sweep(const ComparisonResults& results);

}  // namespace dae
