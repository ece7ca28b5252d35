// Where a command runs: applies --threads and --tf32, resolves --device (auto: the GPU when
// the binary has the CUDA backend and a device answers, else the CPU) and prints the choice
// with its reason. `--device cuda` without a usable GPU is an error naming why. Also what the
// machine is: CPU model, compiler, BLAS, for the report.
#pragma once

#include <string>

#include "apps/options.h"
#include "core/device.h"

namespace dae {

Device set_up_device(const Options& options);

// The machine as the comparison report describes it.
struct MachineDescription {
  std::string device;     // "cpu, <CPU model>, 2 threads (one pool: loops and products)" or "cuda, <GPU>"
  std::string precision;  // "float32 throughout", or with TF32 on the GPU
  std::string software;   // compiler, C++ standard, CUDA backend, OpenBLAS build
};
MachineDescription describe_machine(Device device, bool tf32);

}  // namespace dae
