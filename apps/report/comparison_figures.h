// The pictures of `mnist_dae compare`, drawn from its numbers (apps/report/comparison_results.h),
// each model in its colour (model_color) in every one:
//   loss chart    train and test MSE by epoch (apps/report/loss_curves.h), log scale, with the
//                 noisy input's MSE as a dotted line
//   digit grid    the same test digits in rows: clean, noisy input, then each model's output
//   noise sweep   test PSNR against the test noise std, one line per model, the noisy input's
//                 own PSNR (dashed gray; infinite at std 0, so not drawn there), and the
//                 training noise marked
//   classifiers   linear probe and k-NN test accuracy on each model's code, trained and
//                 untrained (the control), and on raw pixels (apps/drawing/dot_chart.h)
#pragma once

#include "apps/drawing/picture.h"
#include "apps/report/comparison_results.h"

namespace dae {

constexpr int kSampleGridScale = 3;

Picture draw_loss_comparison(const ComparisonResults& results);
Picture draw_sample_grid(const ComparisonResults& results);
Picture draw_noise_sweep(const ComparisonResults& results);
Picture draw_classifier_comparison(const ComparisonResults& results);

}  // namespace dae
