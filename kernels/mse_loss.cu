// Mean squared error (mse_loss.h, PyTorch's MSELoss(reduction='mean')):
//   forward   loss = (1/n) sum_i squared_error(p_i, t_i), summed in double
//   backward  dp_i = mse_gradient(p_i, t_i, mse_gradient_scale(grad_loss, n))
// The forward is two launches: up to kMaxPartialSums blocks (mse_loss.h) of kThreadsPerBlock
// threads each sum a grid-stride share of the elements (a thread takes every
// (blocks * kThreadsPerBlock)-th element, several passes beyond 262,144 elements) into one
// double in cuda::workspace(), then one block sums
// those partials in order and divides by n. The grid depends only on n, so the loss has the
// same bits on every run (no atomics). The backward reads grad_loss on the device (no host
// sync), one thread per element. Test: tests/test_cuda_ops.cpp.
#include <algorithm>

#include "kernels/cuda_launch.cuh"
#include "kernels/cuda_reduce.cuh"
#include "kernels/mse_loss.h"

namespace dae::cuda {

namespace {

__global__ void squared_error_partial_sums(const float* prediction, const float* target, int64_t n, double* partial) {
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  double sum = 0.0;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    sum += squared_error(prediction[i], target[i]);
  }
  const double block_total = block_sum(sum);
  if (threadIdx.x == 0) partial[blockIdx.x] = block_total;
}

// A single block. n = 0 gives 0/0 = NaN, as the CPU does (and PyTorch).
__global__ void mean_of_partial_sums(const double* partial, unsigned count, int64_t n, float* loss) {
  double sum = 0.0;
  for (unsigned i = threadIdx.x; i < count; i += blockDim.x) sum += partial[i];
  const double total = block_sum(sum);
  if (threadIdx.x == 0) *loss = static_cast<float>(total / static_cast<double>(n));
}

__global__ void mse_loss_backward_kernel(const float* prediction, const float* target, const float* grad_loss,
                                         float* grad_prediction, int64_t n) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) {
    grad_prediction[i] = mse_gradient(prediction[i], target[i], mse_gradient_scale(*grad_loss, n));
  }
}

}  // namespace

void mse_loss_forward(const float* prediction, const float* target, int64_t n, float* loss) {
  // Any grid is correct (grid-stride); at least one block so that n = 0 still writes the loss.
  const unsigned blocks = std::clamp<unsigned>(blocks_for(n), 1u, kMaxPartialSums);
  auto* partial = static_cast<double*>(workspace(blocks * sizeof(double)));
  launch(squared_error_partial_sums, dim3(blocks), prediction, target, n, partial);
  launch(mean_of_partial_sums, dim3(1), partial, blocks, n, loss);
}

void mse_loss_backward(const float* prediction, const float* target, const float* grad_loss, float* grad_prediction,
                       int64_t n) {
  launch_for(n, mse_loss_backward_kernel, prediction, target, grad_loss, grad_prediction, n);
}

}  // namespace dae::cuda
