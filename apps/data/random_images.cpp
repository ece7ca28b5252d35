#include "apps/data/random_images.h"

namespace dae {

MnistSplit random_images(int64_t count, Generator& generator) {
  MnistSplit split;
  split.count = count;
  split.rows = split.cols = kMnistSide;
  split.images.resize(static_cast<size_t>(count * kMnistPixels));
  for (uint8_t& pixel : split.images) pixel = static_cast<uint8_t>(generator.next_u32() >> 24);
  split.labels.assign(static_cast<size_t>(count), 0);
  return split;
}

}  // namespace dae
