#include "apps/console.h"

#include <cstdio>
#include <memory>

#include "apps/evaluation/memory_usage.h"
#include "apps/progress.h"
#include "apps/report/text_format.h"

namespace dae {

void print_recipe(const Options& options) {
  std::printf("  recipe   %lld epochs, batch %lld, Adam lr %g, noise std %g, target %s, %s\n",
              static_cast<long long>(options.epochs), static_cast<long long>(options.batch_size),
              options.lr, options.noise_std, options.target == Target::Noisy ? "noisy" : "clean",
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
         std::to_string(run.steps_per_epoch()) + " steps of " + std::to_string(run.config().batch_size) +
         " per epoch";
}

void print_epoch(const EpochResult& r, int64_t last_epoch) {
  std::printf("epoch %3lld/%lld  train %.6f  first-batch %.4f  test %.6f  PSNR %.2f dB  %7.1f s  %8.0f img/s\n",
              static_cast<long long>(r.epoch), static_cast<long long>(last_epoch), r.train_loss,
              r.first_batch_loss, r.test_loss, r.test_psnr, r.seconds, r.images_per_second);
  std::fflush(stdout);
}

void print_loaded(const std::string& path, bool with_training_state, int64_t epochs_done) {
  std::printf("loaded %s (%s, %lld epochs done)\n", path.c_str(),
              with_training_state ? "weights and training state" : "weights only",
              static_cast<long long>(epochs_done));
  std::fflush(stdout);
}

std::string peak_memory_text(Device device) {
  std::string text = "host " + format_bytes(host_peak_rss_bytes());
  if (device == Device::CUDA) text += ", device " + format_bytes(static_cast<double>(cuda_peak_memory_bytes()));
  return text;
}

TrainingObserver console_observer(const TrainingRun& run, int64_t last_epoch, std::vector<StepLoss>& logged,
                                  std::function<void()> after_epoch) {
  // One bar per epoch, shared by the observer's calls.
  auto bar = std::make_shared<std::unique_ptr<ProgressBar>>();
  const int64_t batch_size = run.config().batch_size;
  TrainingObserver observer;
  observer.on_epoch_start = [bar, batch_size](int64_t epoch, int64_t) {
    *bar = std::make_unique<ProgressBar>("epoch " + std::to_string(epoch), batch_size);
  };
  observer.on_step = [bar](int64_t done, int64_t total) { (*bar)->update(done, total); };
  observer.on_logged_loss = [bar, &logged](const StepLoss& s) {
    if (*bar) (*bar)->clear();
    std::printf("  epoch %lld step %5lld  loss %.6f\n", static_cast<long long>(s.epoch),
                static_cast<long long>(s.step), s.loss);
    logged.push_back(s);
  };
  observer.on_epoch_end = [bar, last_epoch, after_epoch](const EpochResult& result) {
    if (*bar) (*bar)->clear();
    bar->reset();
    print_epoch(result, last_epoch);
    if (after_epoch) after_epoch();
  };
  return observer;
}

double training_seconds(const TrainingRun& run, int64_t epochs_before) {
  double seconds = 0;
  for (const EpochResult& r : run.history())
    if (r.epoch > epochs_before) seconds += r.seconds;
  return seconds;
}

}  // namespace dae
