// The loss curves of a training history, as the per-run picture (<model>-loss.png) and the
// comparison's loss chart both draw them: MSE by epoch on a log scale.
#pragma once

#include <string>
#include <vector>

#include "apps/drawing/line_chart.h"
#include "apps/training/training_run.h"

namespace dae {

// Appends each epoch's train and test loss to `train` and `test`, whose label, colour and
// dash the caller has set.
void add_loss_points(const std::vector<EpochResult>& history, Series& train, Series& test);

ChartOptions loss_chart_options(const std::string& title);

}  // namespace dae
