#include "apps/train_command.h"

#include <cstdio>
#include <memory>
#include <sstream>

#include "apps/console.h"
#include "apps/device_setup.h"
#include "apps/evaluation/image_metrics.h"
#include "apps/interrupt.h"
#include "apps/option_mapping.h"
#include "apps/report/run_outputs.h"
#include "apps/report/text_format.h"
#include "apps/run_folder.h"
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

// Loads --load into the run; refuses a checkpoint trained with another recipe unless
// --allow-recipe-change says that is meant.
void load_into(const Options& options, TrainingRun& run) {
  const CheckpointContents contents = load_checkpoint(run, options.load_path);
  print_loaded(options.load_path, contents.had_training_state, run.epochs_done());
  if (!contents.had_training_state || !contents.recipe) return;
  const std::vector<std::string> differences = recipe_differences(*contents.recipe, recipe_of(run));
  if (differences.empty()) return;
  DAE_CHECK(options.allow_recipe_change,
            options.load_path << " was trained with another recipe:\n  " << join(differences, "\n  ")
                              << "\nresume it with the options it was trained with, or pass --allow-recipe-change to "
                                 "continue with these");
  std::printf("continuing with a changed recipe (--allow-recipe-change): %s\n", join(differences, "; ").c_str());
}

// The line printed when Ctrl-C or SIGTERM stopped training: where the last checkpoint is and
// the command that resumes from it.
void print_interrupted(const Options& options, const std::string& model, const RunFolder& folder, TrainingRun& run,
                       int64_t epochs_before) {
  const std::string checkpoint = run.epochs_done() > epochs_before ? folder.checkpoint : options.load_path;
  std::printf("\ninterrupted during epoch %lld: ", static_cast<long long>(run.epochs_done() + 1));
  if (checkpoint.empty()) {
    std::printf("no checkpoint was written yet, so there is nothing to resume\n");
    return;
  }
  Options resume = options;
  resume.model = model;
  resume.out_dir = folder.dir;
  resume.load_path = checkpoint;
  resume.overwrite = false;
  std::printf("%s holds %s; to resume: %s\n", checkpoint.c_str(), count_of(run.epochs_done(), "epoch").c_str(),
              equivalent_command(resume).c_str());
}

ModelSummary evaluate_only(const Options& options, TrainingRun& run, const RunFolder& folder) {
  EpochResult evaluation;
  evaluation.epoch = run.epochs_done();
  evaluation.test_loss = run.evaluate();
  evaluation.test_psnr = psnr_from_mse(evaluation.test_loss);
  std::printf("evaluation only: test %.9g  PSNR %.2f dB\n", evaluation.test_loss, evaluation.test_psnr);
  write_metrics_json(folder.dir + "/metrics.json",
                     {run.config().model, options.load_path, run.epochs_done(), run.test_images(), options.noise_std,
                      options.seed, evaluation.test_loss, evaluation.test_psnr});
  return {run.config().model, run.model().parameter_count(), evaluation, 0, 0};
}

ModelSummary train_model(const Options& options, const std::string& model, const RunFolder& folder,
                         const SharedData& data) {
  TrainingRun run(training_config(options, model), data.train, data.test);
  if (!options.load_path.empty()) load_into(options, run);
  const int64_t epochs_before = run.epochs_done();
  const int64_t epochs = std::max<int64_t>(0, options.epochs - epochs_before);
  std::printf("%s; %s; output in %s\n", describe_run(run).c_str(),
              epochs_before == 0 ? count_of(epochs, "epoch").c_str()
                                 : (std::to_string(epochs_before) + " of " + count_of(options.epochs, "epoch") +
                                    " done, " + std::to_string(epochs) + " to go")
                                       .c_str(),
              folder.dir.c_str());
  std::fflush(stdout);

  std::vector<StepLoss> logged;
  try {
    run.train_epochs(epochs, console_observer(run, options.epochs, logged, [&] {
                       save_checkpoint(run, folder.checkpoint);
                       write_epochs_csv(folder.dir + "/epochs.csv", run.history());
                       if (options.log_every > 0) write_steps_csv(folder.dir + "/steps.csv", logged);
                     }));
  } catch (const TrainingStopped&) {
    print_interrupted(options, model, folder, run, epochs_before);
    throw;
  }
  ModelSummary summary;
  if (epochs == 0) {
    summary = evaluate_only(options, run, folder);
  } else {
    summary = {model, run.model().parameter_count(), run.history().back(), training_seconds(run, epochs_before), 0};
    summary.mean_images_per_second =
        static_cast<double>(epochs * run.steps_per_epoch() * options.batch_size) / summary.train_seconds;
  }
  write_reconstructions_png(folder.dir + "/" + model + "-reconstructions.png", run);
  if (!run.history().empty()) write_loss_png(folder.dir + "/" + model + "-loss.png", run, logged);
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
    out << "| " << s.model << " | " << s.parameters << " | " << s.last.epoch << " | " << s.last.train_loss << " | "
        << s.last.test_loss << " | ";
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
  std::printf("mnist_dae: %s\n", options.model.c_str());
  const Device device = set_up_device(options);
  print_recipe(options);
  // Everything that can be refused is checked before the data is read and training starts.
  if (!options.save_path.empty()) check_output_file(options.save_path, "--save");
  std::vector<RunFolder> folders;
  for (const std::string& model : models_of(options)) folders.push_back(claim_run_folder(options, model));
  const MnistData mnist = load_mnist(options.data_dir);
  print_data(options, mnist);
  const SharedData data{std::make_shared<const DeviceDataset>(mnist.train, options.train_limit, device),
                        std::make_shared<const DeviceDataset>(mnist.test, options.test_limit, device)};

  install_interrupt_handlers();
  std::vector<ModelSummary> summaries;
  const std::vector<std::string> models = models_of(options);
  for (size_t m = 0; m < models.size(); ++m) summaries.push_back(train_model(options, models[m], folders[m], data));
  if (options.model == "all") {
    const std::string table = comparison_table(summaries);
    const std::string path = (options.out_dir.empty() ? "runs" : options.out_dir) + "/comparison.md";
    write_file_atomically(path, table);
    std::printf("%s\n(written to %s)\n", table.c_str(), path.c_str());
  }
  return 0;
}

}  // namespace dae
