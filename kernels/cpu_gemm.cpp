#include "kernels/cpu_gemm.h"

#include <cblas.h>

#include <algorithm>
#include <mutex>
#include <vector>

#include "kernels/cpu_pass_timer.h"
#include "kernels/cpu_threads.h"

namespace dae::cpu {

namespace {

// Below this many FLOPs a product stays on one thread: waking the others costs more.
constexpr double kParallelMinFlops = 4e6;

void blas(const ProductShape& s, const float* a, int64_t lda, const float* b, int64_t ldb, float beta, float* c,
          int64_t ldc) {
  PassTimer timer("product", s);
  cblas_sgemm(CblasRowMajor, s.transpose_a ? CblasTrans : CblasNoTrans, s.transpose_b ? CblasTrans : CblasNoTrans,
              static_cast<int>(s.m), static_cast<int>(s.n), static_cast<int>(s.k), 1.0f, a, static_cast<int>(lda), b,
              static_cast<int>(ldb), beta, c, static_cast<int>(ldc));
}

// OpenBLAS's own threads would compete with the pool's for the same cores: they are never used.
void use_openblas_single_threaded() {
  static std::once_flag once;
  std::call_once(once, [] { openblas_set_num_threads(1); });
}

}  // namespace

void sgemm(const ProductShape& s, const float* a, const float* b, float beta, float* c) {
  use_openblas_single_threaded();
  const int64_t lda = s.transpose_a ? s.m : s.k, ldb = s.transpose_b ? s.k : s.n;
  if (in_parallel() || num_threads() == 1 || s.flops() < kParallelMinFlops)
    return blas(s, a, lda, b, ldb, beta, c, s.n);

  // One block of C per thread along its longer side, in multiples of 16 (a vector of floats):
  // each block packs the other operand again, so more blocks would cost more than they balance.
  const bool by_rows = s.m >= s.n;
  const int64_t length = by_rows ? s.m : s.n;
  const int64_t block = ((length + num_threads() - 1) / num_threads() + 15) & ~int64_t{15};
  parallel_for((length + block - 1) / block, [&](int64_t index) {
    const int64_t start = index * block, size = std::min(block, length - start);
    if (by_rows) {
      const float* rows = s.transpose_a ? a + start : a + start * s.k;
      blas(ProductShape{size, s.n, s.k, s.transpose_a, s.transpose_b}, rows, lda, b, ldb, beta, c + start * s.n, s.n);
    } else {
      const float* columns = s.transpose_b ? b + start * s.k : b + start;
      blas(ProductShape{s.m, size, s.k, s.transpose_a, s.transpose_b}, a, lda, columns, ldb, beta, c + start, s.n);
    }
  });
}

double product_seconds_alone(const ProductShape& s) {
  std::vector<float> a(static_cast<size_t>(s.m * s.k), 0.5f), b(static_cast<size_t>(s.k * s.n), 0.25f),
      c(static_cast<size_t>(s.m * s.n));
  use_openblas_single_threaded();
  const bool timing = pass_timing_enabled();
  enable_pass_timing(false);
  std::vector<double> seconds;
  for (int run = 0; run < 6; ++run) {
    const double start = thread_seconds();
    blas(s, a.data(), s.transpose_a ? s.m : s.k, b.data(), s.transpose_b ? s.k : s.n, 0.0f, c.data(), s.n);
    seconds.push_back(thread_seconds() - start);
  }
  enable_pass_timing(timing);
  std::sort(seconds.begin() + 1, seconds.end());  // the first run is the warm-up
  return seconds[3];
}

}  // namespace dae::cpu
