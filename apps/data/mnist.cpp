// MNIST reader. An IDX file (http://yann.lecun.com/exdb/mnist/) is a big-endian header, a magic
// 0x000008NN (0x08: unsigned bytes; NN: number of dimensions) and one 32-bit size per
// dimension, followed by exactly the product of the sizes in bytes. Nothing in the header is
// trusted: the file is read whole (capped, also while gunzipping) and every size is checked
// against what was read, so a corrupt header cannot make us allocate. Tested by
// tests/test_mnist.cpp.
#include "apps/data/mnist.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <utility>

#include "core/error.h"

namespace dae {
namespace {

constexpr uint32_t kImagesMagic = 0x00000803;
constexpr uint32_t kLabelsMagic = 0x00000801;
// The largest MNIST file is 47 MB uncompressed; the cap bounds what a wrong file costs.
constexpr size_t kMaxFileBytes = size_t{100} << 20;
constexpr const char* kFetchHint = "run scripts/fetch_mnist.sh or pass --data DIR";

struct GzClose {
  void operator()(gzFile file) const { gzclose(file); }
};

struct IdxHeader {
  std::vector<uint64_t> dims;
  uint64_t header_bytes = 0;
  uint64_t payload_bytes = 0;  // product of dims, checked not to overflow
};

uint32_t read_be32(const std::vector<uint8_t>& bytes, size_t offset) {
  return uint32_t{bytes[offset]} << 24 | uint32_t{bytes[offset + 1]} << 16 | uint32_t{bytes[offset + 2]} << 8 |
         uint32_t{bytes[offset + 3]};
}

std::string hex32(uint32_t value) {
  char text[11];
  std::snprintf(text, sizeof text, "0x%08x", value);
  return text;
}

IdxHeader read_idx_header(const std::vector<uint8_t>& file, const std::string& origin, uint32_t magic,
                          const char* kind) {
  // The magic is checked first, whenever the 4 bytes are there: "wrong kind of file" says more
  // than "truncated header" about a short label file given as images.
  if (file.size() >= 4) {
    const uint32_t found = read_be32(file, 0);
    const bool swapped = found == (magic == kImagesMagic ? kLabelsMagic : kImagesMagic);
    DAE_CHECK(found == magic, origin << ": magic number " << hex32(found) << ", expected " << hex32(magic) << " (IDX "
                                     << kind << " file)" << (swapped ? "; images and labels swapped?" : ""));
  }
  IdxHeader header;
  header.header_bytes = 4 + 4 * uint64_t{magic & 0xff};
  DAE_CHECK(file.size() >= header.header_bytes, origin << ": truncated: " << file.size() << " bytes, shorter than the "
                                                       << header.header_bytes << "-byte header of an IDX " << kind
                                                       << " file; " << kFetchHint);
  header.payload_bytes = 1;
  for (uint64_t offset = 4; offset < header.header_bytes; offset += 4) {
    const uint64_t dim = read_be32(file, offset);
    DAE_CHECK(dim == 0 || header.payload_bytes <= UINT64_MAX / dim,
              origin << ": header dimensions overflow 64 bits (dimension " << header.dims.size() << " is " << dim
                     << "); corrupt header");
    header.payload_bytes *= dim;
    header.dims.push_back(dim);
  }
  return header;
}

void check_file_size(const std::vector<uint8_t>& file, const std::string& origin, const IdxHeader& header) {
  const uint64_t expected = header.header_bytes + header.payload_bytes;
  if (file.size() == expected) return;
  std::ostringstream want;
  want << header.header_bytes << " + ";
  for (size_t i = 0; i < header.dims.size(); ++i) want << (i ? "*" : "") << header.dims[i];
  want << " = " << expected;
  if (file.size() < expected) {
    DAE_THROW(origin << ": truncated: " << file.size() << " bytes, expected " << want.str() << "; " << kFetchHint);
  }
  DAE_THROW(origin << ": " << file.size() - expected << " trailing bytes: " << file.size() << " bytes, expected "
                   << want.str());
}

// Why gzread failed, from zlib, naming the file once (zlib >= 1.2.4 puts it in the message).
std::string read_error(gzFile file, const std::string& path) {
  int code = Z_OK;
  std::string message = gzerror(file, &code);
  if (message.rfind(path, 0) != 0) message = path + ": " + message;
  if (code == Z_DATA_ERROR) return message + " (corrupt gzip data); " + kFetchHint;
  if (code == Z_BUF_ERROR) return message + " (gzip file truncated); " + kFetchHint;
  return message;
}

// Whether `path` exists; a path that cannot be looked at (too long, no permission) is an error
// naming it, not std::filesystem's own message.
bool file_exists(const std::string& path) {
  std::error_code error;
  const bool exists = std::filesystem::exists(path, error);
  DAE_CHECK(!error, "cannot look for MNIST file " << path << ": " << error.message() << "; " << kFetchHint);
  return exists;
}

std::string find_idx_file(const std::string& dir, const std::string& name) {
  const std::string raw = dir + "/" + name, gz = raw + ".gz";
  if (file_exists(raw)) return raw;
  if (file_exists(gz)) return gz;
  DAE_THROW("MNIST file " << name << " not found (tried " << raw << " and " << gz << "); " << kFetchHint);
}

}  // namespace

std::vector<uint8_t> read_file_maybe_gzip(const std::string& path) {
  // gzread passes a file that is not gzip through unchanged, so one path reads both kinds.
  std::unique_ptr<gzFile_s, GzClose> file(gzopen(path.c_str(), "rb"));
  const int open_error = errno;
  DAE_CHECK(file, "cannot open " << path << ": " << std::strerror(open_error) << "; " << kFetchHint);
  // Decompressed a chunk at a time and never past the cap (plus the one byte that shows the
  // file is larger), so a gzip bomb costs at most the cap, whatever it would expand to. Each
  // chunk is as large as what was read so far: a small file costs a small buffer, a large one
  // a few dozen reads.
  constexpr size_t kFirstChunk = size_t{1} << 16;
  std::vector<uint8_t> bytes;
  for (;;) {
    const size_t used = bytes.size();
    const size_t wanted = std::min(std::max(kFirstChunk, used), kMaxFileBytes + 1 - used);
    bytes.resize(used + wanted);
    const int got = gzread(file.get(), bytes.data() + used, static_cast<unsigned>(wanted));
    int code = Z_OK;
    gzerror(file.get(), &code);  // a truncated stream returns its data but sets Z_BUF_ERROR
    DAE_CHECK(got >= 0 && code == Z_OK, "cannot read " << read_error(file.get(), path));
    bytes.resize(used + static_cast<size_t>(got));
    if (got == 0) return bytes;
    DAE_CHECK(bytes.size() <= kMaxFileBytes,
              path << ": larger than " << (kMaxFileBytes >> 20) << " MB uncompressed; not an MNIST file");
  }
}

MnistSplit parse_mnist_split(std::vector<uint8_t> image_file, const std::string& images_origin,
                             std::vector<uint8_t> label_file, const std::string& labels_origin) {
  const IdxHeader images = read_idx_header(image_file, images_origin, kImagesMagic, "image");
  DAE_CHECK(images.dims[1] == kMnistSide && images.dims[2] == kMnistSide,
            images_origin << ": images are " << images.dims[1] << "x" << images.dims[2] << ", expected " << kMnistSide
                          << "x" << kMnistSide);
  DAE_CHECK(images.dims[0] > 0, images_origin << ": holds no images; " << kFetchHint);
  check_file_size(image_file, images_origin, images);
  const IdxHeader labels = read_idx_header(label_file, labels_origin, kLabelsMagic, "label");
  check_file_size(label_file, labels_origin, labels);
  DAE_CHECK(labels.dims[0] == images.dims[0], labels_origin << " holds " << labels.dims[0] << " labels but "
                                                            << images_origin << " holds " << images.dims[0]
                                                            << " images; files of different splits?");

  MnistSplit split;
  split.count = static_cast<int64_t>(images.dims[0]);
  split.rows = split.cols = kMnistSide;
  image_file.erase(image_file.begin(), image_file.begin() + images.header_bytes);
  label_file.erase(label_file.begin(), label_file.begin() + labels.header_bytes);
  split.images = std::move(image_file);
  split.labels = std::move(label_file);
  for (size_t i = 0; i < split.labels.size(); ++i) {
    DAE_CHECK(split.labels[i] < kMnistClasses, labels_origin << ": label " << int{split.labels[i]} << " at index " << i
                                                             << ", expected 0.." << kMnistClasses - 1);
  }
  return split;
}

// Each file is read in its own statement, so errors come in a fixed order: images, labels.
MnistSplit load_mnist_split(const std::string& images_path, const std::string& labels_path) {
  std::vector<uint8_t> images = read_file_maybe_gzip(images_path);
  std::vector<uint8_t> labels = read_file_maybe_gzip(labels_path);
  return parse_mnist_split(std::move(images), images_path, std::move(labels), labels_path);
}

MnistData load_mnist(const std::string& dir) {
  DAE_CHECK(!dir.empty(), "no MNIST directory given (the path is empty); " << kFetchHint);
  const auto load = [&dir](const char* images_name, const char* labels_name) {
    const std::string images_path = find_idx_file(dir, images_name);
    return load_mnist_split(images_path, find_idx_file(dir, labels_name));
  };
  return {load("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
          load("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")};
}

}  // namespace dae
