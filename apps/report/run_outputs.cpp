#include "apps/report/run_outputs.h"

#include <iomanip>
#include <limits>
#include <sstream>

#include <nlohmann/json.hpp>

#include "apps/data/mnist.h"
#include "apps/drawing/canvas.h"
#include "apps/drawing/digit_grid.h"
#include "apps/drawing/line_chart.h"
#include "apps/report/loss_curves.h"
#include "core/atomic_file.h"
#include "core/error.h"

namespace dae {

namespace {

// Enough digits that a value read back is the same double (the "full precision" of the CSVs).
std::ostringstream csv_stream() {
  std::ostringstream out;
  out << std::setprecision(std::numeric_limits<double>::max_digits10);
  return out;
}

}  // namespace

void write_epochs_csv(const std::string& path, const std::vector<EpochResult>& history) {
  std::ostringstream out = csv_stream();
  out << "epoch,train_loss,first_batch_loss,test_loss,test_psnr,seconds,images_per_s\n";
  for (const EpochResult& r : history) {
    out << r.epoch << ',' << r.train_loss << ',' << r.first_batch_loss << ',' << r.test_loss << ','
        << r.test_psnr << ',' << r.seconds << ',' << r.images_per_second << '\n';
  }
  write_file_atomically(path, out.str());
}

void write_steps_csv(const std::string& path, const std::vector<StepLoss>& steps) {
  std::ostringstream out = csv_stream();
  out << "epoch,step,loss\n";
  for (const StepLoss& s : steps) out << s.epoch << ',' << s.step << ',' << s.loss << '\n';
  write_file_atomically(path, out.str());
}

void write_metrics_json(const std::string& path, const EvaluationRecord& r) {
  const nlohmann::json metrics = {{"model", r.model},         {"checkpoint", r.checkpoint}, {"epochs_done", r.epochs_done},
                                  {"test_images", r.test_images}, {"noise_std", r.noise_std}, {"seed", r.seed},
                                  {"test_mse", r.test_mse},   {"test_psnr_db", r.test_psnr}};
  write_file_atomically(path, metrics.dump(2) + "\n");
}

void write_reconstructions_png(const std::string& path, TrainingRun& run) {
  constexpr int64_t kDigits = 10, kPixels = kMnistPixels;
  const TrainingRun::Samples train = run.reconstruct(false, kDigits);
  const TrainingRun::Samples test = run.reconstruct(true, kDigits);
  auto row = [&](const std::string& label, const std::vector<float>& images) {
    DigitRow r{label, {}};
    for (int64_t i = 0; i * kPixels < static_cast<int64_t>(images.size()); ++i)
      r.images.push_back(images.data() + i * kPixels);
    return r;
  };
  const std::vector<DigitRow> rows = {
      row("train: noisy input", train.noisy), row("train: output", train.output),
      row("train: clean", train.clean),       row("test: noisy input", test.noisy),
      row("test: output", test.output),       row("test: clean", test.clean)};
  const std::string title = run.config().model + " autoencoder after epoch " +
                            std::to_string(run.epochs_done()) + " (noise std " +
                            std::to_string(run.config().noise_std).substr(0, 4) + ")";
  write_png(path, draw_digit_grid(rows, 3, title));
}

void write_loss_png(const std::string& path, const std::string& model,
                    const std::vector<EpochResult>& history) {
  Series train{"train loss (mean over the epoch)", {}, {}, series_color(0)};
  Series test{"test loss (noisy input vs clean)", {}, {}, series_color(1)};
  add_loss_points(history, train, test);
  write_png(path, draw_line_chart({train, test}, loss_chart_options(model + " autoencoder: MSE by epoch")));
}

}  // namespace dae
