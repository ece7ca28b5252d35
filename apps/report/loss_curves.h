// The loss chart of training runs, drawn alike for one run (<model>-loss.png) and for the
// comparison of three (loss.png):
//   x   epoch, whole-number ticks (from 0, the start of training, when steps are drawn)
//   y   MSE, log scale
//   per run, in the model's colour (model_color):
//       train  the mean of each epoch's batch losses, at the epoch's end (solid, dots)
//       test   eval mode, the noisy test input against the clean image (dashed, rings)
//       steps  the batch loss of every logged step, when the run logged steps (--log-every;
//              what steps.csv holds): a thin faint line
//   the noisy input itself against the clean image: a dotted line named "noisy input, no
//   denoising", the MSE a denoiser must get below
// With several runs the legend keys the models by colour and the lines by style (in gray).
#pragma once

#include <string>
#include <vector>

#include "apps/drawing/line_chart.h"
#include "apps/training/training_run.h"

namespace dae {

struct LossCurves {
  std::string model;
  std::vector<EpochResult> history;
  std::vector<StepLoss> steps;  // may be empty
  int64_t steps_per_epoch = 0;  // places the steps within their epoch
};

// NaN for noisy_input_mse leaves its line out.
Picture draw_loss_chart(const std::vector<LossCurves>& runs, double noisy_input_mse, const std::string& title);

// The colour of a model in every picture: its place among autoencoder_names().
Rgb model_color(const std::string& model);

}  // namespace dae
