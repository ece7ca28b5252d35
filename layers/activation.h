// The layers without parameters: nn.ReLU, nn.MaxPool2d(2, 2), nn.Flatten, nn.Unflatten.
#pragma once

#include <vector>

#include "layers/module.h"

namespace dae {

class ReLU : public Module {
 public:
  Tensor forward(const Tensor& x) override;
};

class MaxPool2d : public Module {
 public:
  Tensor forward(const Tensor& x) override;
};

// [N, d1, d2, ...] -> [N, d1*d2*...]
class Flatten : public Module {
 public:
  Tensor forward(const Tensor& x) override;
};

// [N, d1*d2*...] -> [N, d1, d2, ...]
class Unflatten : public Module {
 public:
  explicit Unflatten(std::vector<int64_t> dims) : dims_(std::move(dims)) {}
  Tensor forward(const Tensor& x) override;

 private:
  std::vector<int64_t> dims_;
};

}  // namespace dae
