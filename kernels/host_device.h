// DAE_HOST_DEVICE marks the scalar math every op shares between its CPU and CUDA
// implementations: `__host__ __device__` under nvcc, nothing under g++, so the same header
// compiles in both and the formula of an op is written once.
#pragma once

#ifdef __CUDACC__
#define DAE_HOST_DEVICE __host__ __device__ __forceinline__
#else
#define DAE_HOST_DEVICE inline
#endif

// Fully unrolls the loop that follows (a fixed-count loop in shared math: unrolled, the CPU
// compiler can vectorize the loop around it over elements).
#if defined(__CUDA_ARCH__)
#define DAE_UNROLL _Pragma("unroll")
#elif defined(__CUDACC__)  // the host half of a .cu file: nvcc's front end knows no GCC pragmas
#define DAE_UNROLL
#else
#define DAE_UNROLL _Pragma("GCC unroll 16")
#endif

#include <cstdint>
#include <cstring>

namespace dae {

// Rounded float multiply and add that the compiler may not fuse into an fma. g++ is told
// -ffp-contract=off; nvcc fuses a*b+c by default, so on the device the intrinsics pin the
// rounding. Math that must give the same bits on both backends (the noise) is built from these.
DAE_HOST_DEVICE float mul_rn(float a, float b) {
#ifdef __CUDA_ARCH__
  return __fmul_rn(a, b);
#else
  return a * b;
#endif
}

DAE_HOST_DEVICE float add_rn(float a, float b) {
#ifdef __CUDA_ARCH__
  return __fadd_rn(a, b);
#else
  return a + b;
#endif
}

DAE_HOST_DEVICE uint32_t float_to_bits(float value) {
#ifdef __CUDA_ARCH__
  return __float_as_uint(value);
#else
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
#endif
}

DAE_HOST_DEVICE float bits_to_float(uint32_t bits) {
#ifdef __CUDA_ARCH__
  return __uint_as_float(bits);
#else
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
#endif
}

}  // namespace dae
