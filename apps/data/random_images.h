// Images of random pixels in MNIST's format, for what needs images but not digits: the speed
// benchmark (the arithmetic of a step does not depend on pixel values) and tests that need no
// data set. Labels are all 0.
#pragma once

#include <cstdint>

#include "apps/data/mnist.h"
#include "core/random.h"

namespace dae {

MnistSplit random_images(int64_t count, Generator& generator);

}  // namespace dae
