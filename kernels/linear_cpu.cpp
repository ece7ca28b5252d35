#include "kernels/cpu_gemm.h"
#include "kernels/linear.h"

namespace dae::cpu {

void linear_forward(const float* x, const float* weight, float* y, const LinearShape& s) {
  sgemm(ProductShape{s.batch, s.out_features, s.in_features, false, true}, x, weight, 0.0f, y);
}

void linear_backward_input(const float* dy, const float* weight, float* dx, const LinearShape& s) {
  sgemm(ProductShape{s.batch, s.in_features, s.out_features, false, false}, dy, weight, 0.0f, dx);
}

void linear_backward_weight(const float* dy, const float* x, float* dweight, const LinearShape& s) {
  sgemm(ProductShape{s.out_features, s.in_features, s.batch, true, false}, dy, x, 0.0f, dweight);
}

}  // namespace dae::cpu
