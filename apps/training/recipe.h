// What a run is trained with, as its checkpoint records it (metadata "recipe"). Resuming a
// checkpoint with another recipe would silently splice two experiments into one history, so
// the program compares the two and lists what differs before it trains.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "apps/training/training_run.h"

namespace dae {

struct Recipe {
  std::string model;
  int64_t batch_size = 0;
  double lr = 0;
  double noise_std = 0;
  uint64_t seed = 0;
  bool target_noisy = false;
  bool shuffle = true;
  int64_t train_images = 0, test_images = 0;
};

Recipe recipe_of(const TrainingRun& run);

std::string recipe_json(const Recipe& recipe);
// Throws, naming `origin` and the field, when the text is not a recipe.
Recipe recipe_from_json(const std::string& text, const std::string& origin);

// One line per field that differs: "lr: 0.0002 in the checkpoint, 0.001 now".
std::vector<std::string> recipe_differences(const Recipe& checkpoint, const Recipe& now);

}  // namespace dae
