// Tests of the MNIST reader (apps/mnist.cpp): small well-formed files, raw and gzip, then one
// broken file per check the reader makes, each of which must fail with a dae::Error that names
// the file and says what is wrong. The last test reads the real data set when it is present.
#include <zlib.h>
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "apps/data/mnist.h"
#include "core/error.h"
#include "tests/test_support.h"

namespace {

namespace fs = std::filesystem;
using dae::test::TempDir;
using Bytes = std::vector<uint8_t>;

void put_be32(Bytes& bytes, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(uint8_t(value >> shift));
}

Bytes idx(uint32_t magic, const std::vector<uint32_t>& dims, const Bytes& payload) {
  Bytes bytes;
  put_be32(bytes, magic);
  for (uint32_t dim : dims) put_be32(bytes, dim);
  bytes.insert(bytes.end(), payload.begin(), payload.end());
  return bytes;
}

Bytes pixels(size_t count) {
  Bytes values(count);
  for (size_t i = 0; i < count; ++i) values[i] = uint8_t(i * 7);
  return values;
}

Bytes image_file(uint32_t count, uint32_t rows = 28, uint32_t cols = 28) {
  return idx(0x803, {count, rows, cols}, pixels(size_t{count} * rows * cols));
}

Bytes label_file(const Bytes& labels) { return idx(0x801, {uint32_t(labels.size())}, labels); }

void write_raw(const std::string& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  REQUIRE(out.good());
}

Bytes gzip(const Bytes& bytes) {
  uLongf size = compressBound(bytes.size()) + 32;
  Bytes out(size);
  z_stream stream{};
  REQUIRE(deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  stream.next_in = const_cast<Bytes::value_type*>(bytes.data());
  stream.avail_in = uInt(bytes.size());
  stream.next_out = out.data();
  stream.avail_out = uInt(size);
  REQUIRE(deflate(&stream, Z_FINISH) == Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

const Bytes kLabels = {5, 0, 9};

// Writes the two files raw into dir and reads them back as one split.
dae::MnistSplit load(const TempDir& dir, const Bytes& images, const Bytes& labels) {
  write_raw(dir.file("images"), images);
  write_raw(dir.file("labels"), labels);
  return dae::load_mnist_split(dir.file("images"), dir.file("labels"));
}

}  // namespace

TEST_CASE("MNIST reader reads a well-formed split, raw or gzip", "[mnist]") {
  TempDir dir;
  const bool gzipped = GENERATE(false, true);
  const std::string suffix = gzipped ? ".gz" : "";
  write_raw(dir.file("images" + suffix), gzipped ? gzip(image_file(3)) : image_file(3));
  write_raw(dir.file("labels" + suffix), gzipped ? gzip(label_file(kLabels)) : label_file(kLabels));

  const auto split = dae::load_mnist_split(dir.file("images" + suffix), dir.file("labels" + suffix));
  CHECK(split.count == 3);
  CHECK(split.rows == 28);
  CHECK(split.cols == 28);
  CHECK(split.images == pixels(3 * 28 * 28));
  CHECK(split.labels == kLabels);
}

TEST_CASE("load_mnist finds the four files and prefers raw over .gz", "[mnist]") {
  TempDir dir;
  write_raw(dir.file("train-images-idx3-ubyte"), image_file(2));
  write_raw(dir.file("train-labels-idx1-ubyte"), label_file({1, 2}));
  write_raw(dir.file("train-labels-idx1-ubyte.gz"), gzip(label_file({3, 4})));
  write_raw(dir.file("t10k-images-idx3-ubyte.gz"), gzip(image_file(1)));
  write_raw(dir.file("t10k-labels-idx1-ubyte.gz"), gzip(label_file({7})));

  const auto data = dae::load_mnist(dir.path());
  CHECK(data.train.labels == Bytes{1, 2});
  CHECK(data.test.count == 1);
  CHECK(data.test.labels == Bytes{7});
}

TEST_CASE("MNIST reader rejects broken files, saying what is wrong", "[mnist]") {
  TempDir dir;
  const std::string images = dir.file("images"), labels = dir.file("labels");
  const Bytes good_labels = label_file(kLabels);
  Bytes good_images = image_file(3);

  SECTION("bad magic") {
    good_images[3] = 0x04;
    REQUIRE_ERROR(load(dir, good_images, good_labels), images, "magic number 0x00000804", "expected 0x00000803");
  }
  SECTION("images and labels swapped") {
    REQUIRE_ERROR(load(dir, good_labels, good_images), images, "magic number 0x00000801", "swapped");
  }
  SECTION("file shorter than its header") {
    REQUIRE_ERROR(load(dir, Bytes{0, 0, 8, 3, 0, 0}, good_labels), images, "truncated: 6 bytes", "16-byte header");
  }
  SECTION("truncated data") {
    good_images.pop_back();
    REQUIRE_ERROR(load(dir, good_images, good_labels), images, "truncated: 2367 bytes", "expected 16 + 3*28*28 = 2368",
                  "fetch_mnist.sh");
  }
  SECTION("trailing bytes") {
    good_images.insert(good_images.end(), {0, 0});
    REQUIRE_ERROR(load(dir, good_images, good_labels), images, "2 trailing bytes", "expected 16 + 3*28*28 = 2368");
  }
  SECTION("a huge count is checked against the data, not allocated") {
    REQUIRE_ERROR(load(dir, idx(0x803, {0xFFFFFFFF, 28, 28}, pixels(784)), good_labels), images, "truncated",
                  "16 + 4294967295*28*28");
  }
  SECTION("dimensions whose product overflows") {
    REQUIRE_ERROR(load(dir, idx(0x803, {0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF}, {}), good_labels), images, "overflow");
  }
  SECTION("no images") { REQUIRE_ERROR(load(dir, image_file(0), label_file({})), images, "holds no images"); }
  SECTION("images that are not 28x28") {
    REQUIRE_ERROR(load(dir, image_file(3, 32, 32), good_labels), images, "images are 32x32, expected 28x28");
  }
  SECTION("label and image counts disagree") {
    REQUIRE_ERROR(load(dir, good_images, label_file({1, 2})), "holds 2 labels", "holds 3 images", labels, images);
  }
  SECTION("label above 9") {
    REQUIRE_ERROR(load(dir, good_images, label_file({5, 10, 0})), labels, "label 10 at index 1, expected 0..9");
  }
  SECTION("corrupt gzip stream") {
    Bytes compressed = gzip(good_images);
    for (size_t i = 12; i < compressed.size() - 8; ++i) compressed[i] ^= 0x5a;
    write_raw(images, compressed);
    REQUIRE_ERROR(dae::read_file_maybe_gzip(images), "cannot read " + images, "corrupt gzip data");
  }
  SECTION("truncated gzip stream") {
    Bytes compressed = gzip(good_images);
    compressed.resize(compressed.size() / 2);
    write_raw(images, compressed);
    REQUIRE_ERROR(dae::read_file_maybe_gzip(images), "cannot read " + images, "gzip file truncated");
  }
  SECTION("missing file") {
    REQUIRE_ERROR(dae::load_mnist_split(images, labels), "cannot open " + images, "fetch_mnist.sh");
  }
  SECTION("missing file in a data directory lists the names tried") {
    REQUIRE_ERROR(dae::load_mnist(dir.path()), "train-images-idx3-ubyte not found", "train-images-idx3-ubyte and",
                  "train-images-idx3-ubyte.gz", "run scripts/fetch_mnist.sh or pass --data DIR");
  }
  SECTION("a data directory that cannot be looked into") {
    const std::string too_long = dir.file(std::string(300, 'd'));
    REQUIRE_ERROR(dae::load_mnist(too_long), "cannot look for MNIST file " + too_long, "File name too long");
  }
  SECTION("an empty data directory name") { REQUIRE_ERROR(dae::load_mnist(""), "no MNIST directory given"); }
}

TEST_CASE("MNIST reader refuses a file that decompresses past its size cap", "[mnist]") {
  // gzip members may be concatenated, so 101 copies of 1 MB of zeros, gzipped once, make a
  // 101 MB stream for the price of a kilobyte of compression.
  const Bytes megabyte = gzip(Bytes(size_t{1} << 20));
  Bytes big;
  for (int i = 0; i < 101; ++i) big.insert(big.end(), megabyte.begin(), megabyte.end());
  TempDir dir;
  write_raw(dir.file("big.gz"), big);
  REQUIRE_ERROR(dae::read_file_maybe_gzip(dir.file("big.gz")), "larger than 100 MB");
}

TEST_CASE("MNIST reader reads the real data set", "[mnist][dataset]") {
  const auto data = dae::load_mnist(DAE_MNIST_DIR);
  CHECK(data.train.count == 60000);
  CHECK(data.test.count == 10000);
  CHECK(data.train.rows == 28);
  CHECK(data.train.cols == 28);
  CHECK(data.train.images.size() == 60000u * 28 * 28);
  CHECK(data.train.labels[0] == 5);  // the well-known first digits of each split
  CHECK(data.test.labels[0] == 7);
}
