// nn.BatchNorm2d(channels): weight 1, bias 0, running_mean 0, running_var 1, momentum 0.1,
// eps 1e-5; num_batches_tracked counts training batches (saved, as PyTorch does, as int64).
#pragma once

#include "layers/module.h"

namespace dae {

class BatchNorm2d : public Module {
 public:
  explicit BatchNorm2d(int64_t channels);
  Tensor forward(const Tensor& x) override;

 private:
  Tensor weight_, bias_, running_mean_, running_var_;
  int64_t num_batches_tracked_ = 0;
};

}  // namespace dae
