// BatchNorm2d (batch_norm2d.h, PyTorch's nn.BatchNorm2d) on NCHW, M = N*H*W values per channel.
// Every kernel runs on a (parts, C) grid of kThreadsPerBlock-thread blocks: each block owns one
// slice of a channel's M values (cuda_reduce.cuh), sums in double, and writes one part; the next
// kernel adds a channel's parts in a fixed order. Deterministic, no atomics, and enough blocks
// to fill the GPU (the conv model has 16 channels of 200,704 values).
//   forward_train  1. sums -> 2. squared deviations from the mean (two passes: no cancellation
//                  when |mean| >> std) -> 3. y = batch_norm_output(x, ...); the BIASED variance
//                  normalizes, the running variance gets the UNBIASED one, var * M/(M-1);
//                  block (0, c) of kernel 3 writes the saved and running statistics
//   forward_eval   the running estimates are the statistics; one kernel
//   backward       1. sums of dy and dy * xhat -> 2. dx, and dbias, dweight from block (0, c)
// Test: tests/test_cuda_ops.cpp.
#include "kernels/batch_norm2d.h"
#include "kernels/cuda_launch.cuh"
#include "kernels/cuda_reduce.cuh"

namespace dae::cuda {

namespace {

__device__ bool first_thread_of_channel() { return blockIdx.x == 0 && threadIdx.x == 0; }

__device__ void normalize_slice(const float* x, float* y, int64_t slice, float mean, float inv_std, float weight,
                                float bias, const BatchNormShape& s) {
  for_each_in_slice(s, slice, [&](int64_t i) { y[i] = batch_norm_output(x[i], mean, inv_std, weight, bias); });
}

__global__ void sums_kernel(const float* x, BatchNormShape s, int64_t slice, double* partial_sums) {
  double sum = 0.0;
  for_each_in_slice(s, slice, [&](int64_t i) { sum += x[i]; });
  store_part(partial_sums, block_sum(sum));
}

__global__ void squared_deviations_kernel(const float* x, BatchNormShape s, int64_t slice, const double* partial_sums,
                                          double* partial_squares) {
  const double mean = sum_of_parts(partial_sums, blockIdx.y, gridDim.x) / static_cast<double>(s.batch * s.spatial);
  double squares = 0.0;
  for_each_in_slice(s, slice, [&](int64_t i) { squares += (x[i] - mean) * (x[i] - mean); });
  store_part(partial_squares, block_sum(squares));
}

__global__ void normalize_train_kernel(const float* x, const float* weight, const float* bias, float* y,
                                       BatchNormStatistics saved, float* running_mean, float* running_var,
                                       BatchNormShape s, int64_t slice, const double* partial_sums,
                                       const double* partial_squares, float momentum, float eps) {
  const int64_t c = blockIdx.y;
  const double count = static_cast<double>(s.batch * s.spatial);
  const double mean = sum_of_parts(partial_sums, c, gridDim.x) / count;
  const double squares = sum_of_parts(partial_squares, c, gridDim.x);
  const float mean_f = static_cast<float>(mean);
  const float inv_std = batch_norm_inv_std(squares / count, eps);
  if (first_thread_of_channel()) {
    saved.mean[c] = mean_f;
    saved.inv_std[c] = inv_std;
    running_mean[c] = batch_norm_running_update(running_mean[c], mean, momentum);
    running_var[c] = batch_norm_running_update(running_var[c], squares / (count - 1.0), momentum);
  }
  normalize_slice(x, y, slice, mean_f, inv_std, weight[c], bias[c], s);
}

__global__ void normalize_eval_kernel(const float* x, const float* weight, const float* bias, float* y,
                                      BatchNormStatistics saved, const float* running_mean, const float* running_var,
                                      BatchNormShape s, int64_t slice, float eps) {
  const int64_t c = blockIdx.y;
  const float mean = running_mean[c];
  const float inv_std = batch_norm_inv_std(running_var[c], eps);
  if (first_thread_of_channel()) {
    saved.mean[c] = mean;
    saved.inv_std[c] = inv_std;
  }
  normalize_slice(x, y, slice, mean, inv_std, weight[c], bias[c], s);
}

__global__ void gradient_sums_kernel(const float* x, const float* dy, BatchNormStatistics saved, BatchNormShape s,
                                     int64_t slice, double* partial_dy, double* partial_dy_xhat) {
  const float mean = saved.mean[blockIdx.y], inv_std = saved.inv_std[blockIdx.y];
  double sum_dy = 0.0, sum_dy_xhat = 0.0;
  for_each_in_slice(s, slice, [&](int64_t i) {
    sum_dy += dy[i];
    sum_dy_xhat += dy[i] * batch_norm_xhat(x[i], mean, inv_std);
  });
  store_part(partial_dy, block_sum(sum_dy));
  store_part(partial_dy_xhat, block_sum(sum_dy_xhat));
}

__global__ void input_gradient_kernel(const float* x, const float* dy, const float* weight, BatchNormStatistics saved,
                                      float* dx, float* dweight, float* dbias, BatchNormShape s, int64_t slice,
                                      const double* partial_dy, const double* partial_dy_xhat, bool training) {
  const int64_t c = blockIdx.y;
  const double total_dy = sum_of_parts(partial_dy, c, gridDim.x);
  const double total_dy_xhat = sum_of_parts(partial_dy_xhat, c, gridDim.x);
  if (first_thread_of_channel()) {
    dbias[c] = static_cast<float>(total_dy);
    dweight[c] = static_cast<float>(total_dy_xhat);
  }
  // In eval mode the statistics are constants: only the scale reaches dx.
  const double count = static_cast<double>(s.batch * s.spatial);
  const float mean = saved.mean[c], inv_std = saved.inv_std[c];
  const float scale = weight[c] * inv_std;
  const float mean_dy = training ? static_cast<float>(total_dy / count) : 0.0f;
  const float mean_dy_xhat = training ? static_cast<float>(total_dy_xhat / count) : 0.0f;
  for_each_in_slice(s, slice, [&](int64_t i) {
    dx[i] = batch_norm_input_gradient(dy[i], batch_norm_xhat(x[i], mean, inv_std), scale, mean_dy, mean_dy_xhat);
  });
}

// Two arrays of C * parts doubles in the workspace, for the two sums a pass needs.
double* part_buffers(const ChannelSplit& split, int64_t channels) {
  return static_cast<double*>(workspace(2 * split.parts * channels * sizeof(double)));
}

}  // namespace

void batch_norm2d_forward_train(const float* x, const float* weight, const float* bias, float* y,
                                BatchNormStatistics saved, float* running_mean, float* running_var,
                                const BatchNormShape& shape, float momentum, float eps) {
  const ChannelSplit split = split_channel(shape.batch * shape.spatial);
  const dim3 grid = channel_grid(split, shape.channels);
  double* sums = part_buffers(split, shape.channels);
  double* squares = sums + split.parts * shape.channels;
  launch(sums_kernel, grid, x, shape, split.slice, sums);
  launch(squared_deviations_kernel, grid, x, shape, split.slice, sums, squares);
  launch(normalize_train_kernel, grid, x, weight, bias, y, saved, running_mean, running_var, shape, split.slice, sums,
         squares, momentum, eps);
}

void batch_norm2d_forward_eval(const float* x, const float* weight, const float* bias, float* y,
                               BatchNormStatistics saved, const float* running_mean, const float* running_var,
                               const BatchNormShape& shape, float eps) {
  const ChannelSplit split = split_channel(shape.batch * shape.spatial);
  launch(normalize_eval_kernel, channel_grid(split, shape.channels), x, weight, bias, y, saved, running_mean,
         running_var, shape, split.slice, eps);
}

void batch_norm2d_backward(const float* x, const float* dy, const float* weight, BatchNormStatistics saved, float* dx,
                           float* dweight, float* dbias, const BatchNormShape& shape, bool training) {
  const ChannelSplit split = split_channel(shape.batch * shape.spatial);
  const dim3 grid = channel_grid(split, shape.channels);
  double* sums_dy = part_buffers(split, shape.channels);
  double* sums_dy_xhat = sums_dy + split.parts * shape.channels;
  launch(gradient_sums_kernel, grid, x, dy, saved, shape, split.slice, sums_dy, sums_dy_xhat);
  launch(input_gradient_kernel, grid, x, dy, weight, saved, dx, dweight, dbias, shape, split.slice, sums_dy,
         sums_dy_xhat, training);
}

}  // namespace dae::cuda
