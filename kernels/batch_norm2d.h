// Batch normalization over N, H, W for each channel c (PyTorch's nn.BatchNorm2d), NCHW.
// M = N*H*W values per channel.
//   training:  mean_c = (1/M) sum x;  var_c = (1/M) sum (x - mean_c)^2   (BIASED: it normalizes)
//              running_mean = (1 - momentum) running_mean + momentum mean_c
//              running_var  = (1 - momentum) running_var  + momentum var_c * M/(M-1)   (UNBIASED)
//   eval:      mean_c, var_c are the running estimates
//   both:      inv_std_c = 1 / sqrt(var_c + eps);  xhat = (x - mean_c) inv_std_c;
//              y = weight_c xhat + bias_c
//   backward:  dbias_c = sum dy;  dweight_c = sum dy xhat;
//              dx = weight_c inv_std_c (dy - dbias_c/M - xhat dweight_c/M)   [training]
//              dx = weight_c inv_std_c dy                                      [eval: stats are constants]
// The forward saves mean_c and inv_std_c for the backward. Statistics are summed in double.
// CPU: one thread per channel; CUDA: a (parts, C) grid of blocks (cuda_reduce.cuh). Tests: test_ops_batch_norm.cpp,
// test_cuda_ops.cpp.
#pragma once

#include <cmath>
#include <cstdint>

#include "kernels/host_device.h"

namespace dae {

struct BatchNormShape {
  int64_t batch;
  int64_t channels;
  int64_t spatial;  // H*W
};

struct BatchNormStatistics {
  float* mean;     // [C] saved for the backward
  float* inv_std;  // [C]
};

// inv_std_c from a variance held in double (the batch's, or a running estimate widened).
DAE_HOST_DEVICE float batch_norm_inv_std(double variance, float eps) {
  return static_cast<float>(1.0 / sqrt(variance + eps));
}

// running = (1 - momentum) running + momentum batch_statistic, in double like PyTorch.
DAE_HOST_DEVICE float batch_norm_running_update(float running, double batch_statistic, float momentum) {
  return static_cast<float>(momentum * batch_statistic + (1.0 - momentum) * running);
}

DAE_HOST_DEVICE float batch_norm_xhat(float x, float mean, float inv_std) { return (x - mean) * inv_std; }

DAE_HOST_DEVICE float batch_norm_output(float x, float mean, float inv_std, float weight, float bias) {
  return batch_norm_xhat(x, mean, inv_std) * weight + bias;
}

DAE_HOST_DEVICE float batch_norm_input_gradient(float dy, float xhat, float scale, float mean_dy, float mean_dy_xhat) {
  return scale * (dy - mean_dy - xhat * mean_dy_xhat);
}

namespace cpu {
void batch_norm2d_forward_train(const float* x, const float* weight, const float* bias, float* y,
                                BatchNormStatistics saved, float* running_mean, float* running_var,
                                const BatchNormShape& shape, float momentum, float eps);
void batch_norm2d_forward_eval(const float* x, const float* weight, const float* bias, float* y,
                               BatchNormStatistics saved, const float* running_mean, const float* running_var,
                               const BatchNormShape& shape, float eps);
void batch_norm2d_backward(const float* x, const float* dy, const float* weight, BatchNormStatistics saved, float* dx,
                           float* dweight, float* dbias, const BatchNormShape& shape, bool training);
}  // namespace cpu

namespace cuda {
void batch_norm2d_forward_train(const float* x, const float* weight, const float* bias, float* y,
                                BatchNormStatistics saved, float* running_mean, float* running_var,
                                const BatchNormShape& shape, float momentum, float eps);
void batch_norm2d_forward_eval(const float* x, const float* weight, const float* bias, float* y,
                               BatchNormStatistics saved, const float* running_mean, const float* running_var,
                               const BatchNormShape& shape, float eps);
void batch_norm2d_backward(const float* x, const float* dy, const float* weight, BatchNormStatistics saved, float* dx,
                           float* dweight, float* dbias, const BatchNormShape& shape, bool training);
}  // namespace cuda

}  // namespace dae
