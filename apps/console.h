// What the commands print while they run: the settings before training, a line per epoch
// (with a progress bar on a terminal while it trains), the losses logged every --log-every
// steps, what a loaded checkpoint held, and the peak memory. Everything goes to stdout except
// the progress bar (stderr, apps/progress.h), and stdout is flushed after every line so a log
// file follows the run.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "apps/data/mnist.h"
#include "apps/options.h"
#include "apps/training/training_run.h"
#include "core/device.h"

namespace dae {

// The recipe and seed lines (printed after set_up_device's, before the data is read), then the
// data line.
void print_recipe(const Options& options);
void print_data(const Options& options, const MnistData& data);

// "conv autoencoder: 771425 parameters; 23 steps of 256 per epoch"
std::string describe_run(TrainingRun& run);

// "epoch 2/10  train 0.012345  first-batch 0.0150  test 0.011111  19.54 dB  1.2 s  52086 img/s"
void print_epoch(const EpochResult& result, int64_t last_epoch);

// "loaded runs/conv/conv.safetensors (weights and training state, 3 epochs done)"
void print_loaded(const std::string& path, bool with_training_state, int64_t epochs_done);

// "host 230.1 MiB" and, on the GPU, ", device 1.2 MiB": the peak memory so far.
std::string peak_memory_text(Device device);

// "1 epoch", "3 epochs".
std::string count_of(int64_t count, const std::string& noun);

// The observer a command trains with: the progress bars (the epoch's, then its evaluation's),
// the logged losses (printed, and appended to `logged`), the epoch line, then after_epoch (may
// be empty), e.g. to save a checkpoint; training stops at the step after Ctrl-C
// (apps/interrupt.h). `last_epoch` is the epoch the run will end at, for "epoch k/N".
TrainingObserver console_observer(const TrainingRun& run, int64_t last_epoch, std::vector<StepLoss>& logged,
                                  std::function<void()> after_epoch);

// The seconds of training steps in the run's epochs after the first `epochs_before`.
double training_seconds(const TrainingRun& run, int64_t epochs_before);

}  // namespace dae
