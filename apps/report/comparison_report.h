// The report of `mnist_dae compare`, built from its numbers alone (apps/report/comparison_results.h),
// in this order:
//   Setup                  recipe, data, device, precision, seed, software, the command; conventions
//   Results                one row per model and one for the noisy input (the baseline)
//   Training curves        the loss chart (loss.png)
//   Reconstructions        the digit grid (samples.png)
//   Noise robustness       PSNR and SSIM against the test noise: tables, and a chart (noise_sweep.png)
//   Classification from the codes   linear probe and k-NN on each code and on raw pixels
//   Per-class test MSE     one row per digit
//   Findings               sentences computed from the numbers above: who wins what, by how much
#pragma once

#include <string>
#include <vector>

#include "apps/report/comparison_results.h"
#include "apps/report/report_writer.h"

namespace dae {

Report build_comparison_report(const ComparisonResults& results);

// The section headings above, in order.
const std::vector<std::string>& comparison_sections();

// The Results table: one row per model, then the noisy input's.
ReportTable comparison_table(const ComparisonResults& results);

}  // namespace dae
