// A block of memory on one device, released by that device's allocator when the last tensor
// using it goes away. Tensors that are views of each other share one Storage.
#pragma once

#include <cstddef>

#include "core/device.h"

namespace dae {

class Storage {
 public:
  Storage(Device device, size_t bytes);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  Device device() const { return device_; }
  size_t bytes() const { return bytes_; }
  void* data() const { return data_; }

 private:
  Device device_;
  size_t bytes_;
  void* data_;
};

// Copies between any two devices (host <-> device transfers synchronize the CUDA stream).
void copy_bytes(void* destination, Device destination_device, const void* source, Device source_device, size_t bytes);

}  // namespace dae
