#include "layers/conv2d.h"

#include "core/error.h"
#include "core/ops.h"
#include "layers/init.h"

namespace dae {

Conv2d::Conv2d(int64_t in_channels, int64_t out_channels, int64_t kernel_size, const ConvOptions& options,
               TorchCpuGenerator& generator)
    : options_(options) {
  DAE_CHECK(options.output_padding == 0, "Conv2d has no output_padding");
  Tensor weight, bias;
  init_weight_and_bias(Shape{out_channels, in_channels, kernel_size, kernel_size}, out_channels, generator, weight,
                       bias);
  weight_ = register_parameter("weight", weight);
  bias_ = register_parameter("bias", bias);
}

Tensor Conv2d::forward(const Tensor& x) { return ops::conv2d(x, weight_, bias_, options_.stride, options_.padding); }

ConvTranspose2d::ConvTranspose2d(int64_t in_channels, int64_t out_channels, int64_t kernel_size,
                                 const ConvOptions& options, TorchCpuGenerator& generator)
    : options_(options) {
  Tensor weight, bias;
  init_weight_and_bias(Shape{in_channels, out_channels, kernel_size, kernel_size}, out_channels, generator, weight,
                       bias);
  weight_ = register_parameter("weight", weight);
  bias_ = register_parameter("bias", bias);
}

Tensor ConvTranspose2d::forward(const Tensor& x) {
  return ops::conv_transpose2d(x, weight_, bias_, options_.stride, options_.padding, options_.output_padding);
}

}  // namespace dae
