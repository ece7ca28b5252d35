#include "apps/report/comparison_figures.h"

#include "apps/drawing/digit_grid.h"
#include "apps/drawing/dot_chart.h"
#include "apps/drawing/line_chart.h"
#include "apps/report/loss_curves.h"
#include "apps/report/text_format.h"

namespace dae {

Picture draw_loss_comparison(const ComparisonResults& results) {
  std::vector<LossCurves> runs;
  for (const ModelComparison& m : results.models) runs.push_back({m.name, m.history, m.steps, m.steps_per_epoch});
  return draw_loss_chart(runs, results.noisy_test.mse, "Train and test MSE by epoch");
}

Picture draw_sample_grid(const ComparisonResults& results) {
  const DigitSamples& s = results.samples;
  constexpr int64_t kPixels = kDigitSide * kDigitSide;
  auto row = [&](const std::string& label, const std::vector<float>& images, bool starts_group) {
    DigitRow r{label, {}, starts_group};
    for (size_t k = 0; k < s.indices.size(); ++k) r.images.push_back(images.data() + static_cast<int64_t>(k) * kPixels);
    return r;
  };
  std::vector<DigitRow> rows = {row("clean", s.clean, false), row("noisy input", s.noisy, false)};
  for (size_t m = 0; m < results.models.size() && m < s.outputs.size(); ++m)
    rows.push_back(row(results.models[m].name, s.outputs[m], m == 0));
  return draw_digit_grid(rows, kSampleGridScale,
                         "Test digits at noise std " + format_number(results.noise_std) + ", one input for all models");
}

Picture draw_noise_sweep(const ComparisonResults& results) {
  std::vector<Series> series;
  for (const ModelComparison& m : results.models) {
    Series line{m.name, results.sigmas, {}, model_color(m.name)};
    for (const QualitySummary& q : m.sweep) line.y.push_back(q.psnr);
    series.push_back(line);
  }
  Series baseline{"noisy input, no denoising", results.sigmas, {}, kBaselineGray, Dash::Dashed, 2, 1, Marker::Ring};
  for (const QualitySummary& q : results.noisy_sweep) baseline.y.push_back(q.psnr);
  series.push_back(baseline);
  ChartOptions options;
  options.title = "Test PSNR against the noise of the test input";
  options.x_label = "noise std of the test input";
  options.y_label = "test PSNR (dB)";
  options.x_from_zero = true;
  options.references.push_back({results.noise_std, "trained at std " + format_number(results.noise_std), true});
  return draw_line_chart(series, options);
}

Picture draw_classifier_comparison(const ComparisonResults& results) {
  std::vector<DotRow> rows = {{"raw pixels", kBaselineGray}};
  for (const ModelComparison& m : results.models) rows.push_back({m.name + " code", model_color(m.name)});
  const std::vector<DotSeries> series = {{"raw pixels", Marker::Square},
                                         {"untrained: initial weights, seed " + std::to_string(results.init_seed),
                                          Marker::Ring},
                                         {"trained", Marker::Dot}};
  auto panel = [&](const std::string& title, double ClassifierScores::*accuracy) {
    DotPanel p{title, std::vector<std::vector<double>>(series.size(), std::vector<double>(rows.size(), kNotMeasured))};
    p.values[0][0] = 100 * (results.pixels.*accuracy);
    for (size_t m = 0; m < results.models.size(); ++m) {
      p.values[1][m + 1] = 100 * (results.models[m].untrained.*accuracy);
      p.values[2][m + 1] = 100 * (results.models[m].classifiers.*accuracy);
    }
    return p;
  };
  DotChartOptions options;
  options.title = "Test accuracy of classifiers on the codes, trained and untrained";
  options.x_label = "test accuracy (%)";
  return draw_dot_chart(rows, series,
                        {panel("linear probe", &ClassifierScores::probe_accuracy),
                         panel(std::to_string(results.knn_k) + "-NN", &ClassifierScores::knn_accuracy)},
                        options);
}

}  // namespace dae
