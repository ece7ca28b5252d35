// One training batch from the uint8 data set (batch_gather.h), [B, P] with P pixels an image:
//   clean[b, p] = pixel_to_unit(images[indices[b], p]);  noisy = add_noise(clean, z, std)
// One thread per group of 4 elements, as batch_gather_cpu.cpp: normal_group draws the group's
// 4 normals, so noisy has the same bits as on the CPU and as add_gaussian_noise(clean).
// The (b, p) split of each element index is 32-bit arithmetic when B*P fits (it always does
// for MNIST batches): a 64-bit division per element is a long software routine.
// Launch: one thread per group (cuda_launch.cuh). Test: tests/test_cuda_ops.cpp.
#include "kernels/batch_gather.h"
#include "kernels/cuda_launch.cuh"

namespace dae::cuda {

namespace {

template <typename Index>
__global__ void gather_noisy_batch_kernel(const uint8_t* images, const int32_t* indices, float* clean, float* noisy,
                                          GatherShape s, NoiseParams noise) {
  const Index n = static_cast<Index>(s.batch * s.pixels), pixels = static_cast<Index>(s.pixels);
  const int64_t group = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (group >= (static_cast<int64_t>(n) + 3) / 4) return;
  const NoiseParams p = with_stream_offset(noise);  // one read of the offset per thread
  float z[4];
  normal_group(p, static_cast<uint64_t>(group), z);
  for (int k = 0; k < 4 && static_cast<Index>(4 * group + k) < n; ++k) {
    const Index i = static_cast<Index>(4 * group + k), b = i / pixels;
    const float unit = pixel_to_unit(images[static_cast<int64_t>(indices[b]) * s.pixels + (i - b * pixels)]);
    clean[i] = unit;
    noisy[i] = add_noise(unit, z[k], p.std);
  }
}

}  // namespace

void gather_noisy_batch(const uint8_t* images, const int32_t* indices, float* clean, float* noisy,
                        const GatherShape& shape, const NoiseParams& noise) {
  const int64_t n = shape.batch * shape.pixels, groups = (n + 3) / 4;
  if (fits_32_bits(n + 3)) {
    launch_for(groups, gather_noisy_batch_kernel<uint32_t>, images, indices, clean, noisy, shape, noise);
  } else {
    launch_for(groups, gather_noisy_batch_kernel<int64_t>, images, indices, clean, noisy, shape, noise);
  }
}

}  // namespace dae::cuda
