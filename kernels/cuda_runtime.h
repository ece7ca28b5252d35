// The CUDA runtime as the rest of the framework sees it: device discovery, memory, the one
// stream every kernel runs on, and synchronization. Declared here for every build; defined in
// cuda_runtime.cu only when the CUDA backend is built (core/ never calls it otherwise).
#pragma once

#include <cstddef>
#include <string>

namespace dae::cuda {

// Asks the CUDA runtime for a device and launches a test kernel on it. Never throws on a CUDA
// failure: each one (no driver: cudaErrorInsufficientDriver; a broken one that cannot describe
// its device; no kernel image for this GPU) returns false with `reason` saying what failed.
bool probe_device(std::string& reason);

// Stream-ordered allocations from the device's memory pool (cudaMallocAsync): after the
// first steps, training allocates and frees without reaching the driver.
void* allocate(size_t bytes);
void deallocate(void* pointer) noexcept;

void copy_host_to_device(void* device_destination, const void* host_source, size_t bytes);
void copy_device_to_host(void* host_destination, const void* device_source, size_t bytes);
void copy_device_to_device(void* destination, const void* source, size_t bytes);

// Waits for all work queued on the stream.
void synchronize();

// Device memory of this process's allocations: the stream-ordered pool's (every tensor, the
// workspaces) plus the memory CUDA graphs allocate for the work they replay. The peak is the
// sum of both high-water marks (a bound: the two highs may come at different times); reset
// makes it the current use.
size_t peak_memory_bytes();
size_t memory_in_use_bytes();
void reset_peak_memory();

// TF32 tensor-core math for cuBLAS and cuDNN: off unless asked for (tests compare with the CPU).
void set_tf32(bool enabled);
bool tf32_enabled();

// "CUDA 13.0, cuDNN 9.19.0": the versions this backend was compiled against.
std::string build_description();
// What this process runs with, which may differ (another libcudnn.so.9 on the library path, an
// older driver): "driver for CUDA 13.0, runtime 13.0, cuDNN 9.19.0, cuBLAS 13.1.0".
std::string loaded_description();

}  // namespace dae::cuda
