#include "kernels/linear.h"

#include <cblas.h>

namespace dae::cpu {

void linear_forward(const float* x, const float* weight, float* y, const LinearShape& s) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(s.batch),
              static_cast<int>(s.out_features), static_cast<int>(s.in_features), 1.0f, x,
              static_cast<int>(s.in_features), weight, static_cast<int>(s.in_features), 0.0f, y,
              static_cast<int>(s.out_features));
}

void linear_backward_input(const float* dy, const float* weight, float* dx, const LinearShape& s) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(s.batch),
              static_cast<int>(s.in_features), static_cast<int>(s.out_features), 1.0f, dy,
              static_cast<int>(s.out_features), weight, static_cast<int>(s.in_features), 0.0f, dx,
              static_cast<int>(s.in_features));
}

void linear_backward_weight(const float* dy, const float* x, float* dweight, const LinearShape& s) {
  cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, static_cast<int>(s.out_features),
              static_cast<int>(s.in_features), static_cast<int>(s.batch), 1.0f, dy,
              static_cast<int>(s.out_features), x, static_cast<int>(s.in_features), 0.0f, dweight,
              static_cast<int>(s.in_features));
}

}  // namespace dae::cpu
