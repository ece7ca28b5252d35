// The MNIST data set as it sits on disk: the four IDX files, raw or gzip-compressed, read and
// checked on the host. Pixels stay raw bytes here (a quarter of the size of floats); they are
// scaled to x/255 on the device that trains on them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dae {

// What MNIST is: 28x28 gray digits, labels 0..9. The reader rejects any other size.
constexpr int kMnistSide = 28;
constexpr int64_t kMnistPixels = int64_t{kMnistSide} * kMnistSide;
constexpr int kMnistClasses = 10;

struct MnistSplit {
  int64_t count = 0;
  int rows = 0, cols = 0;
  std::vector<uint8_t> images;  // count*rows*cols, row-major, raw 0..255
  std::vector<uint8_t> labels;  // count, each 0..9
};

struct MnistData {
  MnistSplit train, test;
};

// Reads "<dir>/train-images-idx3-ubyte[.gz]" and the three others; the raw name is preferred
// when both exist. Throws dae::Error naming the file and what is wrong with it.
MnistData load_mnist(const std::string& dir);

MnistSplit load_mnist_split(const std::string& images_path, const std::string& labels_path);

// Lower level, for tests: the whole content of a file, gunzipped if it is gzip (at most 100 MB).
std::vector<uint8_t> read_file_maybe_gzip(const std::string& path);

// Parses an image file and a label file already in memory; the origins (file names) are only
// used in error messages. The buffers are taken over, so a caller can move them in.
MnistSplit parse_mnist_split(std::vector<uint8_t> image_file, const std::string& images_origin,
                             std::vector<uint8_t> label_file, const std::string& labels_origin);

}  // namespace dae
