// One training batch from the uint8 data set (batch_gather.h), [B, P] with P pixels an image:
//   clean[b, p] = pixel_to_unit(images[indices[b], p]);  noisy = add_noise(clean, z, std)
// One thread per group of 4 elements, as batch_gather_cpu.cpp: normal_group draws the group's
// 4 normals, so noisy has the same bits as on the CPU and as add_gaussian_noise(clean).
// Launch: cuda::blocks_for(ceil(B*P / 4)) blocks of kThreadsPerBlock. Test: tests/test_cuda_ops.cpp.
#include "kernels/batch_gather.h"
#include "kernels/cuda_check.h"
#include "kernels/cuda_context.h"

namespace dae::cuda {

namespace {

__global__ void gather_noisy_batch_kernel(const uint8_t* images, const int32_t* indices, float* clean,
                                          float* noisy, GatherShape s, NoiseParams noise) {
  const int64_t n = s.batch * s.pixels;
  const int64_t group = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (group >= (n + 3) / 4) return;
  float z[4];
  normal_group(noise, static_cast<uint64_t>(group), z);
  for (int64_t k = 0; k < 4 && 4 * group + k < n; ++k) {
    const int64_t i = 4 * group + k, b = i / s.pixels, p = i % s.pixels;
    const float unit = pixel_to_unit(images[static_cast<int64_t>(indices[b]) * s.pixels + p]);
    clean[i] = unit;
    noisy[i] = add_noise(unit, z[k], noise.std);
  }
}

}  // namespace

void gather_noisy_batch(const uint8_t* images, const int32_t* indices, float* clean, float* noisy,
                        const GatherShape& shape, const NoiseParams& noise) {
  const int64_t n = shape.batch * shape.pixels;
  if (n == 0) return;  // an empty grid is a launch error
  gather_noisy_batch_kernel<<<blocks_for((n + 3) / 4), kThreadsPerBlock, 0, stream()>>>(
      images, indices, clean, noisy, shape, noise);
  DAE_CUDA_CHECK_LAUNCH();
}

}  // namespace dae::cuda
