// Tests of TrainingRun (apps/training/training_run.h) beyond what checkpoints test: a loss
// or a test loss that turns non-finite stops training without counting the epoch (so it is
// never saved), and should_stop ends training at a step boundary.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "tests/run_helpers.h"
#include "tests/test_support.h"

using dae::test::make_run;
using dae::test::small_config;
using dae::test::small_run;

TEST_CASE("a loss that turns NaN stops training with a clear message", "[training][dataset]") {
  dae::TrainingRun run = make_run(small_config("mlp"), 64, 16);
  const dae::Tensor weight = run.model().named_parameters().front().second;
  std::vector<float> values = weight.to_vector();
  values[0] = std::numeric_limits<float>::quiet_NaN();
  weight.copy_from(dae::Tensor::from_vector(weight.shape(), values));
  REQUIRE_ERROR(run.train_epoch({}), "epoch 1", "training diverged");
  CHECK(run.epochs_done() == 0);
  CHECK(run.history().empty());
}

TEST_CASE("training: an epoch whose test loss is not finite is not counted, so it is never saved", "[training]") {
  dae::TrainingRun run = small_run("conv");
  // A NaN running mean: training normalizes with the batch's statistics and stays finite;
  // evaluation uses the running ones, so only the test loss turns NaN.
  for (const auto& [name, buffer] : run.model().named_buffers()) {
    if (name.find("running_mean") == std::string::npos) continue;
    std::vector<float> values = buffer.to_vector();
    values[0] = std::numeric_limits<float>::quiet_NaN();
    buffer.copy_from(dae::Tensor::from_vector(buffer.shape(), values));
    break;
  }
  int saved = 0;
  dae::TrainingObserver observer;
  observer.on_epoch_end = [&](const dae::EpochResult&) { ++saved; };
  REQUIRE_ERROR(run.train_epochs(1, observer), "test loss after epoch 1", "not finite");
  CHECK(saved == 0);
  CHECK(run.epochs_done() == 0);
  CHECK(run.history().empty());
}

TEST_CASE("training: should_stop ends training at a step boundary without counting the epoch", "[training]") {
  dae::TrainingRun run = small_run("linear");
  int steps = 0;
  dae::TrainingObserver observer;
  observer.on_step = [&](const dae::StepProgress& p) {
    ++steps;
    CHECK(std::isfinite(p.mean_loss()));
  };
  observer.should_stop = [&] { return steps == 1; };
  REQUIRE_THROWS_AS(run.train_epochs(3, observer), dae::TrainingStopped);
  CHECK(steps == 1);
  CHECK(run.epochs_done() == 0);
  CHECK(run.optimizer().step_count() == 1);
}
