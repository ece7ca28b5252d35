#include "core/torch_cpu_generator.h"

#include <cmath>

namespace dae {

float TorchCpuGenerator::uniform(double low, double high) {
  // As ATen's uniform_real_distribution<float>: the low 24 bits of one word scaled to
  // [0, 1), then x * (to - from) + from in float32. ATen's CPU kernel is compiled with FMA
  // (its AVX2 build), which rounds that once: fmaf does the same on any machine.
  const float from = static_cast<float>(low);
  const float to = static_cast<float>(high);
  const float unit = static_cast<float>(engine_() & 0xFFFFFFu) * (1.0f / 16777216.0f);
  return std::fmaf(unit, to - from, from);
}

}  // namespace dae
