#include "kernels/noise.h"

namespace dae::cpu {

void add_gaussian_noise(const float* x, float* y, int64_t n, const NoiseParams& params) {
  const int64_t groups = (n + 3) / 4;
#pragma omp parallel for schedule(static) if (groups > 4096)
  for (int64_t g = 0; g < groups; ++g) {
    float z[4];
    normal_group(params, static_cast<uint64_t>(g), z);
    for (int64_t k = 0; k < 4 && 4 * g + k < n; ++k) y[4 * g + k] = add_noise(x[4 * g + k], z[k], params.std);
  }
}

}  // namespace dae::cpu
