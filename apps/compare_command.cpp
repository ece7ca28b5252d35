#include "apps/compare_command.h"

#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>

#include "apps/checkpoint.h"
#include "apps/compare_figures.h"
#include "apps/compare_report.h"
#include "apps/device_setup.h"
#include "apps/epoch_loop.h"
#include "apps/linear_probe.h"
#include "apps/memory_usage.h"
#include "apps/run_outputs.h"
#include "core/adam.h"
#include "core/error.h"
#include "core/ops.h"

namespace dae {

namespace {

constexpr int kNeighbours = 5;
constexpr int64_t kClassifyBlock = 1000;  // test images encoded and classified at a time

std::string report_dir(const Options& options) {
  return options.out_dir.empty() ? "reports/compare" : options.out_dir;
}

std::string compiler() {
#if defined(__clang__)
  return std::string("Clang ") + __clang_version__;
#elif defined(__GNUC__)
  return std::string("GCC ") + __VERSION__;
#else
  return "an unknown compiler";
#endif
}

std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) != 0) continue;
    const size_t colon = line.find(':');
    if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
  }
  return "unknown CPU";
}

// What the OpenBLAS library linked in says of itself: "OpenBLAS 0.3.21 DYNAMIC_ARCH ... Haswell MAX_THREADS=64".
std::string openblas_description() {
  std::string config = openblas_get_config();
  const size_t first = config.find_first_not_of(' '), last = config.find_last_not_of(' ');
  return first == std::string::npos ? "OpenBLAS (no version given)" : config.substr(first, last - first + 1);
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &utc);
  return text;
}

std::string equivalent_command(const Options& o) {
  std::string command = "mnist_dae compare --data " + o.data_dir + " --out " + report_dir(o);
  if (!o.load_dir.empty()) {
    command += " --load-dir " + o.load_dir;
  } else {
    command += " --epochs " + std::to_string(o.epochs) + " --lr " + format_number(o.lr);
    if (o.target == Target::Noisy) command += " --target noisy";
    if (!o.shuffle) command += " --no-shuffle";
    if (o.train_limit > 0) command += " --train-limit " + std::to_string(o.train_limit);
  }
  command += " --batch-size " + std::to_string(o.batch_size) + " --noise-std " + format_number(o.noise_std) + " --seed " +
             std::to_string(o.seed);
  if (o.test_limit > 0) command += " --test-limit " + std::to_string(o.test_limit);
  command += " --probe-train " + std::to_string(o.probe_train);
  command += std::string(" --device ") + (o.device == DeviceChoice::CPU ? "cpu" : o.device == DeviceChoice::CUDA ? "cuda" : "auto");
  if (o.tf32) command += " --tf32";
  if (o.threads > 0) command += " --threads " + std::to_string(o.threads);
  return command;
}

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
  train_epochs(run, options.epochs, logged, [&] { save_checkpoint(run, checkpoint); });
  ModelComparison m;
  m.source = "trained here";
  m.peak_host_bytes = host_peak_rss_bytes();
  if (device == Device::CUDA) m.peak_device_bytes = static_cast<double>(cuda_peak_memory_bytes());
  std::printf("peak memory: host %s", format_bytes(m.peak_host_bytes).c_str());
  if (device == Device::CUDA) std::printf(", device %s", format_bytes(m.peak_device_bytes).c_str());
  std::printf("\n\n");
  return m;
}

ModelComparison load_here(const std::string& path, TrainingRun& run) {
  const bool full = load_checkpoint(run, path);
  std::printf("loaded %s (%s, %lld epochs done)\n", path.c_str(), full ? "weights and training state" : "weights only",
              static_cast<long long>(run.epochs_done()));
  ModelComparison m;
  m.source = path + (full ? "" : " (weights only)");
  return m;
}

// Trains both classifiers on `train` and scores them on the test set, whose features come
// block by block from test_features(first, count).
ClassifierScores classify(const LabelledFeatures& train, const std::vector<uint8_t>& test_labels,
                          const std::function<std::vector<float>(int64_t, int64_t)>& test_features) {
  const ValidatedProbe probe = train_validated_probe(train);
  const KnnClassifier knn(train, kNeighbours);
  const int64_t test_count = static_cast<int64_t>(test_labels.size());
  int64_t probe_correct = 0, knn_correct = 0;
  for (int64_t first = 0; first < test_count; first += kClassifyBlock) {
    const int64_t count = std::min(kClassifyBlock, test_count - first);
    const std::vector<float> features = test_features(first, count);
    const std::vector<int> by_probe = probe.model.predict(features.data(), count);
    const std::vector<int> by_knn = knn.classify(features.data(), count);
    for (int64_t i = 0; i < count; ++i) {
      probe_correct += by_probe[i] == test_labels[first + i];
      knn_correct += by_knn[i] == test_labels[first + i];
    }
  }
  ClassifierScores scores;
  scores.probe_accuracy = static_cast<double>(probe_correct) / static_cast<double>(test_count);
  scores.knn_accuracy = static_cast<double>(knn_correct) / static_cast<double>(test_count);
  scores.probe_l2 = probe.l2;
  scores.probe_iterations = probe.model.iterations();
  return scores;
}

std::vector<float> pixels_of(const MnistSplit& split, int64_t first, int64_t count) {
  const int64_t pixels = static_cast<int64_t>(split.rows) * split.cols;
  std::vector<float> values(static_cast<size_t>(count * pixels));
  for (size_t i = 0; i < values.size(); ++i) values[i] = split.images[first * pixels + i] / 255.0f;
  return values;
}

void print_scores(const std::string& what, const ClassifierScores& s, double seconds) {
  std::printf("  %-22s linear probe %6.2f%% (L2 %g, %d L-BFGS iterations)   %d-NN %6.2f%%   %.1f s\n", what.c_str(),
              100 * s.probe_accuracy, s.probe_l2, s.probe_iterations, kNeighbours, 100 * s.knn_accuracy, seconds);
  std::fflush(stdout);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void run_classifiers(const Options& options, const MnistData& data, const DeviceDataset& test,
                     std::vector<std::unique_ptr<TrainingRun>>& runs, Device device, ComparisonResults& results) {
  const int64_t count = std::min<int64_t>(options.probe_train, data.train.count);
  results.probe_train_count = count;
  results.knn_k = kNeighbours;
  std::printf("classifiers: trained on %lld training images, scored on %lld test images\n",
              static_cast<long long>(count), static_cast<long long>(test.count()));
  const DeviceDataset train(data.train, count, device);
  const std::vector<uint8_t>& train_labels = train.labels();
  {
    const auto start = std::chrono::steady_clock::now();
    const std::vector<float> features = pixels_of(data.train, 0, count);
    results.pixels = classify({features.data(), train_labels.data(), count, 784}, test.labels(),
                              [&](int64_t first, int64_t n) { return pixels_of(data.test, first, n); });
    print_scores("raw pixels (784)", results.pixels, seconds_since(start));
  }
  for (size_t m = 0; m < runs.size(); ++m) {
    const auto start = std::chrono::steady_clock::now();
    Autoencoder& model = runs[m]->model();
    const Codes codes = encode_examples(model, train, 0, count, options.batch_size);
    ModelComparison& result = results.models[m];
    result.code_size = codes.size;
    result.classifiers =
        classify({codes.values.data(), train_labels.data(), count, codes.size}, test.labels(),
                 [&](int64_t first, int64_t n) { return encode_examples(model, test, first, n, options.batch_size).values; });
    print_scores(result.name + " code (" + std::to_string(codes.size) + ")", result.classifiers, seconds_since(start));
  }
  std::printf("\n");
}

void evaluate_quality(const Options& options, const DeviceDataset& test, std::vector<std::unique_ptr<TrainingRun>>& runs,
                      ComparisonResults& results) {
  std::vector<Autoencoder*> models;
  for (auto& run : runs) models.push_back(&run->model());
  const std::vector<uint8_t>& labels = test.labels();
  results.test_count = test.count();
  results.class_counts.assign(10, 0);
  for (uint8_t label : labels) ++results.class_counts[label];
  results.samples.indices = first_of_each_digit(labels);
  for (int64_t i : results.samples.indices) results.sample_labels.push_back(labels[i]);
  results.sigmas = noise_sweep_levels();
  results.noisy_sweep.resize(results.sigmas.size());
  for (auto& m : results.models) m.sweep.resize(results.sigmas.size());

  std::vector<double> levels = results.sigmas;
  if (std::find(levels.begin(), levels.end(), options.noise_std) == levels.end()) levels.push_back(options.noise_std);
  for (double level : levels) {
    const auto start = std::chrono::steady_clock::now();
    const bool training_noise = level == options.noise_std;
    const NoiseLevelScores scores = evaluate_denoisers(models, test, options.batch_size, options.seed,
                                                       static_cast<float>(level), training_noise ? &results.samples : nullptr);
    const auto sweep_at = std::find(results.sigmas.begin(), results.sigmas.end(), level);
    std::printf("noise std %-5s", format_number(level).c_str());
    auto record = [&](const ImageScores& image_scores, QualitySummary& test_summary, std::vector<QualitySummary>& sweep,
                      std::vector<double>& class_mse, const std::string& name) {
      const QualitySummary summary = summarize(image_scores);
      if (training_noise) {
        test_summary = summary;
        class_mse = mean_per_class(image_scores.mse, labels);
      }
      if (sweep_at != results.sigmas.end()) sweep[sweep_at - results.sigmas.begin()] = summary;
      std::printf("  %s %.2f dB / %.4f", name.c_str(), summary.psnr, summary.ssim);
    };
    record(scores.noisy_input, results.noisy_test, results.noisy_sweep, results.noisy_class_mse, "input");
    for (size_t m = 0; m < models.size(); ++m) {
      ModelComparison& r = results.models[m];
      record(scores.models[m], r.test, r.sweep, r.class_mse, r.name);
    }
    std::printf("   (PSNR / SSIM, %.1f s)\n", seconds_since(start));
    std::fflush(stdout);
  }
  std::printf("\n");
}

std::vector<std::pair<std::string, std::string>> setup_of(const Options& o, const MnistData& data, Device device,
                                                          int64_t train_count, const ComparisonResults& results) {
  std::vector<std::pair<std::string, std::string>> setup;
  const std::string target = o.target == Target::Noisy ? "the noisy input (--target noisy)" : "the clean image";
  if (o.load_dir.empty()) {
    setup.push_back({"Recipe", std::to_string(o.epochs) + (o.epochs == 1 ? " epoch" : " epochs") + ", batch " + std::to_string(o.batch_size) +
                                   ", Adam lr " + format_number(o.lr) + ", input noise std " + format_number(o.noise_std) +
                                   ", MSE against " + target + ", " +
                                   (o.shuffle ? "a fresh shuffle every epoch" : "no shuffle") +
                                   ". The three models were trained one after another from the same seed: the "
                                   "same batches, in the same order, with the same noise."});
  } else {
    setup.push_back({"Recipe", "loaded from checkpoints (`--load-dir " + o.load_dir +
                                   "`); each was trained as its file's history records. Test noise std " +
                                   format_number(o.noise_std) + "."});
  }
  std::string sources;
  for (const auto& m : results.models) sources += (sources.empty() ? "" : "; ") + m.name + ": " + m.source;
  setup.push_back({"Models", sources});
  const std::string trained = o.load_dir.empty() ? "the autoencoders trained on the first " + std::to_string(train_count) +
                                                      " of " + std::to_string(data.train.count) + " training images, "
                                                : "";
  setup.push_back({"Data", "MNIST from `" + o.data_dir + "`: " + trained + "the classifiers on the first " +
                               std::to_string(results.probe_train_count) + " of " + std::to_string(data.train.count) +
                               " training images; measured on the first " + std::to_string(results.test_count) +
                               " of " + std::to_string(data.test.count) + " test images"});
  setup.push_back({"Device", device == Device::CUDA ? "cuda, " + cuda_status().reason
                                                    : "cpu, " + cpu_model() + ", " + std::to_string(cpu_threads()) +
                                                          " threads (OpenMP and OpenBLAS)"});
  setup.push_back({"Precision", device == Device::CUDA && o.tf32
                                    ? "float32 storage; TF32 tensor-core math in cuBLAS and cuDNN (--tf32)"
                                    : "float32 throughout" + std::string(device == Device::CUDA ? ", TF32 off" : "")});
  setup.push_back({"Seed", std::to_string(o.seed) + (o.load_dir.empty() ? " (weights, shuffles, training noise and test noise)"
                                                                        : " (the test noise)")});
  setup.push_back({"Software", "built with " + compiler() + " (C++" + std::to_string(__cplusplus / 100 % 100) +
                                   "); CUDA backend: " + cuda_build_description() + "; " + openblas_description()});
  setup.push_back({"Written", utc_now()});
  return setup;
}

std::vector<std::string> conventions_of(const Options& o) {
  const AdamHyperparameters adam;
  const ops::BatchNormOptions batch_norm;
  std::vector<std::string> c = {
      "Pixels are scaled to [0, 1]. Noisy input = clean + std * N(0, 1) per pixel, not clipped; the noise comes "
      "from a counter-based generator (Philox), the same on the CPU and the GPU.",
      "MSE = mean over all pixels and images of (output - clean image)^2. Train MSE: the mean training loss over "
      "the last epoch's batches (training mode), as printed per epoch. Test metrics: eval mode (BatchNorm running "
      "statistics), with one fixed noise draw per test batch, the same for every model.",
      "PSNR = 10 log10(1 / MSE) dB, with the MSE of the whole test set (not a mean of per-image PSNRs).",
      "SSIM (Wang et al. 2004): 11x11 Gaussian window, sigma 1.5, K1 0.01, K2 0.03, data range 1, over the valid "
      "window positions (18x18 on a 28x28 digit, no padding), per image, then averaged over the test set; the "
      "noisy input's SSIM uses its unclipped values. Equal to scikit-image's structural_similarity with "
      "gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=1.",
      "Adam as PyTorch's torch.optim.Adam: beta1 " + format_number(adam.beta1) + ", beta2 " + format_number(adam.beta2) +
          ", eps " + format_number(adam.eps) + ", bias-corrected, no weight decay, lr " + format_number(o.lr) + ".",
      "BatchNorm (conv model) as PyTorch's BatchNorm2d: momentum " + format_number(batch_norm.momentum) + ", eps " +
          format_number(batch_norm.eps) + "; training normalizes with the batch's biased variance and updates the "
          "running variance with the unbiased one.",
      "FLOPs: one forward pass in eval mode counted op by op (core/profiler.h): 2 per multiply-add of the linear "
      "and convolution layers, 1 per element for ReLU and max-pooling, 4 per element for BatchNorm; per image.",
      "Training time: the training steps only (the evaluation after each epoch excluded); images/s = images "
      "trained / that time. Peak memory: host = the peak resident set size of the process while that model "
      "trained (Linux VmHWM, reset before each model where the system allows it; it includes the data sets and "
      "the buffers earlier models left cached); device = the CUDA memory pool's high-water mark since the program started.",
  };
  return c;
}

void print_summary(const ComparisonResults& r) {
  std::printf("%-24s %10s %10s %8s %8s %8s\n", "", "test MSE", "PSNR dB", "SSIM", "probe", "5-NN");
  for (const auto& m : r.models)
    std::printf("%-24s %10.6f %10.2f %8.4f %7.2f%% %7.2f%%\n", m.name.c_str(), m.test.mse, m.test.psnr, m.test.ssim,
                100 * m.classifiers.probe_accuracy, 100 * m.classifiers.knn_accuracy);
  std::printf("%-24s %10.6f %10.2f %8.4f %7.2f%% %7.2f%%\n", "noisy input / raw pixels", r.noisy_test.mse,
              r.noisy_test.psnr, r.noisy_test.ssim, 100 * r.pixels.probe_accuracy, 100 * r.pixels.knn_accuracy);
}

}  // namespace

const std::vector<double>& noise_sweep_levels() {
  static const std::vector<double> levels = {0.0, 0.05, 0.1, 0.2, 0.3, 0.5};
  return levels;
}

std::string find_checkpoint(const std::string& dir, const std::string& model) {
  const std::string nested = dir + "/" + model + "/" + model + ".safetensors", flat = dir + "/" + model + ".safetensors";
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
  prepare_output_dir(out_dir);
  if (options.load_dir.empty()) prepare_output_dir(checkpoint_dir);
  Options shown = options;
  if (!loaded_from.empty()) shown.epochs = 0;  // nothing is trained
  print_recipe(shown);
  const MnistData data = load_mnist(options.data_dir);
  print_data(options, data);

  ComparisonResults results;
  results.noise_std = options.noise_std;
  std::vector<std::unique_ptr<TrainingRun>> runs;
  // A loaded model is not trained here: one batch of training images is all its run needs.
  const int64_t train_limit = loaded_from.empty() ? options.train_limit : options.batch_size;
  for (const std::string& name : autoencoder_names()) {
    runs.push_back(std::make_unique<TrainingRun>(training_config(options, name), data, train_limit,
                                                 options.test_limit, device));
    TrainingRun& run = *runs.back();
    ModelComparison m = loaded_from.empty() ? train_here(options, run, checkpoint_dir, device)
                                            : load_here(loaded_from[runs.size() - 1], run);
    m.name = name;
    m.parameters = run.model().parameter_count();
    m.history = run.history();
    fill_training_stats(m);
    results.models.push_back(m);
  }
  if (!options.load_dir.empty()) std::printf("\n");

  const DeviceDataset& test = runs.front()->test_set();  // the same test images for every model
  for (size_t m = 0; m < runs.size(); ++m)
    results.models[m].forward_flops_per_image = forward_flops_per_image(runs[m]->model(), test, options.batch_size);
  evaluate_quality(options, test, runs, results);
  run_classifiers(options, data, test, runs, device, results);

  results.setup = setup_of(options, data, device, runs.front()->train_set().count(), results);
  results.command = equivalent_command(options);
  results.conventions = conventions_of(options);
  build_comparison_report(results).write(out_dir);
  print_summary(results);
  std::printf("\nreport: %s/report.md and %s/report.html\n", out_dir.c_str(), out_dir.c_str());
  return 0;
}

}  // namespace dae
