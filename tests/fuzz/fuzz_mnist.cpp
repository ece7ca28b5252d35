// Fuzz target: the MNIST reader (apps/data/mnist.h), raw IDX and gzip. The input holds two
// files: a 4-byte little-endian length L, then L bytes of the image file (cut short if the
// input is), then the label file. Both go through load_mnist_split, as the program reads
// them. Properties: it refuses them with an error naming one of them, or it returns a split
// whose sizes and labels are what MNIST promises.
#include <cstring>

#include "apps/data/mnist.h"
#include "core/error.h"
#include "tests/fuzz/fuzz_support.h"

using dae::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static dae::fuzz::MemoryFile images_file("images-idx3-ubyte"), labels_file("labels-idx1-ubyte");
  uint32_t images_size = 0;
  if (size >= 4) std::memcpy(&images_size, data, 4);
  const size_t after_length = size >= 4 ? 4 : size;
  const size_t images_bytes = std::min<size_t>(images_size, size - after_length);
  const std::string images = images_file.hold(data + after_length, images_bytes);
  const std::string labels = labels_file.hold(data + after_length + images_bytes, size - after_length - images_bytes);

  dae::MnistSplit split;
  try {
    split = dae::load_mnist_split(images, labels);
  } catch (const dae::Error& e) {
    const std::string message = e.what();
    require(message.find(images) != std::string::npos || message.find(labels) != std::string::npos,
            "an error names the file it is about", "'" + message + "' names neither file");
    return 0;
  }
  require(split.count > 0 && split.rows == dae::kMnistSide && split.cols == dae::kMnistSide,
          "a split holds 28x28 images");
  require(split.images.size() == static_cast<size_t>(split.count * dae::kMnistPixels) &&
              split.labels.size() == static_cast<size_t>(split.count),
          "a split holds count images and count labels");
  for (const uint8_t label : split.labels) require(label < dae::kMnistClasses, "labels are 0..9");
  return 0;
}
