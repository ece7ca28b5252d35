// The report of `mnist_dae compare`, built from its numbers alone (apps/report/comparison_results.h).
// It leads with its answer, then shows the evidence, then how it was obtained:
//   Findings               sentences computed from the numbers: the unfavourable ones first
//                          (a model worse than its noisy input), who denoises best and by how
//                          much, what the probes show against their untrained controls
//   Results                one row per model and one for the noisy input (the baseline), and
//                          what each costs

//   Training curves        the loss chart (loss.png / loss.svg)
//   Reconstructions        the digit grid (samples.png)
//   Noise robustness       PSNR against the test noise: a chart (noise_sweep), what it shows,
//                          PSNR and SSIM tables
//   Classification from the codes   linear probe and k-NN on each code, trained and untrained,
//                          and on raw pixels: a chart (classifiers) and a table
//   Per-class test MSE     one row per digit, the hardest and easiest
//   Time per stage         what each stage of the run took
//   Setup                  recipe, data, device, precision, seed, software, the command; conventions
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
