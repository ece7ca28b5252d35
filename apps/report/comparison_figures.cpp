#include "apps/report/comparison_figures.h"

#include "apps/drawing/digit_grid.h"
#include "apps/drawing/line_chart.h"
#include "apps/report/loss_curves.h"
#include "apps/report/text_format.h"

namespace dae {

Canvas draw_loss_comparison(const ComparisonResults& results) {
  std::vector<Series> series;
  for (size_t m = 0; m < results.models.size(); ++m) {
    const ModelComparison& model = results.models[m];
    Series train{model.name + " train", {}, {}, series_color(m)};
    Series test{model.name + " test", {}, {}, series_color(m), true};
    add_loss_points(model.history, train, test);
    series.push_back(train);
    series.push_back(test);
  }
  return draw_line_chart(series, loss_chart_options("MSE by epoch: train (solid), test (dashed)"));
}

Canvas draw_sample_grid(const ComparisonResults& results) {
  const DigitSamples& s = results.samples;
  constexpr int64_t kPixels = kDigitSide * kDigitSide;
  auto row = [&](const std::string& label, const std::vector<float>& images) {
    DigitRow r{label, {}};
    for (size_t k = 0; k < s.indices.size(); ++k) r.images.push_back(images.data() + static_cast<int64_t>(k) * kPixels);
    return r;
  };
  std::vector<DigitRow> rows = {row("clean", s.clean), row("noisy input", s.noisy)};
  for (size_t m = 0; m < results.models.size() && m < s.outputs.size(); ++m)
    rows.push_back(row(results.models[m].name, s.outputs[m]));
  return draw_digit_grid(rows, kSampleGridScale,
                         "test digits at noise std " + format_number(results.noise_std) + ", one input for all models");
}

Canvas draw_noise_sweep(const ComparisonResults& results) {
  std::vector<Series> series;
  for (size_t m = 0; m < results.models.size(); ++m) {
    Series line{results.models[m].name, results.sigmas, {}, series_color(m)};
    for (const QualitySummary& q : results.models[m].sweep) line.y.push_back(q.psnr);
    series.push_back(line);
  }
  Series baseline{"noisy input", results.sigmas, {}, kBaselineGray, true};
  for (const QualitySummary& q : results.noisy_sweep) baseline.y.push_back(q.psnr);
  series.push_back(baseline);
  ChartOptions options;
  options.title = "Test PSNR against the test noise (trained at std " + format_number(results.noise_std) + ")";
  options.x_label = "noise std of the test input";
  options.y_label = "PSNR (dB)";
  return draw_line_chart(series, options);
}

}  // namespace dae
