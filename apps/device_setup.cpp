#include "apps/device_setup.h"

#include <cstdio>
#include <string>

#include "core/error.h"

namespace dae {

namespace {

Device resolve_device(DeviceChoice choice, std::string& why) {
  const CudaStatus& cuda = cuda_status();
  switch (choice) {
    case DeviceChoice::CPU:
      why = "asked for with --device cpu";
      return Device::CPU;
    case DeviceChoice::CUDA:
      DAE_CHECK(cuda.available, "--device cuda: no usable GPU (" << cuda.reason
                                                                 << "); use --device cpu or auto");
      why = cuda.reason;
      return Device::CUDA;
    case DeviceChoice::Auto:
      break;
  }
  if (cuda.available) {
    why = "auto: " + cuda.reason;
    return Device::CUDA;
  }
  why = "auto: no usable GPU (" + cuda.reason + ")";
  return Device::CPU;
}

}  // namespace

Device set_up_device(const Options& options) {
  if (options.threads > 0) set_cpu_threads(options.threads);
  std::string why;
  const Device device = resolve_device(options.device, why);
  if (options.tf32 && device == Device::CUDA) set_cuda_tf32(true);
  DAE_CHECK(!options.cuda_graph || device == Device::CUDA,
            "--cuda-graph captures the training step on the GPU, and this run uses the CPU ("
                << why << "): drop --cuda-graph");
  std::printf("  device   %s (%s)\n", device_name(device), why.c_str());
  if (device == Device::CUDA) {
    std::printf("  loaded   %s\n", cuda_loaded_description().c_str());
    std::printf("  math     fp32%s\n", options.tf32 ? " with TF32 tensor cores (--tf32)" : ", TF32 off");
    if (options.cuda_graph) std::printf("  step     replayed as one CUDA graph (--cuda-graph)\n");
  }
  std::printf("  threads  %d CPU threads (OpenMP + OpenBLAS)\n", cpu_threads());
  return device;
}

}  // namespace dae
