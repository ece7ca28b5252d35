#include "apps/compare_command.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "apps/console.h"
#include "apps/device_setup.h"
#include "apps/evaluation/memory_usage.h"
#include "apps/evaluation/model_codes.h"
#include "apps/interrupt.h"
#include "apps/option_mapping.h"
#include "apps/report/comparison_report.h"
#include "apps/report/comparison_setup.h"
#include "apps/report/output_dir.h"
#include "apps/report/text_format.h"
#include "apps/run_folder.h"
#include "apps/training/checkpoint.h"
#include "core/error.h"
#include "core/torch_cpu_generator.h"

namespace dae {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Adds a stage to the report's "Time per stage" and returns its seconds.
double record_stage(ComparisonResults& results, const std::string& stage, Clock::time_point start) {
  const double seconds = seconds_since(start);
  results.stage_seconds.push_back({stage, seconds});
  return seconds;
}

// A model at the initial weights its TrainingRun draws from `seed`: an untrained control, or
// the model a checkpoint is loaded into.
std::shared_ptr<Autoencoder> initial_model(const std::string& name, uint64_t seed, Device device) {
  TorchCpuGenerator init(seed);
  std::shared_ptr<Autoencoder> model = make_autoencoder(name, init);
  model->to(device);
  return model;
}

// The three models under comparison and where their numbers go. A model trained here lives in
// its TrainingRun; a loaded one is a bare model, since it is only evaluated.
struct Contestants {
  std::vector<std::unique_ptr<TrainingRun>> runs;
  std::vector<std::shared_ptr<Autoencoder>> loaded;
  std::vector<Autoencoder*> models;
};

void fill_training_stats(ModelComparison& m) {
  if (m.history.empty()) return;
  double seconds = 0, images = 0;
  for (const EpochResult& r : m.history) {
    seconds += r.seconds;
    images += r.images_per_second * r.seconds;
  }
  m.train_seconds = seconds;
  m.images_per_second = images / seconds;
}

ModelComparison train_here(const Options& options, TrainingRun& run, const std::string& checkpoint_dir, Device device) {
  std::printf("%s\n", describe_run(run).c_str());
  std::fflush(stdout);
  if (!reset_host_peak_rss()) std::printf("(the peak host memory counts from the start of the program here)\n");
  std::vector<StepLoss> logged;
  const std::string checkpoint = checkpoint_dir + "/" + run.config().model + ".safetensors";
  run.train_epochs(options.epochs, console_observer(run, run.epochs_done() + options.epochs, logged,
                                                    [&] { save_checkpoint(run, checkpoint); }));
  ModelComparison m;
  m.source = "trained here";
  m.history = run.history();
  m.steps = logged;
  m.steps_per_epoch = run.steps_per_epoch();
  m.peak_host_bytes = host_peak_rss_bytes();
  if (device == Device::CUDA) m.peak_device_bytes = static_cast<double>(cuda_peak_memory_bytes());
  std::printf("peak memory: %s\n\n", peak_memory_text(device).c_str());
  return m;
}

ModelComparison load_here(const std::string& path, Autoencoder& model) {
  const LoadedWeights loaded = load_weights(model, path);
  print_loaded(path, loaded.had_training_state, loaded.epochs_done);
  ModelComparison m;
  m.source = path + (loaded.had_training_state ? "" : " (weights only)");
  m.history = loaded.history;
  return m;
}

void print_scores(const std::string& what, const ClassifierScores& s, int neighbours, double seconds) {
  std::printf("  %-22s linear probe %6.2f%% (L2 %g, %d L-BFGS iterations)   %d-NN %6.2f%%   %.1f s\n", what.c_str(),
              100 * s.probe_accuracy, s.probe_l2, s.probe_iterations, neighbours, 100 * s.knn_accuracy, seconds);
  std::fflush(stdout);
}

void run_classifiers(const StudySettings& settings, const MnistData& data, const DeviceDataset& test,
                     const std::vector<Autoencoder*>& models, Device device, ComparisonResults& results) {
  const int64_t count = std::min<int64_t>(settings.probe_train, data.train.count);
  results.probe_train_count = count;
  results.knn_k = settings.neighbours;
  std::printf("classifiers: trained on %lld training images, scored on %lld test images\n",
              static_cast<long long>(count), static_cast<long long>(test.count()));
  auto start = Clock::now();
  results.pixels = classify_pixels(data, test, settings);
  print_scores("raw pixels (" + std::to_string(kMnistPixels) + ")", results.pixels, settings.neighbours,
               record_stage(results, "classifiers on raw pixels", start));
  const DeviceDataset train(data.train, count, device);
  for (size_t m = 0; m < models.size(); ++m) {
    ModelComparison& result = results.models[m];
    start = Clock::now();
    const CodeScores codes = classify_codes(*models[m], train, test, settings);
    result.code_size = codes.code_size;
    result.classifiers = codes.scores;
    print_scores(result.name + " code (" + std::to_string(codes.code_size) + ")", result.classifiers,
                 settings.neighbours, record_stage(results, "classifiers on the " + result.name + " code", start));
    start = Clock::now();
    const auto untrained = initial_model(result.name, results.init_seed, device);
    result.untrained = classify_codes(*untrained, train, test, settings).scores;
    print_scores("  untrained (seed " + std::to_string(results.init_seed) + ")", result.untrained, settings.neighbours,
                 record_stage(results, "classifiers on the untrained " + result.name + " code", start));
  }
  std::printf("\n");
}

void evaluate_quality(const StudySettings& settings, const DeviceDataset& test, const std::vector<Autoencoder*>& models,
                      ComparisonResults& results) {
  const std::vector<uint8_t>& labels = test.labels();
  results.test_count = test.count();
  results.class_counts.assign(kMnistClasses, 0);
  for (uint8_t label : labels) ++results.class_counts[label];
  results.samples.indices = first_of_each_digit(labels);
  for (int64_t i : results.samples.indices) results.sample_labels.push_back(labels[i]);
  results.sigmas = settings.sweep;
  results.noisy_sweep.resize(results.sigmas.size());
  for (auto& m : results.models) m.sweep.resize(results.sigmas.size());

  const auto all_levels = Clock::now();
  for (double level : measured_noise_levels(settings)) {
    const auto start = Clock::now();
    const bool training_noise = level == settings.noise_std;
    const QualityAtNoise quality =
        measure_quality(models, test, settings, level, training_noise ? &results.samples : nullptr);
    const auto sweep_at = std::find(results.sigmas.begin(), results.sigmas.end(), level);
    std::printf("noise std %-5s", format_number(level).c_str());
    auto record = [&](const QualitySummary& summary, const std::vector<double>& class_mse, QualitySummary& test_summary,
                      std::vector<QualitySummary>& sweep, std::vector<double>& class_mse_out, const std::string& name) {
      if (training_noise) {
        test_summary = summary;
        class_mse_out = class_mse;
      }
      if (sweep_at != results.sigmas.end()) sweep[sweep_at - results.sigmas.begin()] = summary;
      std::printf("  %s %.2f dB / %.4f", name.c_str(), summary.psnr, summary.ssim);
    };
    record(quality.input, quality.input_class_mse, results.noisy_test, results.noisy_sweep, results.noisy_class_mse,
           "input");
    for (size_t m = 0; m < models.size(); ++m) {
      ModelComparison& r = results.models[m];
      record(quality.models[m], quality.models_class_mse[m], r.test, r.sweep, r.class_mse, r.name);
    }
    std::printf("   (PSNR / SSIM, %.1f s)\n", seconds_since(start));
    std::fflush(stdout);
  }
  record_stage(results,
               "PSNR, SSIM and per-digit MSE at " + std::to_string(measured_noise_levels(settings).size()) +
                   " noise levels",
               all_levels);
  std::printf("\n");
}

ComparisonSetup setup_of(const Options& o, const MnistData& data, Device device, int64_t train_count) {
  ComparisonSetup setup;
  setup.loaded = !o.load_dir.empty();
  setup.load_dir = o.load_dir;
  setup.epochs = o.epochs;
  setup.batch_size = o.batch_size;
  setup.lr = o.lr;
  setup.noise_std = o.noise_std;
  setup.target_noisy = o.target == Target::Noisy;
  setup.shuffle = o.shuffle;
  setup.seed = o.seed;
  setup.data_dir = o.data_dir;
  setup.train_count = train_count;
  setup.train_total = data.train.count;
  setup.test_total = data.test.count;
  const MachineDescription machine = describe_machine(device, o.tf32);
  setup.device = machine.device;
  setup.precision = machine.precision;
  setup.software = machine.software;
  return setup;
}

void print_summary(const ComparisonResults& r) {
  std::printf("%-24s %10s %10s %8s %8s %8s\n", "", "test MSE", "PSNR dB", "SSIM", "probe",
              (std::to_string(r.knn_k) + "-NN").c_str());
  for (const auto& m : r.models)
    std::printf("%-24s %10.6f %10.2f %8.4f %7.2f%% %7.2f%%\n", m.name.c_str(), m.test.mse, m.test.psnr, m.test.ssim,
                100 * m.classifiers.probe_accuracy, 100 * m.classifiers.knn_accuracy);
  std::printf("%-24s %10.6f %10.2f %8.4f %7.2f%% %7.2f%%\n", "noisy input / raw pixels", r.noisy_test.mse,
              r.noisy_test.psnr, r.noisy_test.ssim, 100 * r.pixels.probe_accuracy, 100 * r.pixels.knn_accuracy);
}

}  // namespace

std::string find_checkpoint(const std::string& dir, const std::string& model) {
  const std::string nested = dir + "/" + model + "/" + model + ".safetensors",
                    flat = dir + "/" + model + ".safetensors";
  if (std::filesystem::is_regular_file(nested)) return nested;
  if (std::filesystem::is_regular_file(flat)) return flat;
  DAE_THROW("--load-dir " << dir << ": no checkpoint of the " << model << " model (looked for " << nested << " and "
                          << flat << "); train them with 'mnist_dae all --out " << dir << "'");
}

int run_compare_command(const Options& options) {
  std::printf("mnist_dae: compare\n");
  const Device device = set_up_device(options);
  const std::string out_dir = report_dir(options), checkpoint_dir = out_dir + "/checkpoints";
  std::vector<std::string> loaded_from;  // found before anything slow, so a wrong --load-dir fails at once
  if (!options.load_dir.empty())
    for (const std::string& name : autoencoder_names()) loaded_from.push_back(find_checkpoint(options.load_dir, name));
  const auto lock = claim_report_folder(options, out_dir);
  if (loaded_from.empty()) prepare_output_dir(checkpoint_dir);
  install_interrupt_handlers();
  Options shown = options;
  if (!loaded_from.empty()) shown.epochs = 0;  // nothing is trained
  print_recipe(shown);
  ComparisonResults results;
  results.noise_std = options.noise_std;
  results.init_seed = options.seed;
  auto start = Clock::now();
  const MnistData data = load_mnist(options.data_dir);
  print_data(options, data);

  // One copy of each split on the device, for every model; a loaded model needs no training set.
  const auto test = std::make_shared<const DeviceDataset>(data.test, options.test_limit, device);
  std::shared_ptr<const DeviceDataset> train;
  if (loaded_from.empty()) train = std::make_shared<const DeviceDataset>(data.train, options.train_limit, device);
  record_stage(results, "read MNIST and copy it to the device", start);
  Contestants contestants;
  for (size_t i = 0; i < autoencoder_names().size(); ++i) {
    const std::string& name = autoencoder_names()[i];
    ModelComparison m;
    start = Clock::now();
    if (loaded_from.empty()) {
      contestants.runs.push_back(std::make_unique<TrainingRun>(training_config(options, name), train, test));
      try {
        m = train_here(options, *contestants.runs.back(), checkpoint_dir, device);
      } catch (const TrainingStopped&) {
        std::printf("\ninterrupted while training %s: no report was written; the models finished so far are in %s\n",
                    name.c_str(), checkpoint_dir.c_str());
        throw;
      }
      contestants.models.push_back(&contestants.runs.back()->model());
      const std::string epochs = std::to_string(options.epochs) + (options.epochs == 1 ? " epoch" : " epochs");
      record_stage(results, "train " + name + " (" + epochs + (options.epochs > 0 ? ", each with its test MSE)" : ")"),
                   start);
    } else {
      contestants.loaded.push_back(initial_model(name, options.seed, device));
      m = load_here(loaded_from[i], *contestants.loaded.back());
      contestants.models.push_back(contestants.loaded.back().get());
      record_stage(results, "load " + name, start);
    }
    m.name = name;
    m.parameters = contestants.models.back()->parameter_count();
    fill_training_stats(m);
    results.models.push_back(m);
  }
  if (!loaded_from.empty()) std::printf("\n");

  const StudySettings settings = study_settings(options);
  start = Clock::now();
  for (size_t m = 0; m < contestants.models.size(); ++m)
    results.models[m].forward_flops_per_image =
        forward_flops_per_image(*contestants.models[m], *test, options.batch_size);
  record_stage(results, "count the FLOPs of a forward pass", start);
  evaluate_quality(settings, *test, contestants.models, results);
  run_classifiers(settings, data, *test, contestants.models, device, results);

  results.setup = setup_facts(setup_of(options, data, device, train ? train->count() : 0), results);
  results.command = equivalent_compare_command(options);
  results.conventions = comparison_conventions(options.lr);
  build_comparison_report(results).write(out_dir);
  print_summary(results);
  std::printf("\nreport: %s/report.md and %s/report.html\n", out_dir.c_str(), out_dir.c_str());
  return 0;
}

}  // namespace dae
