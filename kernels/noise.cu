// Gaussian noise y = x + std * z (noise.h): one thread per group of 4 elements, the group's
// 4 normals from one Philox call (normal_group), launched as one thread per group
// (cuda_launch.cuh). The math is noise.h's, built from mul_rn/add_rn, IEEE division and sqrtf,
// so the output has the same bits as noise_cpu.cpp: tests/test_cuda_ops.cpp checks it exactly.
#include "kernels/cuda_launch.cuh"
#include "kernels/noise.h"

namespace dae::cuda {

namespace {

__global__ void add_gaussian_noise_kernel(const float* x, float* y, int64_t n, NoiseParams params) {
  const int64_t group = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (group >= (n + 3) / 4) return;
  const NoiseParams p = with_stream_offset(params);  // one read of the offset per thread
  float z[4];
  normal_group(p, static_cast<uint64_t>(group), z);
  for (int64_t k = 0; k < 4 && 4 * group + k < n; ++k) {
    y[4 * group + k] = add_noise(x[4 * group + k], z[k], p.std);
  }
}

}  // namespace

void add_gaussian_noise(const float* x, float* y, int64_t n, const NoiseParams& params) {
  launch_for((n + 3) / 4, add_gaussian_noise_kernel, x, y, n, params);
}

}  // namespace dae::cuda
