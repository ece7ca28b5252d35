#include "apps/device_setup.h"

#include <cblas.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "core/error.h"

namespace dae {

namespace {

// Why no GPU is used, in words: the CUDA runtime's error names say it for a specialist.
std::string why_no_gpu(const std::string& reason) {
  if (reason.find("cudaErrorInsufficientDriver") != std::string::npos) return "no NVIDIA driver found";
  if (reason.find("cudaErrorNoDevice") != std::string::npos) return "no NVIDIA GPU found";
  if (reason.find("cudaError") == std::string::npos) return reason;  // "built without CUDA support", ...
  return "no usable GPU: " + reason;
}

Device resolve_device(DeviceChoice choice, std::string& why) {
  const CudaStatus& cuda = cuda_status();
  switch (choice) {
    case DeviceChoice::CPU: why = "asked for with --device cpu"; return Device::CPU;
    case DeviceChoice::CUDA: {
      // The runtime's own words follow the plain ones only when they add something.
      const std::string plain = why_no_gpu(cuda.reason);
      const std::string detail = plain == cuda.reason ? "" : " (" + cuda.reason + ")";
      DAE_CHECK(cuda.available, "--device cuda: " << plain << detail << "; use --device cpu or auto");
      why = cuda.reason;
      return Device::CUDA;
    }
    case DeviceChoice::Auto: break;
  }
  if (cuda.available) {
    why = "auto: " + cuda.reason;
    return Device::CUDA;
  }
  why = why_no_gpu(cuda.reason) + ": training on the CPU";
  return Device::CPU;
}

std::string compiler() {
#if defined(__clang__)
  return std::string("Clang ") + __clang_version__;
#elif defined(__GNUC__)
  return std::string("GCC ") + __VERSION__;
#else
  return "an unknown compiler";
#endif
}

std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) != 0) continue;
    const size_t colon = line.find(':');
    if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
  }
  return "unknown CPU";
}

// What the OpenBLAS library linked in says of itself: "OpenBLAS 0.3.21 DYNAMIC_ARCH ... Haswell MAX_THREADS=64".
std::string openblas_description() {
  std::string config = openblas_get_config();
  const size_t first = config.find_first_not_of(' '), last = config.find_last_not_of(' ');
  return first == std::string::npos ? "OpenBLAS (no version given)" : config.substr(first, last - first + 1);
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
  std::printf("  threads  %d CPU threads (one pool: loops and products)\n", cpu_threads());
  return device;
}

MachineDescription describe_machine(Device device, bool tf32) {
  MachineDescription machine;
  machine.device = device == Device::CUDA ? "cuda, " + cuda_status().reason
                                          : "cpu, " + cpu_model() + ", " + std::to_string(cpu_threads()) +
                                                " threads (one pool: loops and products)";
  machine.precision = device == Device::CUDA && tf32
                          ? "float32 storage; TF32 tensor-core math in cuBLAS and cuDNN (--tf32)"
                          : "float32 throughout" + std::string(device == Device::CUDA ? ", TF32 off" : "");
  machine.software = "built with " + compiler() + " (C++" + std::to_string(__cplusplus / 100 % 100) +
                     "); CUDA backend: " + cuda_build_description() + "; " + openblas_description();
  return machine;
}

}  // namespace dae
