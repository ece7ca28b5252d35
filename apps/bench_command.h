// `mnist_dae bench <linear|mlp|conv|all>`: the speed of training steps, measured the way the
// training loop runs them (TrainingRun::train_step), on synthetic images so no data set is
// needed (the arithmetic does not depend on pixel values). After --warmup untimed steps,
// --repeats timed runs of --steps steps each; each run ends by reading the loss, so GPU time
// is included. Prints the median (with min and max), and the FLOPs and bytes of one step
// counted op by op (core/profiler.h) to set the achieved rate against the machine's peak.
// --profile adds a per-op table from one more, separately timed pass, and for the conv model a
// per-layer table: each layer's forward, backward-input and backward-weight, with the time of
// every pass inside its CPU kernel (kernels/cpu_pass_timer.h) and the rate of its products
// against the same product timed alone.
#pragma once

#include <cstdint>

#include "apps/options.h"

namespace dae {

// At most as many synthetic images as MNIST has training images (47 MB): a long benchmark
// reuses them, since the arithmetic of a step does not depend on which images it sees, instead
// of allocating steps x batch of them (--steps 100000 at batch 256 would be 20 GB).
constexpr int64_t kMaxSyntheticImages = 60000;

// How many synthetic images a benchmark of `steps` steps of `batch_size` images holds: one
// batch at least, steps x batch_size at most, and never more than kMaxSyntheticImages.
int64_t synthetic_image_count(int64_t batch_size, int64_t steps);

int run_bench_command(const Options& options);

}  // namespace dae
