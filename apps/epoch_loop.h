// What `mnist_dae <model>` and `mnist_dae compare` share around TrainingRun: the training
// configuration from the options, the settings printed before training, and the epochs
// themselves, with a progress bar on a terminal and one line per epoch.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "apps/mnist.h"
#include "apps/options.h"
#include "apps/training_run.h"

namespace dae {

TrainingConfig training_config(const Options& options, const std::string& model);

// The recipe and seed lines (printed after set_up_device's, before the data is read), then the
// data line.
void print_recipe(const Options& options);
void print_data(const Options& options, const MnistData& data);

// "conv autoencoder: 771425 parameters; 23 steps of 256 per epoch"
std::string describe_run(TrainingRun& run);

// "epoch   2/10  train 0.012345  first-batch 0.0150  test 0.011111  PSNR 19.54 dB  ..."
void print_epoch(const EpochResult& result, int64_t last_epoch);

// Trains `epochs` more epochs. The losses logged every --log-every steps are printed and
// appended to `logged`; `after_epoch` (may be empty) runs after each epoch's line, e.g. to
// save a checkpoint. Returns the seconds spent in training steps (evaluation excluded).
double train_epochs(TrainingRun& run, int64_t epochs, std::vector<StepLoss>& logged,
                    const std::function<void()>& after_epoch);

}  // namespace dae
