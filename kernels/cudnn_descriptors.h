// RAII for cuDNN descriptors and the per-shape cache that holds them (CUDA translation units
// only; conv2d.cu and max_pool2d.cu are the cuDNN ops). A descriptor is created by its wrapper's constructor and
// destroyed by its destructor; wrappers move-construct but never copy, so each descriptor has one
// owner. ShapeCache builds an op's descriptors and chosen algorithms on the first call with a shape
// and reuses them on every later call.
#pragma once

#include <cudnn.h>

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <utility>

#include "core/error.h"
#include "kernels/cuda_check.h"

namespace dae::cuda {

template <typename Handle, cudnnStatus_t (*create)(Handle*), cudnnStatus_t (*destroy)(Handle)>
class CudnnDescriptor {
 public:
  CudnnDescriptor() { DAE_CUDA_CHECK(create(&handle_)); }
  ~CudnnDescriptor() {
    if (handle_) DAE_CUDA_WARN(destroy(handle_));
  }
  CudnnDescriptor(CudnnDescriptor&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  CudnnDescriptor(const CudnnDescriptor&) = delete;
  CudnnDescriptor& operator=(const CudnnDescriptor&) = delete;

  Handle get() const { return handle_; }

 private:
  Handle handle_ = nullptr;
};

using TensorDescriptor =
    CudnnDescriptor<cudnnTensorDescriptor_t, cudnnCreateTensorDescriptor, cudnnDestroyTensorDescriptor>;
using FilterDescriptor =
    CudnnDescriptor<cudnnFilterDescriptor_t, cudnnCreateFilterDescriptor, cudnnDestroyFilterDescriptor>;
using ConvolutionDescriptor =
    CudnnDescriptor<cudnnConvolutionDescriptor_t, cudnnCreateConvolutionDescriptor, cudnnDestroyConvolutionDescriptor>;
using PoolingDescriptor =
    CudnnDescriptor<cudnnPoolingDescriptor_t, cudnnCreatePoolingDescriptor, cudnnDestroyPoolingDescriptor>;

// The scaling factors of cuDNN's "y = alpha op(x) + beta y": alpha 1, beta 0 overwrite the output.
constexpr float kAlphaOne = 1.0f;
constexpr float kBetaZero = 0.0f;

// The legacy descriptors take int sizes; ours are int64_t.
inline int cudnn_int(int64_t value) {
  DAE_CHECK(value >= 0 && value <= std::numeric_limits<int>::max(),
            "cuDNN: size " << value << " does not fit the int its descriptors take");
  return static_cast<int>(value);
}

// A dense float tensor [n, c, h, w] in NCHW order, as every tensor of the framework is stored.
inline TensorDescriptor nchw_descriptor(int64_t n, int64_t c, int64_t h, int64_t w) {
  TensorDescriptor descriptor;
  DAE_CUDA_CHECK(cudnnSetTensor4dDescriptor(descriptor.get(), CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, cudnn_int(n),
                                            cudnn_int(c), cudnn_int(h), cudnn_int(w)));
  return descriptor;
}

// Per-shape state, keyed by the shape's fields. A training run meets a handful of shapes
// (one per layer, plus a smaller last batch), so the map stays tiny and is never evicted.
// Not thread-safe, like the one stream all of this runs on.
template <size_t KeySize, typename Entry>
class ShapeCache {
 public:
  using Key = std::array<int64_t, KeySize>;

  // The entry for `key`, built as Entry(args...) the first time the key is seen.
  template <typename... Args>
  const Entry& get(const Key& key, const Args&... args) {
    return entries_.try_emplace(key, args...).first->second;
  }

 private:
  std::map<Key, Entry> entries_;
};

}  // namespace dae::cuda
