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
  config.cuda_graph = options.cuda_graph;
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

std::string report_dir(const Options& options) { return options.out_dir.empty() ? "reports/compare" : options.out_dir; }

std::string equivalent_compare_command(const Options& options) {
  Options resolved = options;
  resolved.probe_train = study_settings(options).probe_train;
  return equivalent_command(resolved, true);
}

}  // namespace dae
