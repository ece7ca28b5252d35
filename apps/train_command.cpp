#include "apps/train_command.h"

#include <cstdio>
#include <memory>
#include <sstream>

#include "apps/console.h"
#include "apps/device_setup.h"
#include "apps/evaluation/image_metrics.h"
#include "apps/option_mapping.h"
#include "apps/report/output_dir.h"
#include "apps/report/run_outputs.h"
#include "apps/training/checkpoint.h"
#include "core/atomic_file.h"
#include "core/device.h"
#include "core/error.h"

namespace dae {

namespace {

struct ModelSummary {
  std::string model;
  int64_t parameters = 0;
  EpochResult last;
  double train_seconds = 0;
  double mean_images_per_second = 0;
};

// The data sets every model of the command trains and is evaluated on, on the device.
struct SharedData {
  std::shared_ptr<const DeviceDataset> train, test;
};

ModelSummary train_model(const Options& options, const std::string& model, const SharedData& data) {
  const std::string out_dir = output_dir_for(options, model);
  prepare_output_dir(out_dir);
  TrainingRun run(training_config(options, model), data.train, data.test);
  if (!options.load_path.empty()) {
    const bool resumed = load_checkpoint(run, options.load_path);
    print_loaded(options.load_path, resumed, run.epochs_done());
  }
  std::printf("%s; output in %s\n", describe_run(run).c_str(), out_dir.c_str());
  std::fflush(stdout);

  const std::string checkpoint = out_dir + "/" + model + ".safetensors";
  const int64_t epochs_before = run.epochs_done();
  std::vector<StepLoss> logged;
  run.train_epochs(options.epochs, console_observer(run, epochs_before + options.epochs, logged, [&] {
                     save_checkpoint(run, checkpoint);
                     write_epochs_csv(out_dir + "/epochs.csv", run.history());
                     if (options.log_every > 0) write_steps_csv(out_dir + "/steps.csv", logged);
                   }));
  ModelSummary summary{model, run.model().parameter_count(), {}, training_seconds(run, epochs_before), 0};
  if (options.epochs == 0) {
    EpochResult evaluation;
    evaluation.epoch = run.epochs_done();
    evaluation.test_loss = run.evaluate();
    evaluation.test_psnr = psnr_from_mse(evaluation.test_loss);
    std::printf("evaluation only: test %.9g  PSNR %.2f dB\n", evaluation.test_loss, evaluation.test_psnr);
    summary.last = evaluation;
  } else {
    summary.last = run.history().back();
    summary.mean_images_per_second = static_cast<double>(options.epochs * run.steps_per_epoch() *
                                                         options.batch_size) / summary.train_seconds;
  }
  write_reconstructions_png(out_dir + "/" + model + "-reconstructions.png", run);
  if (!run.history().empty()) write_loss_png(out_dir + "/" + model + "-loss.png", run, logged);
  if (!options.save_path.empty()) save_weights(run.model(), options.save_path);

  std::printf("done: %.1f s of training, %.0f img/s on average; peak memory: %s\n\n", summary.train_seconds,
              summary.mean_images_per_second, peak_memory_text(data.train->device()).c_str());
  return summary;
}

std::string comparison_table(const std::vector<ModelSummary>& summaries) {
  std::ostringstream out;
  out << "| model | parameters | epochs | train MSE | test MSE | test PSNR (dB) | training time (s) | images/s |\n"
         "|---|---:|---:|---:|---:|---:|---:|---:|\n";
  out.setf(std::ios::fixed);
  for (const ModelSummary& s : summaries) {
    out.precision(6);
    out << "| " << s.model << " | " << s.parameters << " | " << s.last.epoch << " | " << s.last.train_loss
        << " | " << s.last.test_loss << " | ";
    out.precision(2);
    out << s.last.test_psnr << " | ";
    out.precision(1);
    out << s.train_seconds << " | ";
    out.precision(0);
    out << s.mean_images_per_second << " |\n";
  }
  return out.str();
}

}  // namespace

int run_train_command(const Options& options) {
  std::printf("mnist_dae: %s\n", options.command.c_str());
  const Device device = set_up_device(options);
  print_recipe(options);
  const MnistData mnist = load_mnist(options.data_dir);
  print_data(options, mnist);
  const SharedData data{std::make_shared<const DeviceDataset>(mnist.train, options.train_limit, device),
                        std::make_shared<const DeviceDataset>(mnist.test, options.test_limit, device)};

  std::vector<ModelSummary> summaries;
  for (const std::string& model : models_of(options)) summaries.push_back(train_model(options, model, data));
  if (options.model == "all") {
    const std::string table = comparison_table(summaries);
    const std::string path = (options.out_dir.empty() ? "runs" : options.out_dir) + "/comparison.md";
    write_file_atomically(path, table);
    std::printf("%s\n(written to %s)\n", table.c_str(), path.c_str());
  }
  return 0;
}

}  // namespace dae
