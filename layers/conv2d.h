// nn.Conv2d(in, out, kernel_size, stride, padding) and
// nn.ConvTranspose2d(in, out, kernel_size, stride, padding, output_padding), square kernels.
#pragma once

#include "core/torch_cpu_generator.h"
#include "layers/module.h"

namespace dae {

struct ConvOptions {
  int64_t stride = 1;
  int64_t padding = 0;
  int64_t output_padding = 0;  // ConvTranspose2d only
};

class Conv2d : public Module {
 public:
  Conv2d(int64_t in_channels, int64_t out_channels, int64_t kernel_size, const ConvOptions& options,
         TorchCpuGenerator& generator);
  Tensor forward(const Tensor& x) override;

 private:
  ConvOptions options_;
  Tensor weight_, bias_;  // [out, in, k, k], [out]
};

class ConvTranspose2d : public Module {
 public:
  ConvTranspose2d(int64_t in_channels, int64_t out_channels, int64_t kernel_size, const ConvOptions& options,
                  TorchCpuGenerator& generator);
  Tensor forward(const Tensor& x) override;

 private:
  ConvOptions options_;
  Tensor weight_, bias_;  // [in, out, k, k] (PyTorch's layout), [out]
};

}  // namespace dae
