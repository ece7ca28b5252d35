// Checkpoints in safetensors format.
//
// The resumable checkpoint (<out>/<model>.safetensors, written after every epoch) holds
//   the model's state_dict, under PyTorch's names      encoder.layer1.0.weight, ... (F32),
//                                                      ...num_batches_tracked (I64)
//   Adam's state                                       optimizer.step (I64),
//                                                      optimizer.exp_avg.<param>, optimizer.exp_avg_sq.<param>
//   the trainer's state (TrainingState)                trainer.epoch (I64), trainer.shuffle_rng (I64 [2]),
//                                                      trainer.noise_seed (I64)
//   metadata                                           format, model, recipe (training/recipe.h),
//                                                      history (JSON of the epoch results)
// In PyTorch, the model's entries load with load_state_dict(strict=True) once the
// "optimizer." and "trainer." entries are dropped (scripts/torch_interop.py shows it).
// save_weights writes the state_dict alone: that file loads into PyTorch as it is. A file
// without a format tag (one PyTorch wrote) loads as weights; one with another tag is refused.
//
// Loading trusts nothing in the file: the model's entries must match the model exactly
// (names, dtypes, shapes) and hold finite values; the training state is all or nothing, with
// no entry the program does not write; every counter is a scalar in range, the moments are
// finite (the second ones not negative), and the history is validated row by row. Each
// error names the file and the entry.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "apps/training/recipe.h"
#include "apps/training/training_run.h"

namespace dae {

void save_checkpoint(TrainingRun& run, const std::string& path);
void save_weights(Autoencoder& model, const std::string& path);

// Loads a checkpoint or a weights-only file into `run`, with its training state (optimizer,
// epochs, generator) when the file holds one. Throws, naming the file, if it holds another
// model or anything of the wrong name, shape or value.
struct CheckpointContents {
  bool had_training_state = false;
  std::optional<Recipe> recipe;  // absent from weights-only files
};
CheckpointContents load_checkpoint(TrainingRun& run, const std::string& path);

// The weights of a checkpoint or weights-only file, for a model that is evaluated, not
// trained: the optimizer's and trainer's entries are checked to be present together but not
// loaded. Returns the training history the file records (empty for weights alone).
struct LoadedWeights {
  bool had_training_state = false;
  int64_t epochs_done = 0;
  std::vector<EpochResult> history;
};
LoadedWeights load_weights(Autoencoder& model, const std::string& path);

}  // namespace dae
