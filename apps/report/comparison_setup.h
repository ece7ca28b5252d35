// The Setup section of the comparison report (what was run, on what, with which software) and
// its Conventions (how every figure is defined), from a plain description of the run.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "apps/report/comparison_results.h"

namespace dae {

struct ComparisonSetup {
  bool loaded = false;  // the models were loaded from `load_dir`, not trained here
  std::string load_dir;
  int64_t epochs = 0, batch_size = 0;
  double lr = 0, noise_std = 0;
  bool target_noisy = false, shuffle = true;
  uint64_t seed = 0;
  std::string data_dir;
  int64_t train_count = 0;                  // training images the autoencoders were trained on
  int64_t train_total = 0, test_total = 0;  // images in the data set's splits
  std::string device, precision, software;  // as the program describes its machine
};

// "Recipe", "Models", "Data", "Device", "Precision", "Seed", "Software", "Written", in order.
std::vector<std::pair<std::string, std::string>> setup_facts(const ComparisonSetup& setup,
                                                             const ComparisonResults& results);

std::vector<std::string> comparison_conventions(double lr);

}  // namespace dae
