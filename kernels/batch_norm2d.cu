// BatchNorm2d (batch_norm2d.h, PyTorch's nn.BatchNorm2d) on NCHW, M = N*H*W values per channel.
// Launch: one block of kThreadsPerBlock threads per channel (grid = C); each thread visits a
// fixed set of the channel's values (for_each_in_channel), sums in double and the block
// reduces in a fixed order (block_sum): deterministic, no atomics.
//   forward_train  pass 1 the mean, pass 2 the BIASED variance (two passes: no cancellation
//                  when |mean| >> std), which normalizes; the running variance gets the
//                  UNBIASED one, var * M/(M-1); pass 3 y = batch_norm_output(x, ...)
//   forward_eval   the running estimates are the statistics; one pass
//   backward       pass 1 dbias = sum dy, dweight = sum dy xhat; pass 2 dx
// Test: tests/test_cuda_ops.cpp.
#include "kernels/batch_norm2d.h"
#include "kernels/cuda_check.h"
#include "kernels/cuda_context.h"
#include "kernels/cuda_reduce.cuh"

namespace dae::cuda {

namespace {

__device__ void normalize_channel(const float* x, float* y, int64_t c, float mean, float inv_std,
                                  float weight, float bias, const BatchNormShape& s) {
  for_each_in_channel(c, s, [&](int64_t i) {
    y[i] = batch_norm_output(x[i], mean, inv_std, weight, bias);
  });
}

__global__ void forward_train_kernel(const float* x, const float* weight, const float* bias, float* y,
                                     BatchNormStatistics saved, float* running_mean, float* running_var,
                                     BatchNormShape s, float momentum, float eps) {
  const int64_t c = blockIdx.x;
  const double count = static_cast<double>(s.batch * s.spatial);
  double sum = 0.0;
  for_each_in_channel(c, s, [&](int64_t i) { sum += x[i]; });
  const double mean = block_sum(sum) / count;
  double squares = 0.0;
  for_each_in_channel(c, s, [&](int64_t i) { squares += (x[i] - mean) * (x[i] - mean); });
  const double total_squares = block_sum(squares);
  const float mean_f = static_cast<float>(mean);
  const float inv_std = batch_norm_inv_std(total_squares / count, eps);
  if (threadIdx.x == 0) {
    saved.mean[c] = mean_f;
    saved.inv_std[c] = inv_std;
    running_mean[c] = batch_norm_running_update(running_mean[c], mean, momentum);
    running_var[c] = batch_norm_running_update(running_var[c], total_squares / (count - 1.0), momentum);
  }
  normalize_channel(x, y, c, mean_f, inv_std, weight[c], bias[c], s);
}

__global__ void forward_eval_kernel(const float* x, const float* weight, const float* bias, float* y,
                                    BatchNormStatistics saved, const float* running_mean,
                                    const float* running_var, BatchNormShape s, float eps) {
  const int64_t c = blockIdx.x;
  const float mean = running_mean[c];
  const float inv_std = batch_norm_inv_std(running_var[c], eps);
  if (threadIdx.x == 0) {
    saved.mean[c] = mean;
    saved.inv_std[c] = inv_std;
  }
  normalize_channel(x, y, c, mean, inv_std, weight[c], bias[c], s);
}

__global__ void backward_kernel(const float* x, const float* dy, const float* weight,
                                BatchNormStatistics saved, float* dx, float* dweight, float* dbias,
                                BatchNormShape s, bool training) {
  const int64_t c = blockIdx.x;
  const float mean = saved.mean[c], inv_std = saved.inv_std[c];
  double sum_dy = 0.0, sum_dy_xhat = 0.0;
  for_each_in_channel(c, s, [&](int64_t i) {
    sum_dy += dy[i];
    sum_dy_xhat += dy[i] * batch_norm_xhat(x[i], mean, inv_std);
  });
  const double total_dy = block_sum(sum_dy);
  const double total_dy_xhat = block_sum(sum_dy_xhat);
  if (threadIdx.x == 0) {
    dbias[c] = static_cast<float>(total_dy);
    dweight[c] = static_cast<float>(total_dy_xhat);
  }
  // In eval mode the statistics are constants: only the scale reaches dx.
  const double count = static_cast<double>(s.batch * s.spatial);
  const float scale = weight[c] * inv_std;
  const float mean_dy = training ? static_cast<float>(total_dy / count) : 0.0f;
  const float mean_dy_xhat = training ? static_cast<float>(total_dy_xhat / count) : 0.0f;
  for_each_in_channel(c, s, [&](int64_t i) {
    dx[i] = batch_norm_input_gradient(dy[i], batch_norm_xhat(x[i], mean, inv_std), scale, mean_dy,
                                      mean_dy_xhat);
  });
}

}  // namespace

void batch_norm2d_forward_train(const float* x, const float* weight, const float* bias, float* y,
                                BatchNormStatistics saved, float* running_mean, float* running_var,
                                const BatchNormShape& shape, float momentum, float eps) {
  if (shape.channels == 0) return;  // an empty grid is a launch error
  forward_train_kernel<<<static_cast<unsigned>(shape.channels), kThreadsPerBlock, 0, stream()>>>(
      x, weight, bias, y, saved, running_mean, running_var, shape, momentum, eps);
  DAE_CUDA_CHECK_LAUNCH();
}

void batch_norm2d_forward_eval(const float* x, const float* weight, const float* bias, float* y,
                               BatchNormStatistics saved, const float* running_mean,
                               const float* running_var, const BatchNormShape& shape, float eps) {
  if (shape.channels == 0) return;
  forward_eval_kernel<<<static_cast<unsigned>(shape.channels), kThreadsPerBlock, 0, stream()>>>(
      x, weight, bias, y, saved, running_mean, running_var, shape, eps);
  DAE_CUDA_CHECK_LAUNCH();
}

void batch_norm2d_backward(const float* x, const float* dy, const float* weight,
                           BatchNormStatistics saved, float* dx, float* dweight, float* dbias,
                           const BatchNormShape& shape, bool training) {
  if (shape.channels == 0) return;
  backward_kernel<<<static_cast<unsigned>(shape.channels), kThreadsPerBlock, 0, stream()>>>(
      x, dy, weight, saved, dx, dweight, dbias, shape, training);
  DAE_CUDA_CHECK_LAUNCH();
}

}  // namespace dae::cuda
