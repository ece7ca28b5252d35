#include "core/storage.h"

#include <cstring>

#include "core/dispatch.h"
#include "core/error.h"
#include "kernels/cpu_runtime.h"
#include "kernels/cuda_runtime.h"

namespace dae {

namespace detail {
void throw_without_cuda(const char* function) {
  DAE_THROW(function << ": this binary was built without CUDA support (rebuild with nvcc and "
                        "cuDNN available, or use --device cpu)");
}
}  // namespace detail

namespace {

void* allocate_on(Device device, size_t bytes) {
  if (device == Device::CPU) return cpu::allocate(bytes);
#ifdef DAE_WITH_CUDA
  return cuda::allocate(bytes);
#else
  detail::throw_without_cuda("allocate");
#endif
}

}  // namespace

Storage::Storage(Device device, size_t bytes) : device_(device), bytes_(bytes), data_(allocate_on(device, bytes)) {}

Storage::~Storage() {
#ifdef DAE_WITH_CUDA
  if (device_ == Device::CUDA) {
    cuda::deallocate(data_);
    return;
  }
#endif
  cpu::deallocate(data_, bytes_);
}

void copy_bytes(void* destination, Device destination_device, const void* source, Device source_device, size_t bytes) {
  if (bytes == 0) return;
  if (destination_device == Device::CPU && source_device == Device::CPU) {
    std::memcpy(destination, source, bytes);
    return;
  }
#ifdef DAE_WITH_CUDA
  if (destination_device == Device::CUDA && source_device == Device::CUDA) {
    cuda::copy_device_to_device(destination, source, bytes);
  } else if (destination_device == Device::CUDA) {
    cuda::copy_host_to_device(destination, source, bytes);
  } else {
    cuda::copy_device_to_host(destination, source, bytes);
  }
#else
  detail::throw_without_cuda("copy_bytes");
#endif
}

}  // namespace dae
