#include "layers/linear.h"

#include "core/ops.h"
#include "layers/init.h"

namespace dae {

Linear::Linear(int64_t in_features, int64_t out_features, TorchCpuGenerator& generator) {
  Tensor weight, bias;
  init_weight_and_bias(Shape{out_features, in_features}, out_features, generator, weight, bias);
  weight_ = register_parameter("weight", weight);
  bias_ = register_parameter("bias", bias);
}

Tensor Linear::forward(const Tensor& x) { return ops::linear(x, weight_, bias_); }

}  // namespace dae
