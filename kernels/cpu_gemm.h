// Matrix products on the CPU: OpenBLAS sgemm, row-major,
//   C [m, n] = op(A) . op(B) + beta C,   op(A) [m, k], op(B) [k, n], op = transpose where asked.
// OpenBLAS always runs on one thread: the threads are the pool's (cpu_threads.h), for
// products and loops alike. Called outside a parallel loop, sgemm splits C into blocks of rows
// or columns for the threads; inside one (a thread working on its own chunk of images), it
// runs on the calling thread. Each call is a "product" pass (cpu_pass_timer.h).
// Tests: test_ops_linear.cpp, test_ops_conv.cpp.
#pragma once

#include <cstdint>

namespace dae::cpu {

struct ProductShape {
  int64_t m = 0, n = 0, k = 0;
  bool transpose_a = false, transpose_b = false;
  double flops() const { return 2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k); }
};

// Leading dimensions are those of dense matrices: A [m, k] (or [k, m] transposed), B [k, n]
// (or [n, k]), C [m, n].
void sgemm(const ProductShape& shape, const float* a, const float* b, float beta, float* c);

// CPU seconds of one single-threaded sgemm of this shape on fresh buffers, median of a few
// runs after a warm-up: the rate OpenBLAS reaches on that shape alone, for the profile.
double product_seconds_alone(const ProductShape& shape);

}  // namespace dae::cpu
