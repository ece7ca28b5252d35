// Helpers of the [cuda] tests (test_cuda_ops.cpp, test_cuda_training.cpp), which check the
// CUDA backend against the CPU one (STYLE.md habit 5): the tolerances by kind of op
// (tests/test_data.h's Tolerance), a comparison that checks finiteness first and names the worst element, and
// device arrays between two guard regions that no kernel may touch.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iomanip>
#include <sstream>
#include <string>
#include <vector>

#include "core/device.h"
#include "core/random.h"
#include "core/tensor.h"
#include "kernels/host_device.h"
#include "tests/test_data.h"

#ifdef DAE_WITH_CUDA
#include "kernels/cuda_context.h"
#include "kernels/cuda_runtime.h"
#endif

namespace dae::test {

// Every [cuda] test starts here. Without a GPU these tests are deselected (tests/main.cpp);
// with DAE_REQUIRE_CUDA_TESTS=1 they run anyway and fail here, saying why. The tolerances
// below assume fp32 math: TF32 (10-bit mantissa products) must be off, as it is by default.
inline void require_gpu() {
  INFO("the [cuda] tests need a usable GPU; cuda_status(): " << cuda_status().reason);
  REQUIRE(cuda_status().available);
#ifdef DAE_WITH_CUDA
  REQUIRE_FALSE(cuda::tf32_enabled());
#endif
}

// "[3, 5, 28, 28]", for the INFO lines of table-driven tests.
inline std::string dims(std::initializer_list<int64_t> sizes) {
  std::ostringstream out;
  const char* separator = "[";
  for (int64_t size : sizes) {
    out << separator << size;
    separator = ", ";
  }
  out << "]";
  return out.str();
}

// Selections (ReLU, max-pool routing), copies, fills and the noise (built from the shared
// host/device math with every rounding pinned, kernels/noise.h): no arithmetic may differ.
inline constexpr Tolerance kBitwise{0.0, 0.0, 0.0, true};
// Element-wise math shared through kernels/*.h: a few roundings per element, but nvcc may
// fuse a*b+c into one fma where g++ (-ffp-contract=off) rounds twice, a few ulps (6e-8 each).
inline constexpr Tolerance kElementwise{1e-6, 1e-5};
// Sums over many elements in another order (reductions; cuBLAS/cuDNN against OpenBLAS): each
// element's error grows with the magnitudes summed, not with its own value, which may be a
// near-cancellation, so the bound is relative to the reference's largest magnitude.
inline constexpr Tolerance kReduction{0.0, 0.0, 1e-4};

inline std::string describe_element(size_t index, float gpu, float cpu) {
  std::ostringstream out;
  out << "element " << index << ": gpu " << std::setprecision(9) << gpu << ", cpu " << cpu;
  return out.str();
}

// Bit-for-bit equality (memcmp); a failure names the first differing element.
inline bool check_bitwise(const std::string& what, const std::vector<float>& gpu, const std::vector<float>& cpu) {
  REQUIRE(gpu.size() == cpu.size());
  size_t first = 0;
  while (first < gpu.size() && std::memcmp(&gpu[first], &cpu[first], sizeof(float)) == 0) ++first;
  const bool equal = first == gpu.size();
  INFO(what << ": first difference from the CPU at "
            << (equal ? "none" : describe_element(first, gpu[first], cpu[first])) << " (bits 0x" << std::hex
            << (equal ? 0u : float_to_bits(gpu[first])) << " vs 0x" << (equal ? 0u : float_to_bits(cpu[first])) << ")");
  CHECK(equal);
  return equal;
}

// Finiteness first (a NaN would pass no comparison, but an Inf compared with an Inf would),
// then the tolerance; a failure names the worst element: index, gpu value, cpu value.
inline bool check_matches(const std::string& what, const std::vector<float>& gpu, const std::vector<float>& cpu,
                          const Tolerance& tolerance) {
  REQUIRE(gpu.size() == cpu.size());
  for (size_t i = 0; i < gpu.size(); ++i) {
    if (std::isfinite(gpu[i]) && std::isfinite(cpu[i])) continue;
    INFO(what << ": non-finite " << (std::isfinite(gpu[i]) ? "CPU reference" : "GPU result") << " at "
              << describe_element(i, gpu[i], cpu[i]));
    CHECK(false);
    return false;
  }
  if (tolerance.bitwise) return check_bitwise(what, gpu, cpu);

  double max_magnitude = 0.0;
  for (float value : cpu) max_magnitude = std::max(max_magnitude, std::fabs(double{value}));
  size_t worst = 0;
  double worst_excess = -INFINITY;
  for (size_t i = 0; i < gpu.size(); ++i) {
    const double excess = std::fabs(double{gpu[i]} - double{cpu[i]}) - tolerance.allowed(cpu[i], max_magnitude);
    if (excess > worst_excess) {
      worst_excess = excess;
      worst = i;
    }
  }
  const bool within = gpu.empty() || worst_excess <= 0.0;
  INFO(what << ": worst of " << gpu.size() << " elements is "
            << (gpu.empty() ? "none" : describe_element(worst, gpu[worst], cpu[worst])) << ", |difference| "
            << std::fabs(double{gpu[worst]} - double{cpu[worst]}) << " > allowed "
            << tolerance.allowed(cpu[worst], max_magnitude) << " (max |cpu| " << max_magnitude << ")");
  CHECK(within);
  return within;
}

inline bool check_matches(const std::string& what, const Tensor& gpu, const Tensor& cpu, const Tolerance& tolerance) {
  INFO("comparing " << what);
  REQUIRE(gpu.defined());
  REQUIRE(cpu.defined());
  REQUIRE(gpu.shape() == cpu.shape());
  return check_matches(what, gpu.to_vector(), cpu.to_vector(), tolerance);
}

#ifdef DAE_WITH_CUDA

// The guard pattern: a NaN with a payload no computation produces.
inline constexpr uint32_t kSentinelBits = 0x7FC0DEADu;

// Initial contents for a kernel's output: every element the sentinel, so an element the
// kernel forgets to write fails the finiteness check.
inline std::vector<float> unwritten(int64_t count) {
  return std::vector<float>(static_cast<size_t>(count), bits_to_float(kSentinelBits));
}

// `count` elements of device memory between two guard regions of sentinel words that every
// kernel must leave untouched: an out-of-bounds write (a thread past the end, a wrong grid, a
// negative offset) changes one of them. The data starts 4 KiB into the allocation, so it keeps
// the allocator's 256-byte alignment. RAII: freed (stream-ordered) when it goes out of scope.
template <typename T>
class GuardedDeviceArray {
 public:
  static constexpr size_t kGuardWords = 1024;  // 4 KiB on each side: a few blocks of overrun
  static constexpr size_t kGuardBytes = kGuardWords * sizeof(uint32_t);

  explicit GuardedDeviceArray(const std::vector<T>& values) : count_(values.size()) {
    allocation_ = static_cast<unsigned char*>(cuda::allocate(kGuardBytes + bytes() + kGuardBytes));
    data_ = reinterpret_cast<T*>(allocation_ + kGuardBytes);
    if (!values.empty()) cuda::copy_host_to_device(data_, values.data(), bytes());
    const std::vector<uint32_t> guard(kGuardWords, kSentinelBits);
    cuda::copy_host_to_device(allocation_, guard.data(), kGuardBytes);
    cuda::copy_host_to_device(after_data(), guard.data(), kGuardBytes);
  }
  ~GuardedDeviceArray() { cuda::deallocate(allocation_); }
  GuardedDeviceArray(const GuardedDeviceArray&) = delete;
  GuardedDeviceArray& operator=(const GuardedDeviceArray&) = delete;

  T* data() const { return data_; }

  std::vector<T> values() const {
    std::vector<T> host(count_);
    if (count_ > 0) cuda::copy_device_to_host(host.data(), data_, bytes());
    return host;
  }

  // Both guards; a failure names the first changed word, counted away from the data.
  bool check_guard(const std::string& what) const {
    const bool before = check_one_guard(what, allocation_, "before the start", true);
    const bool after = check_one_guard(what, after_data(), "after the end", false);
    return before && after;
  }

 private:
  size_t bytes() const { return count_ * sizeof(T); }
  unsigned char* after_data() const { return allocation_ + kGuardBytes + bytes(); }

  bool check_one_guard(const std::string& what, const unsigned char* address, const char* where, bool backwards) const {
    std::vector<uint32_t> guard(kGuardWords);
    cuda::copy_device_to_host(guard.data(), address, kGuardBytes);
    size_t first = 0;  // words from the data's edge
    const auto word = [&](size_t k) { return guard[backwards ? kGuardWords - 1 - k : k]; };
    while (first < kGuardWords && word(first) == kSentinelBits) ++first;
    const bool intact = first == kGuardWords;
    INFO(what << ": the kernel wrote " << where << " of its output (" << count_ << " elements): guard word " << first
              << " " << where << " holds 0x" << std::hex << (intact ? kSentinelBits : word(first)));
    CHECK(intact);
    return intact;
  }

  size_t count_;
  unsigned char* allocation_ = nullptr;
  T* data_ = nullptr;
};

// The whole check of one kernel output: its guard, then its values against the CPU's.
inline void check_output(const std::string& what, const GuardedDeviceArray<float>& gpu, const std::vector<float>& cpu,
                         const Tolerance& tolerance) {
  gpu.check_guard(what);
  check_matches(what, gpu.values(), cpu, tolerance);
}

#endif  // DAE_WITH_CUDA

}  // namespace dae::test
