#include "apps/report/loss_curves.h"

#include <algorithm>
#include <cmath>

#include "apps/report/text_format.h"
#include "models/autoencoder.h"

namespace dae {

namespace {

// Beyond this many epochs the markers would crowd into a thick line.
constexpr size_t kMostMarkedEpochs = 30;

// The three styles of a run's lines, keyed once in the legend.
struct LineStyles {
  Series train, test, steps;
};

LineStyles styles(Rgb color, size_t epochs) {
  const bool marked = epochs <= kMostMarkedEpochs;
  LineStyles s;
  s.train = {"train: mean of the epoch's batches", {}, {}, color, Dash::Solid, 2, 1,
             marked ? Marker::Dot : Marker::None};
  s.test = {"test: noisy test input vs clean", {}, {}, color, Dash::Dashed, 2, 1, marked ? Marker::Ring : Marker::None};
  s.steps = {"train: batch loss at each logged step", {}, {}, color, Dash::Solid, 1, 0.45, Marker::None};
  return s;
}

}  // namespace

Rgb model_color(const std::string& model) {
  const auto& names = autoencoder_names();
  return series_color(static_cast<size_t>(std::find(names.begin(), names.end(), model) - names.begin()));
}

Picture draw_loss_chart(const std::vector<LossCurves>& runs, double noisy_input_mse, const std::string& title) {
  const bool single = runs.size() == 1;
  size_t most_epochs = 0;
  bool any_steps = false;
  for (const LossCurves& run : runs) {
    most_epochs = std::max(most_epochs, run.history.size());
    any_steps = any_steps || !run.steps.empty();
  }
  std::vector<Series> keys, lines;
  if (!single)
    for (const LossCurves& run : runs)
      keys.push_back({run.model, {}, {}, model_color(run.model), Dash::Solid, 2, 1, Marker::Dot});
  const LineStyles key_styles = styles(single ? model_color(runs[0].model) : kBaselineGray, most_epochs);
  keys.push_back(key_styles.train);
  keys.push_back(key_styles.test);
  if (any_steps) keys.push_back(key_styles.steps);

  for (const LossCurves& run : runs) {
    LineStyles s = styles(model_color(run.model), most_epochs);
    for (const EpochResult& r : run.history) {
      const double epoch = static_cast<double>(r.epoch);
      s.train.x.push_back(epoch);
      s.train.y.push_back(r.train_loss);
      s.test.x.push_back(epoch);
      s.test.y.push_back(r.test_loss);
    }
    for (const StepLoss& step : run.steps) {
      s.steps.x.push_back(static_cast<double>(step.epoch - 1) +
                          static_cast<double>(step.step) /
                              static_cast<double>(std::max<int64_t>(run.steps_per_epoch, 1)));
      s.steps.y.push_back(step.loss);
    }
    // Drawn under the epoch lines; the labels stay on the legend keys.
    for (Series* line : {&s.steps, &s.train, &s.test}) {
      line->label.clear();
      lines.push_back(*line);
    }
  }
  std::vector<Series> series = lines;
  series.insert(series.end(), keys.begin(), keys.end());
  ChartOptions options;
  options.title = title;
  options.x_label = "epoch";
  options.y_label = "MSE";
  options.log_y = true;
  options.integer_x = true;
  // The logged steps start where training did; the epoch points alone start at epoch 1.
  options.x_from_zero = any_steps;
  if (std::isfinite(noisy_input_mse) && noisy_input_mse > 0)
    options.references.push_back({noisy_input_mse, "noisy input, no denoising: MSE " + format_mse(noisy_input_mse)});
  return draw_line_chart(series, options);
}

}  // namespace dae
