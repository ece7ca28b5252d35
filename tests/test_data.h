// What every test file shares: seeded random data and the one Tolerance type. The random
// numbers come from the project's own counter-based generator (core/random.h), so a seed gives
// the same data with any compiler and standard library (std::uniform_real_distribution does
// not promise that).
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "core/random.h"
#include "core/tensor.h"

namespace dae::test {

inline std::vector<float> random_values(int64_t count, uint64_t seed, float low = -1.0f, float high = 1.0f) {
  Generator generator(seed);
  std::vector<float> values(static_cast<size_t>(count));
  for (float& value : values) value = generator.uniform(low, high);
  return values;
}

inline Tensor random_tensor(const Shape& shape, uint64_t seed, float low = -1.0f, float high = 1.0f) {
  return Tensor::from_vector(shape, random_values(shape.numel(), seed, low, high));
}

// How far a result may be from its reference: bit for bit, or
//   |got - reference| <= absolute + relative * scale + relative_to_max * max|reference|
// where scale is |reference|, or for a sum the sum of the absolute values of its terms (the
// rounding error of a float sum grows with its terms, not with a possibly cancelled result).
// Each test states its bound next to the check, with the reason.
struct Tolerance {
  double absolute = 0.0;
  double relative = 0.0;
  double relative_to_max = 0.0;
  bool bitwise = false;

  double allowed(double scale, double max_magnitude) const {
    return absolute + relative * std::fabs(scale) + relative_to_max * max_magnitude;
  }
};

}  // namespace dae::test
