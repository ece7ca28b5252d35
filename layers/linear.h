// nn.Linear(in_features, out_features): y = x W^T + b, W [out, in], b [out].
#pragma once

#include "core/torch_cpu_generator.h"
#include "layers/module.h"

namespace dae {

class Linear : public Module {
 public:
  Linear(int64_t in_features, int64_t out_features, TorchCpuGenerator& generator);
  Tensor forward(const Tensor& x) override;

 private:
  Tensor weight_, bias_;
};

}  // namespace dae
