// Tensor: a float32, contiguous array of up to 4 dimensions (NCHW) on one device, plus what
// autograd needs. A Tensor is a handle: copies share the same data (like torch.Tensor).
// Views (view(), detach()) share the Storage and differ in shape or autograd identity.
#pragma once

#include <memory>
#include <vector>

#include "core/device.h"
#include "core/shape.h"
#include "core/storage.h"

namespace dae {

struct Node;

// What a Tensor handle points to. Autograd fields: `requires_grad` marks a leaf the user wants
// gradients for (a parameter) or the output of a recorded op; `grad_fn` is the op that
// produced this tensor (null for leaves); `grad` is where backward() accumulates a leaf's
// gradient.
struct TensorImpl {
  std::shared_ptr<Storage> storage;
  int64_t offset = 0;  // in floats, from the start of the storage
  Shape shape;
  bool requires_grad = false;
  std::shared_ptr<TensorImpl> grad;
  std::shared_ptr<Node> grad_fn;
};

class Tensor {
 public:
  Tensor() = default;  // undefined: no data
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  // Uninitialized memory.
  static Tensor empty(const Shape& shape, Device device = Device::CPU);
  static Tensor zeros(const Shape& shape, Device device = Device::CPU);
  static Tensor full(const Shape& shape, float value, Device device = Device::CPU);
  static Tensor from_vector(const Shape& shape, const std::vector<float>& values, Device device = Device::CPU);

  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const { return impl().shape; }
  int rank() const { return shape().rank(); }
  int64_t dim(int axis) const { return shape()[axis]; }
  int64_t numel() const { return shape().numel(); }
  Device device() const { return impl().storage->device(); }

  // Raw pointer to the first element, on the tensor's device.
  float* data() const;

  // A copy on `device` (the same tensor, not a copy, when it already lives there).
  Tensor to(Device device) const;
  Tensor clone() const;
  std::vector<float> to_vector() const;        // copied to the host
  float item() const;                          // the value of a one-element tensor
  void copy_from(const Tensor& source) const;  // same shape, any devices

  // Same data, another shape with the same element count. Not recorded by autograd: use
  // ops::reshape inside a differentiable computation.
  Tensor view(const Shape& shape) const;
  // Same data, no autograd history and requires_grad off (like torch's detach()).
  Tensor detach() const { return view(shape()); }
  // Elements [first, first + shape.numel()) of this tensor's data, viewed with `shape`.
  Tensor segment(int64_t first, const Shape& shape) const;
  // Makes this tensor (and every handle sharing it) use `source`'s memory from now on, like
  // PyTorch's `param.data = source`: how a module moves to the GPU and how the optimizer
  // gathers all parameters into one buffer, without invalidating anyone's handle.
  void set_data(const Tensor& source) const;

  // Autograd.
  bool requires_grad() const { return impl().requires_grad; }
  Tensor& set_requires_grad(bool requires);
  Tensor grad() const { return Tensor(impl().grad); }
  void set_grad(const Tensor& grad) const { impl().grad = grad.impl_; }
  const std::shared_ptr<Node>& grad_fn() const { return impl().grad_fn; }
  // Backpropagates from this one-element tensor (a loss) through the recorded graph.
  void backward() const;

  TensorImpl& impl() const;

 private:
  std::shared_ptr<TensorImpl> impl_;
};

}  // namespace dae
