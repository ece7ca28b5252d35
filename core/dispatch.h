// The one place that picks a backend. Every device-neutral op calls
//   DAE_DISPATCH(device, relu_forward, x, y, n);
// which runs cpu::relu_forward or cuda::relu_forward (identical signatures, kernels/*.h).
// In a build without the CUDA backend the CUDA branch throws "built without CUDA support"
// instead: the program never aborts, and no stub of every kernel is needed.
#pragma once

#include "core/device.h"

namespace dae::detail {
[[noreturn]] void throw_without_cuda(const char* function);
}  // namespace dae::detail

#ifdef DAE_WITH_CUDA
#define DAE_DISPATCH(device, function, ...) \
  ((device) == ::dae::Device::CPU ? ::dae::cpu::function(__VA_ARGS__) : ::dae::cuda::function(__VA_ARGS__))
#else
#define DAE_DISPATCH(device, function, ...) \
  ((device) == ::dae::Device::CPU ? ::dae::cpu::function(__VA_ARGS__) : ::dae::detail::throw_without_cuda(#function))
#endif
