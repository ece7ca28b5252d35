#include "kernels/cpu_gemm.h"

#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "kernels/cpu_pass_timer.h"

namespace dae::cpu {

void sgemm(const ProductShape& s, const float* a, const float* b, float beta, float* c) {
  PassTimer timer("product", s);
  cblas_sgemm(CblasRowMajor, s.transpose_a ? CblasTrans : CblasNoTrans, s.transpose_b ? CblasTrans : CblasNoTrans,
              static_cast<int>(s.m), static_cast<int>(s.n), static_cast<int>(s.k), 1.0f, a,
              static_cast<int>(s.transpose_a ? s.m : s.k), b, static_cast<int>(s.transpose_b ? s.k : s.n), beta, c,
              static_cast<int>(s.n));
}

double product_seconds_alone(const ProductShape& s) {
  std::vector<float> a(static_cast<size_t>(s.m * s.k), 0.5f), b(static_cast<size_t>(s.k * s.n), 0.25f),
      c(static_cast<size_t>(s.m * s.n));
  const int previous_threads = openblas_get_num_threads();
  openblas_set_num_threads(1);
  const bool timing = pass_timing_enabled();
  enable_pass_timing(false);
  std::vector<double> seconds;
  for (int run = 0; run < 6; ++run) {
    const auto start = std::chrono::steady_clock::now();
    sgemm(s, a.data(), b.data(), 0.0f, c.data());
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  enable_pass_timing(timing);
  openblas_set_num_threads(previous_threads);
  std::sort(seconds.begin() + 1, seconds.end());  // the first run is the warm-up
  return seconds[3];
}

}  // namespace dae::cpu
