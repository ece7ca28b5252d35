#include "apps/epoch_loop.h"

#include <cstdio>

#include "apps/progress.h"

namespace dae {

TrainingConfig training_config(const Options& options, const std::string& model) {
  TrainingConfig config;
  config.model = model;
  config.batch_size = options.batch_size;
  config.lr = options.lr;
  config.noise_std = static_cast<float>(options.noise_std);
  config.seed = options.seed;
  config.target_noisy = options.target == Target::Noisy;
  config.shuffle = options.shuffle;
  config.log_every = options.log_every;
  config.cuda_graph = options.cuda_graph;
  return config;
}

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

double train_epochs(TrainingRun& run, int64_t epochs, std::vector<StepLoss>& logged,
                    const std::function<void()>& after_epoch) {
  const int64_t last_epoch = run.epochs_done() + epochs;
  double seconds = 0;
  for (int64_t e = 0; e < epochs; ++e) {
    ProgressBar progress("epoch " + std::to_string(run.epochs_done() + 1), run.config().batch_size);
    EpochObserver observer;
    observer.on_step = [&](int64_t done, int64_t total) { progress.update(done, total); };
    observer.on_logged_loss = [&](const StepLoss& s) {
      progress.clear();
      std::printf("  epoch %lld step %5lld  loss %.6f\n", static_cast<long long>(s.epoch),
                  static_cast<long long>(s.step), s.loss);
      logged.push_back(s);
    };
    const EpochResult result = run.train_epoch(observer);
    progress.clear();
    print_epoch(result, last_epoch);
    seconds += result.seconds;
    if (after_epoch) after_epoch();
  }
  return seconds;
}

}  // namespace dae
