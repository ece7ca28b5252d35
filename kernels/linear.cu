// The three matrix products of a fully connected layer on the GPU, one cublasSgemm each
// (PyTorch's nn.Linear; shapes and formulas in linear.h, reference linear_cpu.cpp):
//   forward          y [N, O]  = x [N, I] . W^T
//   backward input   dx [N, I] = dy [N, O] . W
//   backward weight  dW [O, I] = dy^T . x
// cuBLAS is column-major and our matrices are row-major. A row-major [R, C] matrix is, byte
// for byte, the column-major [C, R] matrix: its transpose, with leading dimension C. So each
// row-major product C = A . B is computed as the column-major product C^T = B^T . A^T, with
// the operands swapped and no data moved. beta = 0: each call overwrites its output. Math
// mode is the handle's (cuda_context.cu): plain fp32 unless set_tf32(true).
// Tests: test_cuda_ops.cpp (against the CPU on the same random inputs).
#include <limits>

#include "kernels/cuda_check.h"
#include "kernels/cuda_context.h"
#include "kernels/linear.h"

namespace dae::cuda {

namespace {

// cublasSgemm takes int sizes.
int blas_int(int64_t value) {
  DAE_CHECK(value >= 0 && value <= std::numeric_limits<int>::max(),
            "linear: size " << value << " does not fit the int cuBLAS takes");
  return static_cast<int>(value);
}

constexpr float kOne = 1.0f;
constexpr float kZero = 0.0f;

}  // namespace

void linear_forward(const float* x, const float* weight, float* y, const LinearShape& s) {
  const int N = blas_int(s.batch), I = blas_int(s.in_features), O = blas_int(s.out_features);
  // Column-major: x is X^T [I, N] (ld I), W is W^T [I, O] (ld I), y is Y^T [O, N] (ld O).
  // Y = X . W^T  <=>  Y^T [O, N] = W [O, I] . X^T [I, N]  =  op_T(W^T) . X^T:
  //   transa = T on A = weight (lda I), transb = N on B = x (ldb I), m = O, n = N, k = I.
  DAE_CUDA_CHECK(cublasSgemm(cublas(), CUBLAS_OP_T, CUBLAS_OP_N, O, N, I, &kOne, weight, I, x, I, &kZero, y, O));
}

void linear_backward_input(const float* dy, const float* weight, float* dx, const LinearShape& s) {
  const int N = blas_int(s.batch), I = blas_int(s.in_features), O = blas_int(s.out_features);
  // Column-major: dy is dY^T [O, N] (ld O), W is W^T [I, O] (ld I), dx is dX^T [I, N] (ld I).
  // dX = dY . W  <=>  dX^T [I, N] = W^T [I, O] . dY^T [O, N]:
  //   transa = N on A = weight (lda I), transb = N on B = dy (ldb O), m = I, n = N, k = O.
  DAE_CUDA_CHECK(cublasSgemm(cublas(), CUBLAS_OP_N, CUBLAS_OP_N, I, N, O, &kOne, weight, I, dy, O, &kZero, dx, I));
}

void linear_backward_weight(const float* dy, const float* x, float* dweight, const LinearShape& s) {
  const int N = blas_int(s.batch), I = blas_int(s.in_features), O = blas_int(s.out_features);
  // Column-major: x is X^T [I, N] (ld I), dy is dY^T [O, N] (ld O), dW is dW^T [I, O] (ld I).
  // dW = dY^T . X  <=>  dW^T [I, O] = X^T [I, N] . dY [N, O]  =  X^T . op_T(dY^T):
  //   transa = N on A = x (lda I), transb = T on B = dy (ldb O), m = I, n = O, k = N.
  DAE_CUDA_CHECK(cublasSgemm(cublas(), CUBLAS_OP_N, CUBLAS_OP_T, I, O, N, &kOne, x, I, dy, O, &kZero, dweight, I));
}

}  // namespace dae::cuda
