#include "apps/console.h"

#include <cstdio>
#include <memory>

#include "apps/evaluation/memory_usage.h"
#include "apps/interrupt.h"
#include "apps/progress.h"
#include "apps/report/text_format.h"

namespace dae {

std::string count_of(int64_t count, const std::string& noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

void print_recipe(const Options& options) {
  std::printf("  recipe   %s, batch %lld, Adam lr %g, noise std %g, target %s, %s\n",
              count_of(options.epochs, "epoch").c_str(), static_cast<long long>(options.batch_size), options.lr,
              options.noise_std, options.target == Target::Noisy ? "noisy" : "clean",
              options.shuffle ? "shuffled every epoch" : "no shuffle");
  std::printf("  seed     %llu\n", static_cast<unsigned long long>(options.seed));
  std::fflush(stdout);
}

void print_data(const Options& options, const MnistData& data) {
  std::printf("  data     %s: %lld training images (using %lld), %lld test images (using %lld)\n\n",
              options.data_dir.c_str(), static_cast<long long>(data.train.count),
              static_cast<long long>(options.train_limit ? options.train_limit : data.train.count),
              static_cast<long long>(data.test.count),
              static_cast<long long>(options.test_limit ? options.test_limit : data.test.count));
  std::fflush(stdout);
}

std::string describe_run(TrainingRun& run) {
  return run.config().model + " autoencoder: " + std::to_string(run.model().parameter_count()) + " parameters; " +
         std::to_string(run.steps_per_epoch()) + " steps of " + std::to_string(run.config().batch_size) + " per epoch";
}

void print_epoch(const EpochResult& r, int64_t last_epoch) {
  std::printf("epoch %lld/%lld  train %.6f  first-batch %.4f  test %.6f  %.2f dB  %.1f s  %.0f img/s\n",
              static_cast<long long>(r.epoch), static_cast<long long>(last_epoch), r.train_loss, r.first_batch_loss,
              r.test_loss, r.test_psnr, r.seconds, r.images_per_second);
  std::fflush(stdout);
}

void print_loaded(const std::string& path, bool with_training_state, int64_t epochs_done) {
  std::printf("loaded %s (%s, %s done)\n", path.c_str(),
              with_training_state ? "weights and training state" : "weights only",
              count_of(epochs_done, "epoch").c_str());
  std::fflush(stdout);
}

std::string peak_memory_text(Device device) {
  std::string text = "host " + format_bytes(host_peak_rss_bytes());
  if (device == Device::CUDA) text += ", device " + format_bytes(static_cast<double>(cuda_peak_memory_bytes()));
  return text;
}

TrainingObserver console_observer(const TrainingRun& run, int64_t last_epoch, std::vector<StepLoss>& logged,
                                  std::function<void()> after_epoch) {
  // The bar of the epoch or of its evaluation, shared by the observer's calls.
  auto bar = std::make_shared<std::unique_ptr<ProgressBar>>();
  const int64_t batch_size = run.config().batch_size;
  TrainingObserver observer;
  observer.on_epoch_start = [bar, last_epoch](int64_t epoch, int64_t) {
    *bar = std::make_unique<ProgressBar>("epoch " + std::to_string(epoch) + "/" + std::to_string(last_epoch));
  };
  observer.on_step = [bar, batch_size](const StepProgress& p) {
    ProgressBar& progress = **bar;
    progress.update(p.steps_done, p.steps_total, [&] {
      const double elapsed = progress.elapsed_seconds();
      char text[64];
      std::snprintf(text, sizeof text, "loss %.5f  %.0f img/s", p.mean_loss(),
                    elapsed > 0 ? static_cast<double>(p.steps_done * batch_size) / elapsed : 0.0);
      return std::string(text);
    });
  };
  observer.on_logged_loss = [bar, &logged](const StepLoss& s) {
    if (*bar) (*bar)->clear();
    std::printf("  epoch %lld step %5lld  loss %.6f\n", static_cast<long long>(s.epoch), static_cast<long long>(s.step),
                s.loss);
    std::fflush(stdout);
    logged.push_back(s);
  };
  observer.on_evaluation = [bar](int64_t done, int64_t total) {
    if (done == 1) *bar = std::make_unique<ProgressBar>("  test set");
    (*bar)->update(done, total);
  };
  observer.on_epoch_end = [bar, last_epoch, after_epoch](const EpochResult& result) {
    bar->reset();
    print_epoch(result, last_epoch);
    if (after_epoch) after_epoch();
  };
  observer.should_stop = [] { return interrupt_signal() != 0; };
  return observer;
}

double training_seconds(const TrainingRun& run, int64_t epochs_before) {
  double seconds = 0;
  for (const EpochResult& r : run.history())
    if (r.epoch > epochs_before) seconds += r.seconds;
  return seconds;
}

}  // namespace dae
