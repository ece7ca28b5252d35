#include "kernels/batch_norm2d.h"
#include "kernels/cpu_runtime.h"

namespace dae::cpu {

namespace {

// Calls visit(values, count) for each of channel c's N contiguous runs of H*W values.
template <typename Visit>
void for_each_run(const float* data, int64_t c, const BatchNormShape& s, Visit visit) {
  for (int64_t n = 0; n < s.batch; ++n) visit(data + (n * s.channels + c) * s.spatial, n);
}

void normalize_channel(const float* x, float* y, int64_t c, float mean, float inv_std, float weight,
                       float bias, const BatchNormShape& s) {
  for_each_run(x, c, s, [&](const float* in, int64_t n) {
    float* out = y + (n * s.channels + c) * s.spatial;
    for (int64_t i = 0; i < s.spatial; ++i) out[i] = batch_norm_output(in[i], mean, inv_std, weight, bias);
  });
}

}  // namespace

void batch_norm2d_forward_train(const float* x, const float* weight, const float* bias, float* y,
                                BatchNormStatistics saved, float* running_mean, float* running_var,
                                const BatchNormShape& s, float momentum, float eps) {
  const double count = static_cast<double>(s.batch * s.spatial);
#pragma omp parallel for schedule(static) if (s.batch * s.channels * s.spatial >= kParallelMinElements)
  for (int64_t c = 0; c < s.channels; ++c) {
    double sum = 0.0;
    for_each_run(x, c, s, [&](const float* in, int64_t) {
      for (int64_t i = 0; i < s.spatial; ++i) sum += in[i];
    });
    const double mean = sum / count;
    double squares = 0.0;  // two passes: no cancellation when |mean| >> std
    for_each_run(x, c, s, [&](const float* in, int64_t) {
      for (int64_t i = 0; i < s.spatial; ++i) squares += (in[i] - mean) * (in[i] - mean);
    });
    const double biased_var = squares / count;
    const double unbiased_var = squares / (count - 1.0);
    saved.mean[c] = static_cast<float>(mean);
    saved.inv_std[c] = batch_norm_inv_std(biased_var, eps);
    running_mean[c] = batch_norm_running_update(running_mean[c], mean, momentum);
    running_var[c] = batch_norm_running_update(running_var[c], unbiased_var, momentum);
    normalize_channel(x, y, c, saved.mean[c], saved.inv_std[c], weight[c], bias[c], s);
  }
}

void batch_norm2d_forward_eval(const float* x, const float* weight, const float* bias, float* y,
                               BatchNormStatistics saved, const float* running_mean,
                               const float* running_var, const BatchNormShape& s, float eps) {
#pragma omp parallel for schedule(static) if (s.batch * s.channels * s.spatial >= kParallelMinElements)
  for (int64_t c = 0; c < s.channels; ++c) {
    saved.mean[c] = running_mean[c];
    saved.inv_std[c] = batch_norm_inv_std(running_var[c], eps);
    normalize_channel(x, y, c, saved.mean[c], saved.inv_std[c], weight[c], bias[c], s);
  }
}

void batch_norm2d_backward(const float* x, const float* dy, const float* weight,
                           BatchNormStatistics saved, float* dx, float* dweight, float* dbias,
                           const BatchNormShape& s, bool training) {
  const double count = static_cast<double>(s.batch * s.spatial);
#pragma omp parallel for schedule(static) if (s.batch * s.channels * s.spatial >= kParallelMinElements)
  for (int64_t c = 0; c < s.channels; ++c) {
    const float mean = saved.mean[c], inv_std = saved.inv_std[c];
    double sum_dy = 0.0, sum_dy_xhat = 0.0;
    for_each_run(x, c, s, [&](const float* in, int64_t n) {
      const float* grad = dy + (n * s.channels + c) * s.spatial;
      for (int64_t i = 0; i < s.spatial; ++i) {
        sum_dy += grad[i];
        sum_dy_xhat += grad[i] * batch_norm_xhat(in[i], mean, inv_std);
      }
    });
    dbias[c] = static_cast<float>(sum_dy);
    dweight[c] = static_cast<float>(sum_dy_xhat);
    const float scale = weight[c] * inv_std;
    const float mean_dy = training ? static_cast<float>(sum_dy / count) : 0.0f;
    const float mean_dy_xhat = training ? static_cast<float>(sum_dy_xhat / count) : 0.0f;
    for_each_run(x, c, s, [&](const float* in, int64_t n) {
      const int64_t offset = (n * s.channels + c) * s.spatial;
      for (int64_t i = 0; i < s.spatial; ++i) {
        const float xhat = batch_norm_xhat(in[i], mean, inv_std);
        dx[offset + i] = batch_norm_input_gradient(dy[offset + i], xhat, scale, mean_dy, mean_dy_xhat);
      }
    });
  }
}

}  // namespace dae::cpu
