// See safetensors.h. Writing is short; most of this file is reading, because a file may come
// from anywhere and every number in its header is a claim to check before it is used.
#include "core/safetensors.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <tuple>
#include <utility>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/shape.h"

// Tensor bytes are copied between files and host arrays as they are, which gives the format's
// little-endian layout only on a little-endian host (x86-64, ARM64 as configured by Linux).
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "safetensors.cpp assumes a little-endian host");

namespace dae::safetensors {
namespace {

using nlohmann::json;

constexpr size_t kLengthBytes = 8;
// The reference implementation's limit; real headers are a few kilobytes.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;
// A valid header nests 3 levels (file object, entry object, shape array). The limit stops a
// hostile "[[[[..." from building millions of nested JSON values before any check sees them.
constexpr int kMaxJsonDepth = 8;
constexpr const char* kMetadataKey = "__metadata__";

struct DTypeInfo {
  DType dtype;
  const char* name;
  size_t size;
};
constexpr DTypeInfo kDTypes[] = {{DType::F32, "F32", 4}, {DType::I64, "I64", 8}};

const DTypeInfo& info(DType dtype) {
  for (const DTypeInfo& candidate : kDTypes)
    if (candidate.dtype == dtype) return candidate;
  DAE_THROW("unknown safetensors DType " << static_cast<int>(dtype));
}

// Bytes a tensor of this shape takes. A negative dimension or a count past 64 bits would wrap
// the arithmetic and let a tiny buffer pass for a huge tensor, so both throw (`where` first).
uint64_t byte_count(const std::vector<int64_t>& shape, DType dtype, const std::string& where) {
  uint64_t bytes = dtype_size(dtype);
  for (int64_t dim : shape) {
    DAE_CHECK(dim >= 0, where << ": negative dimension in shape " << dims_text(shape));
    DAE_CHECK(!__builtin_mul_overflow(bytes, static_cast<uint64_t>(dim), &bytes),
              where << ": shape " << dims_text(shape) << " of " << dtype_name(dtype)
                    << " has a byte count that overflows 64 bits");
  }
  return bytes;
}

void check_bytes_match_shape(uint64_t bytes, const std::vector<int64_t>& shape, DType dtype, const std::string& where) {
  const uint64_t expected = byte_count(shape, dtype, where);
  DAE_CHECK(bytes == expected, where << ": holds " << bytes << " bytes but shape " << dims_text(shape) << " of "
                                     << dtype_name(dtype) << " needs " << expected);
}

void check_bytes_match_shape(const Entry& entry, const std::string& where) {
  check_bytes_match_shape(entry.bytes.size(), entry.shape, entry.dtype, where);
}

// A JSON value from the file for an error message, cut short: it may be megabytes long.
std::string excerpt(const json& value) {
  std::string text = value.dump();
  return text.size() <= 40 ? text : text.substr(0, 40) + "...";
}

// nlohmann::json silently keeps the last of two equal keys, and a file naming one tensor twice
// is ambiguous, so the parser callback rejects duplicates (and deep nesting) while it reads.
json parse_header(const uint8_t* begin, const uint8_t* end, const std::string& origin) {
  std::vector<std::set<std::string>> keys_of_open_objects;
  auto check = [&](int depth, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start || event == json::parse_event_t::array_start)
      DAE_CHECK(depth < kMaxJsonDepth,
                origin << ": header JSON nests deeper than " << kMaxJsonDepth << " levels (a valid one has 3)");
    if (event == json::parse_event_t::object_start) keys_of_open_objects.emplace_back();
    if (event == json::parse_event_t::object_end) keys_of_open_objects.pop_back();
    if (event == json::parse_event_t::key) {
      const auto& key = parsed.get_ref<const std::string&>();
      DAE_CHECK(keys_of_open_objects.back().insert(key).second,
                origin << ": duplicate key \"" << key << "\" in the header");
    }
    return true;
  };
  try {
    return json::parse(begin, end, check);
  } catch (const json::exception& e) {
    DAE_THROW(origin << ": header is not valid JSON (" << e.what() << ")");
  }
}

const json& field(const json& entry, const char* key, const std::string& where) {
  const auto it = entry.find(key);
  DAE_CHECK(it != entry.end(), where << ": missing \"" << key << "\" (found " << excerpt(entry) << ")");
  return *it;
}

DType parse_dtype(const json& value, const std::string& where) {
  DAE_CHECK(value.is_string(), where << ": \"dtype\" must be a string such as \"F32\", found " << excerpt(value));
  for (const DTypeInfo& candidate : kDTypes)
    if (value == candidate.name) return candidate.dtype;
  DAE_THROW(where << ": unsupported dtype " << excerpt(value) << " (only F32 and I64 are supported)");
}

std::vector<int64_t> parse_shape(const json& value, const std::string& where) {
  DAE_CHECK(value.is_array(), where << ": \"shape\" must be an array of integers, found " << excerpt(value));
  std::vector<int64_t> shape;
  for (const json& dim : value) {
    // Integers above INT64_MAX parse as unsigned, and get<int64_t> would wrap them negative.
    const bool fits = dim.is_number_integer() && !(dim.is_number_unsigned() && dim.get<uint64_t>() > INT64_MAX);
    DAE_CHECK(fits, where << ": \"shape\" must be an array of 64-bit integers, found " << excerpt(value));
    shape.push_back(dim.get<int64_t>());
  }
  return shape;
}

std::pair<uint64_t, uint64_t> parse_offsets(const json& value, uint64_t buffer_size, const std::string& where) {
  const bool pair =
      value.is_array() && value.size() == 2 && value[0].is_number_unsigned() && value[1].is_number_unsigned();
  DAE_CHECK(pair, where << ": \"data_offsets\" must be [begin, end] (non-negative integers), found " << excerpt(value));
  const uint64_t begin = value[0].get<uint64_t>(), end = value[1].get<uint64_t>();
  DAE_CHECK(begin <= end, where << ": data_offsets " << excerpt(value) << " has begin after end");
  DAE_CHECK(end <= buffer_size, where << ": data_offsets " << excerpt(value) << " run past the end of the buffer ("
                                      << buffer_size << " bytes)");
  return {begin, end};
}

Metadata parse_metadata(const json& value, const std::string& origin) {
  const std::string where = origin + ": \"" + kMetadataKey + "\"";
  DAE_CHECK(value.is_object(), where << " must be an object of strings, found " << excerpt(value));
  Metadata metadata;
  for (const auto& [key, text] : value.items()) {
    DAE_CHECK(text.is_string(),
              where << " must map keys to strings, found " << excerpt(text) << " for \"" << key << "\"");
    metadata[key] = text.get<std::string>();
  }
  return metadata;
}

struct Span {
  uint64_t begin, end;
  const std::string* name;  // nullptr for the end-of-buffer marker
  Entry* entry;
};

// The spec requires the tensors to tile the buffer: no byte in two tensors (one write would
// change both) and none in no tensor (bytes nobody can see). A zero-length marker at the end
// of the buffer makes a trailing gap show up like any other. Sorts `spans` into buffer order.
void check_tiling(std::vector<Span>& spans, uint64_t buffer_size, const std::string& origin) {
  std::sort(spans.begin(), spans.end(),
            [](const Span& a, const Span& b) { return std::tie(a.begin, a.end) < std::tie(b.begin, b.end); });
  uint64_t covered = 0;  // bytes [0, covered) belong to the tensors seen so far
  const std::string* previous = nullptr;
  const Span end_marker{buffer_size, buffer_size, nullptr, nullptr};
  for (size_t i = 0; i <= spans.size(); ++i) {
    const Span& span = i < spans.size() ? spans[i] : end_marker;
    if (span.begin < covered)
      DAE_THROW(origin << ": tensors '" << *previous << "' and '" << *span.name << "' overlap in the byte buffer");
    DAE_CHECK(span.begin == covered, origin << ": bytes [" << covered << ", " << span.begin
                                            << ") of the buffer belong to no tensor (the buffer "
                                               "must be fully indexed)");
    covered = span.end;
    previous = span.name;
  }
}

// What the first 8 bytes claim, checked against the limit and the file's size before any
// byte of the header is read.
uint64_t header_length(const uint8_t* first_bytes, uint64_t file_size, const std::string& origin) {
  DAE_CHECK(file_size >= kLengthBytes, origin << ": too short to be a safetensors file (" << file_size
                                              << " bytes, expected at least 8 for the header length)");
  uint64_t length = 0;
  std::memcpy(&length, first_bytes, kLengthBytes);
  DAE_CHECK(length <= kMaxHeaderBytes, origin << ": header length " << length << " is over the " << kMaxHeaderBytes
                                              << "-byte limit (is this a safetensors file?)");
  DAE_CHECK(length <= file_size - kLengthBytes,
            origin << ": header length " << length << " runs past the end of the file (" << file_size << " bytes)");
  return length;
}

// The tensors a header describes, checked against a buffer of `buffer_size` bytes, their bytes
// not yet read; `spans` comes back in buffer order, one per tensor.
Dict parse_layout(const uint8_t* header_begin, const uint8_t* header_end, uint64_t buffer_size,
                  const std::string& origin, std::vector<Span>& spans, Metadata* metadata) {
  const json header = parse_header(header_begin, header_end, origin);
  DAE_CHECK(header.is_object(), origin << ": header must be a JSON object, found " << excerpt(header));
  Dict tensors;
  Metadata found_metadata;
  for (const auto& [name, value] : header.items()) {
    if (name == kMetadataKey) {
      found_metadata = parse_metadata(value, origin);
      continue;
    }
    const std::string where = origin + ": tensor '" + name + "'";
    DAE_CHECK(value.is_object(), where << ": expected an object with dtype, shape and "
                                          "data_offsets, found "
                                       << excerpt(value));
    const DType dtype = parse_dtype(field(value, "dtype", where), where);
    std::vector<int64_t> shape = parse_shape(field(value, "shape", where), where);
    const auto [begin, end] = parse_offsets(field(value, "data_offsets", where), buffer_size, where);
    check_bytes_match_shape(end - begin, shape, dtype, where);
    const auto placed = tensors.emplace(name, Entry{dtype, std::move(shape), {}}).first;
    spans.push_back({begin, end, &placed->first, &placed->second});
  }
  check_tiling(spans, buffer_size, origin);
  if (metadata) *metadata = std::move(found_metadata);
  return tensors;
}

// std::bad_alloc names neither the file nor the size: a file too large for the memory at hand
// (or a memory limit, ulimit -v) is reported like any other problem with it.
template <typename Read>
auto within_memory(const std::string& origin, uint64_t size, Read read) {
  try {
    return read();
  } catch (const std::bad_alloc&) {
    DAE_THROW(origin << ": not enough memory to read it (" << size << " bytes)");
  }
}

// The file descriptor of a file being loaded, closed on every way out.
class InputFile {
 public:
  explicit InputFile(const std::string& path) : path_(path) {
    // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused next); reads of a
    // regular file ignore the flag.
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd_ < 0) {
      const int error = errno;  // saved before building the message can touch it
      DAE_THROW("cannot open " << path << ": " << std::strerror(error));
    }
  }
  ~InputFile() { ::close(fd_); }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  // Its size; only a regular file has one to check the header against (a pipe or /dev/zero
  // could make the reader wait or read forever).
  uint64_t regular_file_size() const {
    struct stat status {};
    if (::fstat(fd_, &status) != 0) {
      const int error = errno;
      DAE_THROW("cannot read " << path_ << ": " << std::strerror(error));
    }
    DAE_CHECK(S_ISREG(status.st_mode), path_ << ": not a regular file (a safetensors file is "
                                                "expected)");
    return static_cast<uint64_t>(status.st_size);
  }

  // Exactly `size` bytes, or an error: the file was shorter than fstat said when it changed
  // while being read.
  void read_exactly(uint8_t* out, uint64_t size) const {
    while (size > 0) {
      const ssize_t got = ::read(fd_, out, std::min<uint64_t>(size, 1u << 30));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) {
        const int error = errno;
        DAE_THROW("cannot read " << path_ << ": " << std::strerror(error));
      }
      DAE_CHECK(got > 0, path_ << ": the file got shorter while it was read");
      out += got;
      size -= static_cast<uint64_t>(got);
    }
  }

  void expect_end() const {
    uint8_t extra = 0;
    ssize_t got = 0;
    do got = ::read(fd_, &extra, 1);
    while (got < 0 && errno == EINTR);
    DAE_CHECK(got == 0, path_ << ": the file got longer while it was read");
  }

 private:
  std::string path_;
  int fd_ = -1;
};

template <typename T>
Entry make_entry(DType dtype, const char* caller, std::vector<int64_t> shape, const T* values) {
  const uint64_t size = byte_count(shape, dtype, caller);
  Entry entry{dtype, std::move(shape), std::vector<uint8_t>(size)};
  if (size > 0) std::memcpy(entry.bytes.data(), values, size);
  return entry;
}

template <typename T>
std::vector<T> entry_values(const Entry& entry, DType expected, const std::string& name) {
  const std::string where = "tensor '" + name + "'";
  DAE_CHECK(entry.dtype == expected,
            where << " is " << dtype_name(entry.dtype) << ", expected " << dtype_name(expected));
  check_bytes_match_shape(entry, where);
  std::vector<T> values(entry.bytes.size() / sizeof(T));
  if (!values.empty()) std::memcpy(values.data(), entry.bytes.data(), entry.bytes.size());
  return values;
}

}  // namespace

const char* dtype_name(DType dtype) { return info(dtype).name; }

size_t dtype_size(DType dtype) { return info(dtype).size; }

std::vector<uint8_t> serialize(const Dict& tensors, const Metadata& metadata) {
  // ordered_json keeps insertion order, which reproduces the reference writer's bytes:
  // metadata first, then the tensors, each as dtype, shape, data_offsets.
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header[kMetadataKey] = metadata;
  uint64_t offset = 0;
  for (const auto& [name, entry] : tensors) {
    const std::string where = "serialize: tensor '" + name + "'";
    DAE_CHECK(name != kMetadataKey, where << ": that name is reserved for the metadata");
    check_bytes_match_shape(entry, where);
    const uint64_t end = offset + entry.bytes.size();
    header[name] = {{"dtype", dtype_name(entry.dtype)}, {"shape", entry.shape}, {"data_offsets", {offset, end}}};
    offset = end;
  }
  std::string text;
  try {
    text = header.dump();
  } catch (const nlohmann::json::exception& e) {  // a name or value that is not UTF-8
    DAE_THROW("serialize: " << e.what());
  }
  text.append((kLengthBytes - text.size() % kLengthBytes) % kLengthBytes, ' ');

  std::vector<uint8_t> file(kLengthBytes);
  const uint64_t header_size = text.size();
  std::memcpy(file.data(), &header_size, kLengthBytes);
  file.reserve(kLengthBytes + text.size() + offset);
  file.insert(file.end(), text.begin(), text.end());
  for (const auto& [name, entry] : tensors) file.insert(file.end(), entry.bytes.begin(), entry.bytes.end());
  return file;
}

Dict parse(const uint8_t* data, size_t size, const std::string& origin, Metadata* metadata) {
  return within_memory(origin, size, [&] {
    const uint64_t header_size = header_length(data, size, origin);
    const uint8_t* buffer = data + kLengthBytes + header_size;
    std::vector<Span> spans;
    Dict tensors =
        parse_layout(data + kLengthBytes, buffer, size - kLengthBytes - header_size, origin, spans, metadata);
    for (const Span& span : spans) span.entry->bytes.assign(buffer + span.begin, buffer + span.end);
    return tensors;
  });
}

void save(const std::string& path, const Dict& tensors, const Metadata& metadata) {
  const std::vector<uint8_t> file = serialize(tensors, metadata);
  write_file_atomically(path, file.data(), file.size());
}

// As parse, but reading the file piece by piece: the length, then the header, then (once the
// header is checked against the file's size) each tensor straight into its entry. A file of
// any size costs at most its header until it has shown that it is what it claims to be.
Dict load(const std::string& path, Metadata* metadata) {
  const InputFile file(path);
  const uint64_t size = file.regular_file_size();
  return within_memory(path, size, [&] {
    uint8_t length_bytes[kLengthBytes] = {};
    if (size >= kLengthBytes) file.read_exactly(length_bytes, kLengthBytes);
    const uint64_t header_size = header_length(length_bytes, size, path);
    std::vector<uint8_t> header(header_size);
    file.read_exactly(header.data(), header_size);
    std::vector<Span> spans;
    Dict tensors = parse_layout(header.data(), header.data() + header_size, size - kLengthBytes - header_size, path,
                                spans, metadata);
    for (const Span& span : spans) {
      span.entry->bytes.resize(span.end - span.begin);
      file.read_exactly(span.entry->bytes.data(), span.end - span.begin);
    }
    file.expect_end();
    return tensors;
  });
}

Entry make_f32(std::vector<int64_t> shape, const float* values) {
  return make_entry(DType::F32, "make_f32", std::move(shape), values);
}

Entry make_i64(std::vector<int64_t> shape, const int64_t* values) {
  return make_entry(DType::I64, "make_i64", std::move(shape), values);
}

std::vector<float> to_f32(const Entry& entry, const std::string& name) {
  return entry_values<float>(entry, DType::F32, name);
}

std::vector<int64_t> to_i64(const Entry& entry, const std::string& name) {
  return entry_values<int64_t>(entry, DType::I64, name);
}

}  // namespace dae::safetensors
