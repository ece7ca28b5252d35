// Where a command runs: applies --threads and --tf32, resolves --device (auto: the GPU when
// the binary has the CUDA backend and a device answers, else the CPU) and prints the choice
// with its reason. `--device cuda` without a usable GPU is an error naming why.
#pragma once

#include "apps/options.h"
#include "core/device.h"

namespace dae {

Device set_up_device(const Options& options);

}  // namespace dae
