#include "core/tensor.h"

#include "core/autograd.h"
#include "core/dispatch.h"
#include "core/error.h"
#include "kernels/accumulate.h"

namespace dae {

Tensor Tensor::empty(const Shape& shape, Device device) {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = std::make_shared<Storage>(device, static_cast<size_t>(shape.numel()) * sizeof(float));
  impl->shape = shape;
  return Tensor(std::move(impl));
}

Tensor Tensor::zeros(const Shape& shape, Device device) { return full(shape, 0.0f, device); }

Tensor Tensor::full(const Shape& shape, float value, Device device) {
  Tensor tensor = empty(shape, device);
  DAE_DISPATCH(device, fill, tensor.data(), value, tensor.numel());
  return tensor;
}

Tensor Tensor::from_vector(const Shape& shape, const std::vector<float>& values, Device device) {
  DAE_CHECK(static_cast<int64_t>(values.size()) == shape.numel(),
            "from_vector: " << values.size() << " values for shape " << shape);
  Tensor tensor = empty(shape, device);
  copy_bytes(tensor.data(), device, values.data(), Device::CPU, values.size() * sizeof(float));
  return tensor;
}

TensorImpl& Tensor::impl() const {
  DAE_CHECK(impl_ != nullptr, "use of an undefined tensor");
  return *impl_;
}

float* Tensor::data() const { return static_cast<float*>(impl().storage->data()) + impl().offset; }

Tensor Tensor::to(Device device) const {
  if (device == this->device()) return *this;
  Tensor copy = empty(shape(), device);
  copy.copy_from(*this);
  return copy;
}

Tensor Tensor::clone() const {
  Tensor copy = empty(shape(), device());
  copy.copy_from(*this);
  return copy;
}

std::vector<float> Tensor::to_vector() const {
  std::vector<float> values(static_cast<size_t>(numel()));
  copy_bytes(values.data(), Device::CPU, data(), device(), values.size() * sizeof(float));
  return values;
}

float Tensor::item() const {
  DAE_CHECK(numel() == 1, "item: expected a one-element tensor, got shape " << shape());
  return to_vector()[0];
}

void Tensor::copy_from(const Tensor& source) const {
  DAE_CHECK(source.shape() == shape(),
            "copy_from: shapes differ: destination " << shape() << ", source " << source.shape());
  copy_bytes(data(), device(), source.data(), source.device(), static_cast<size_t>(numel()) * sizeof(float));
}

Tensor Tensor::view(const Shape& new_shape) const {
  DAE_CHECK(new_shape.numel() == numel(), "view: cannot view shape " << shape() << " as " << new_shape);
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = this->impl().storage;
  impl->offset = this->impl().offset;
  impl->shape = new_shape;
  return Tensor(std::move(impl));
}

Tensor Tensor::segment(int64_t first, const Shape& shape) const {
  DAE_CHECK(first >= 0 && first + shape.numel() <= numel(), "segment: elements ["
                                                                << first << ", " << first + shape.numel()
                                                                << ") of a tensor of " << numel() << " elements");
  Tensor part = view(Shape{numel()});
  part.impl().offset += first;
  part.impl().shape = shape;
  return part;
}

void Tensor::set_data(const Tensor& source) const {
  DAE_CHECK(source.shape() == shape(), "set_data: source shape " << source.shape() << " differs from " << shape());
  impl().storage = source.impl().storage;
  impl().offset = source.impl().offset;
}

Tensor& Tensor::set_requires_grad(bool requires) {
  DAE_CHECK(!requires || !grad_fn(), "set_requires_grad: only leaf tensors can be marked");
  impl().requires_grad = requires;
  return *this;
}

void Tensor::backward() const { run_backward(*this); }

}  // namespace dae
