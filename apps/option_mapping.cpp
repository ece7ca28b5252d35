#include "apps/option_mapping.h"

#include <algorithm>

#include "apps/report/text_format.h"

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
  return config;
}

StudySettings study_settings(const Options& options) {
  StudySettings settings;
  settings.batch_size = options.batch_size;
  settings.seed = options.seed;
  settings.noise_std = options.noise_std;
  // Unless given, the classifiers learn from no more training images than the autoencoders
  // saw, and from at most StudySettings' default (the conv codes of 10,000 take 0.5 GB).
  if (options.probe_train > 0) {
    settings.probe_train = options.probe_train;
  } else if (options.train_limit > 0) {
    settings.probe_train = std::min(settings.probe_train, options.train_limit);
  }
  return settings;
}

std::string report_dir(const Options& options) {
  return options.out_dir.empty() ? "reports/compare" : options.out_dir;
}

std::string equivalent_compare_command(const Options& o) {
  std::string command = "mnist_dae compare --data " + o.data_dir + " --out " + report_dir(o);
  if (!o.load_dir.empty()) {
    command += " --load-dir " + o.load_dir;
  } else {
    command += " --epochs " + std::to_string(o.epochs) + " --lr " + format_number(o.lr);
    if (o.target == Target::Noisy) command += " --target noisy";
    if (!o.shuffle) command += " --no-shuffle";
    if (o.train_limit > 0) command += " --train-limit " + std::to_string(o.train_limit);
  }
  command += " --batch-size " + std::to_string(o.batch_size) + " --noise-std " + format_number(o.noise_std) +
             " --seed " + std::to_string(o.seed);
  if (o.test_limit > 0) command += " --test-limit " + std::to_string(o.test_limit);
  command += " --probe-train " + std::to_string(study_settings(o).probe_train);
  command += std::string(" --device ") + device_choice_name(o.device);
  if (o.tf32) command += " --tf32";
  if (o.threads > 0) command += " --threads " + std::to_string(o.threads);
  return command;
}

}  // namespace dae
