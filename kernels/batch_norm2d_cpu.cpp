// Batch normalization on the CPU (the math: kernels/batch_norm2d.h), one thread per channel.
// Memory-bound, so the work is arranged to read each activation as few times as possible:
//   forward   the statistics in one read of x: per H*W plane its mean and sum of squared
//             deviations (a second pass over a plane that is still in cache), combined over
//             the planes with Chan et al.'s pairwise formula (as stable as two passes over
//             the whole channel); then one pass that writes y
//   backward  one pass for sum dy and sum dy xhat, one that writes dx
// The sums run in 16 double lanes (cpu_lanes.h), so they vectorize and give the same bits on
// every target. Tests: test_ops_batch_norm.cpp.
#include "kernels/batch_norm2d.h"
#include "kernels/cpu_lanes.h"
#include "kernels/cpu_runtime.h"

namespace dae::cpu {

namespace {

// Mean and sum of squared deviations of the n values of one plane.
struct Moments {
  double mean = 0.0, squares = 0.0;
};

DAE_CPU_INLINE Moments plane_moments(const float* x, int64_t n) {
  DoubleLanes sum = {};
  add_lanes(sum, x, n);
  const double mean = sum_of_lanes(sum) / static_cast<double>(n);
  const int64_t full = n / kLanes * kLanes;
  Lanes v;
  DoubleLanes squares = {};
  for (int64_t i = 0; i < full; i += kLanes) {
    load(v, x + i);
    DoubleLanes d;
    widen(d, v);
    d -= mean;
    squares += d * d;
  }
  for (int64_t i = full; i < n; ++i) squares[i - full] += (x[i] - mean) * (x[i] - mean);
  return {mean, sum_of_lanes(squares)};
}

// Chan, Golub and LeVeque's update: the moments of `total` values from those of the first
// `count` and of `n` more.
DAE_CPU_INLINE void combine(Moments& total, int64_t count, const Moments& more, int64_t n) {
  const double delta = more.mean - total.mean, all = static_cast<double>(count + n);
  total.mean += delta * static_cast<double>(n) / all;
  total.squares += more.squares + delta * delta * static_cast<double>(count) * static_cast<double>(n) / all;
}

DAE_CPU_CLONES
void normalize_channel(const float* x, float* y, int64_t c, float mean, float inv_std, float weight, float bias,
                       const BatchNormShape& s) {
  for (int64_t n = 0; n < s.batch; ++n) {
    const float* in = x + (n * s.channels + c) * s.spatial;
    float* out = y + (n * s.channels + c) * s.spatial;
    for (int64_t i = 0; i < s.spatial; ++i) out[i] = batch_norm_output(in[i], mean, inv_std, weight, bias);
  }
}

// sum dy and sum dy xhat over channel c.
DAE_CPU_CLONES
void gradient_sums(const float* x, const float* dy, int64_t c, float mean, float inv_std, const BatchNormShape& s,
                   double& sum_dy, double& sum_dy_xhat) {
  const int64_t full = s.spatial / kLanes * kLanes;
  DoubleLanes sums = {}, products = {};
  Lanes v, g;
  for (int64_t n = 0; n < s.batch; ++n) {
    const float* in = x + (n * s.channels + c) * s.spatial;
    const float* grad = dy + (n * s.channels + c) * s.spatial;
    for (int64_t i = 0; i < full; i += kLanes) {
      load(v, in + i);
      load(g, grad + i);
      add_widened(sums, g);
      add_widened(products, g * ((v - mean) * inv_std));  // batch_norm_xhat, 16 at a time
    }
    for (int64_t i = full; i < s.spatial; ++i) {
      sums[i - full] += grad[i];
      products[i - full] += grad[i] * batch_norm_xhat(in[i], mean, inv_std);
    }
  }
  sum_dy = sum_of_lanes(sums);
  sum_dy_xhat = sum_of_lanes(products);
}

struct ChannelStatistics {
  double mean, biased_var, unbiased_var;
};

DAE_CPU_CLONES
ChannelStatistics channel_statistics(const float* x, int64_t c, const BatchNormShape& s) {
  Moments total;
  for (int64_t n = 0; n < s.batch; ++n)
    combine(total, n * s.spatial, plane_moments(x + (n * s.channels + c) * s.spatial, s.spatial), s.spatial);
  const double count = static_cast<double>(s.batch * s.spatial);
  return {total.mean, total.squares / count, total.squares / (count - 1.0)};
}

// dx of channel c from the sums.
DAE_CPU_CLONES
void input_gradient_channel(const float* x, const float* dy, float* dx, int64_t c, float mean, float inv_std,
                            float scale, float mean_dy, float mean_dy_xhat, const BatchNormShape& s) {
  for (int64_t n = 0; n < s.batch; ++n) {
    const int64_t offset = (n * s.channels + c) * s.spatial;
    for (int64_t i = 0; i < s.spatial; ++i) {
      const float xhat = batch_norm_xhat(x[offset + i], mean, inv_std);
      dx[offset + i] = batch_norm_input_gradient(dy[offset + i], xhat, scale, mean_dy, mean_dy_xhat);
    }
  }
}

}  // namespace

void batch_norm2d_forward_train(const float* x, const float* weight, const float* bias, float* y,
                                BatchNormStatistics saved, float* running_mean, float* running_var,
                                const BatchNormShape& s, float momentum, float eps) {
  parallel_for(s.channels, s.batch * s.channels * s.spatial, [&](int64_t c) {
    const ChannelStatistics statistics = channel_statistics(x, c, s);
    saved.mean[c] = static_cast<float>(statistics.mean);
    saved.inv_std[c] = batch_norm_inv_std(statistics.biased_var, eps);
    running_mean[c] = batch_norm_running_update(running_mean[c], statistics.mean, momentum);
    running_var[c] = batch_norm_running_update(running_var[c], statistics.unbiased_var, momentum);
    normalize_channel(x, y, c, saved.mean[c], saved.inv_std[c], weight[c], bias[c], s);
  });
}

void batch_norm2d_forward_eval(const float* x, const float* weight, const float* bias, float* y,
                               BatchNormStatistics saved, const float* running_mean, const float* running_var,
                               const BatchNormShape& s, float eps) {
  parallel_for(s.channels, s.batch * s.channels * s.spatial, [&](int64_t c) {
    saved.mean[c] = running_mean[c];
    saved.inv_std[c] = batch_norm_inv_std(running_var[c], eps);
    normalize_channel(x, y, c, saved.mean[c], saved.inv_std[c], weight[c], bias[c], s);
  });
}

void batch_norm2d_backward(const float* x, const float* dy, const float* weight, BatchNormStatistics saved, float* dx,
                           float* dweight, float* dbias, const BatchNormShape& s, bool training) {
  const double count = static_cast<double>(s.batch * s.spatial);
  parallel_for(s.channels, s.batch * s.channels * s.spatial, [&](int64_t c) {
    const float mean = saved.mean[c], inv_std = saved.inv_std[c];
    double sum_dy = 0.0, sum_dy_xhat = 0.0;
    gradient_sums(x, dy, c, mean, inv_std, s, sum_dy, sum_dy_xhat);
    dbias[c] = static_cast<float>(sum_dy);
    dweight[c] = static_cast<float>(sum_dy_xhat);
    const float scale = weight[c] * inv_std;
    const float mean_dy = training ? static_cast<float>(sum_dy / count) : 0.0f;
    const float mean_dy_xhat = training ? static_cast<float>(sum_dy_xhat / count) : 0.0f;
    input_gradient_channel(x, dy, dx, c, mean, inv_std, scale, mean_dy, mean_dy_xhat, s);
  });
}

}  // namespace dae::cpu
