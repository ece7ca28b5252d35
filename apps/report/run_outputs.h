// What a training run leaves in its output directory, besides the checkpoint:
//   epochs.csv                  one row per epoch (epoch, train_loss, first_batch_loss,
//                               test_loss, test_psnr, seconds, images_per_s)
//   steps.csv                   epoch, step, loss every --log-every steps
//   <model>-reconstructions.png clean / noisy input / output of 10 training and 10 test digits
//   <model>-loss.png            train and test loss by epoch, and the logged steps' losses
//                               (apps/report/loss_curves.h draws it as the comparison does)
//   metrics.json                what an evaluation-only run measured (write_metrics_json)
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
// The figures of an evaluation-only run, as a file as well as on the screen.
struct EvaluationRecord {
  std::string model, checkpoint;  // checkpoint: empty for the initial weights
  int64_t epochs_done = 0, test_images = 0;
  double noise_std = 0;
  uint64_t seed = 0;
  double test_mse = 0, test_psnr = 0;
};
void write_metrics_json(const std::string& path, const EvaluationRecord& record);

// `logged`: the steps logged this session (--log-every), as steps.csv holds them; may be empty.
void write_loss_png(const std::string& path, const TrainingRun& run, const std::vector<StepLoss>& logged);

}  // namespace dae
