#include "apps/report/run_outputs.h"

#include <iomanip>
#include <limits>
#include <sstream>

#include <nlohmann/json.hpp>

#include "apps/data/mnist.h"
#include "apps/drawing/digit_grid.h"
#include "apps/report/loss_curves.h"
#include "apps/report/text_format.h"
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
    out << r.epoch << ',' << r.train_loss << ',' << r.first_batch_loss << ',' << r.test_loss << ',' << r.test_psnr
        << ',' << r.seconds << ',' << r.images_per_second << '\n';
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
  const nlohmann::json metrics = {{"model", r.model},
                                  {"checkpoint", r.checkpoint},
                                  {"epochs_done", r.epochs_done},
                                  {"test_images", r.test_images},
                                  {"noise_std", r.noise_std},
                                  {"seed", r.seed},
                                  {"test_mse", r.test_mse},
                                  {"test_psnr_db", r.test_psnr}};
  write_file_atomically(path, metrics.dump(2) + "\n");
}

void write_reconstructions_png(const std::string& path, TrainingRun& run) {
  constexpr int64_t kDigits = 10, kPixels = kMnistPixels;
  const TrainingRun::Samples train = run.reconstruct(false, kDigits);
  const TrainingRun::Samples test = run.reconstruct(true, kDigits);
  auto row = [&](const std::string& label, const std::vector<float>& images, bool starts_group = false) {
    DigitRow r{label, {}, starts_group};
    for (int64_t i = 0; i * kPixels < static_cast<int64_t>(images.size()); ++i)
      r.images.push_back(images.data() + i * kPixels);
    return r;
  };
  const std::vector<DigitRow> rows = {row("train: clean", train.clean),     row("train: noisy input", train.noisy),
                                      row("train: output", train.output),   row("test: clean", test.clean, true),
                                      row("test: noisy input", test.noisy), row("test: output", test.output)};
  const std::string title = run.config().model + " autoencoder after epoch " + std::to_string(run.epochs_done()) +
                            ", noise std " + format_number(run.config().noise_std);
  write_png(path, draw_digit_grid(rows, 3, title));
}

void write_loss_png(const std::string& path, const TrainingRun& run, const std::vector<StepLoss>& logged) {
  const TrainingConfig& config = run.config();
  // The noisy input's MSE against the clean image is std^2 in expectation (the noise is
  // unclipped Gaussian); the comparison report draws the value it measured instead.
  const double noisy_input_mse = static_cast<double>(config.noise_std) * config.noise_std;
  const LossCurves curves{config.model, run.history(), logged, run.steps_per_epoch()};
  write_png(path, draw_loss_chart({curves}, noisy_input_mse, config.model + " autoencoder: MSE by epoch"));
}

}  // namespace dae
