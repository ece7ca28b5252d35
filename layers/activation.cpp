#include "layers/activation.h"

#include "core/error.h"
#include "core/ops.h"

namespace dae {

Tensor ReLU::forward(const Tensor& x) { return ops::relu(x); }

Tensor MaxPool2d::forward(const Tensor& x) { return ops::max_pool2d(x); }

Tensor Flatten::forward(const Tensor& x) {
  DAE_CHECK(x.rank() >= 1, "Flatten: input must have a batch dimension, got shape " << x.shape());
  return ops::reshape(x, Shape{x.dim(0), x.numel() / (x.dim(0) ? x.dim(0) : 1)});
}

Tensor Unflatten::forward(const Tensor& x) {
  std::vector<int64_t> dims{x.dim(0)};
  dims.insert(dims.end(), dims_.begin(), dims_.end());
  return ops::reshape(x, Shape(dims));
}

}  // namespace dae
