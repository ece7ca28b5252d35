// What a training run leaves in its output directory, besides the checkpoint:
//   epochs.csv                  one row per epoch (epoch, train_loss, first_batch_loss,
//                               test_loss, test_psnr, seconds, images_per_s)
//   steps.csv                   epoch, step, loss every --log-every steps
//   <model>-reconstructions.png noisy input / output / clean of 10 training and 10 test digits
//   <model>-loss.png            train and test loss by epoch
// Every file is written whole and atomically (core/atomic_file.h), so a run stopped at any
// moment leaves the previous complete version.
#pragma once

#include <string>
#include <vector>

#include "apps/training/training_run.h"

namespace dae {

void write_epochs_csv(const std::string& path, const std::vector<EpochResult>& history);
void write_steps_csv(const std::string& path, const std::vector<StepLoss>& steps);
void write_reconstructions_png(const std::string& path, TrainingRun& run);
void write_loss_png(const std::string& path, const std::string& model,
                    const std::vector<EpochResult>& history);

}  // namespace dae
