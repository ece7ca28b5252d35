// Tests of core/safetensors: round trips, the exact bytes of tiny files
// (so the format is the standard one, not merely self-consistent), one broken file per rule
// the reader enforces (each must throw a dae::Error naming the file and the problem), and
// damaged copies of a good file that must never crash the reader (run these under ASan).
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/safetensors.h"
#include "tests/test_support.h"

namespace st = dae::safetensors;
namespace fs = std::filesystem;
using Catch::Contains;
using dae::test::TempDir;

namespace {

// The first bytes of a file: the header length (u64, little-endian) then the header. Built
// in one allocation: growing an 8-byte vector by insert trips a false -Warray-bounds in g++ 12.
std::vector<uint8_t> file_bytes(uint8_t header_length, const std::string& header) {
  std::vector<uint8_t> bytes(8 + header.size(), 0);
  bytes[0] = header_length;
  std::copy(header.begin(), header.end(), bytes.begin() + 8);
  return bytes;
}

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A file whose first 8 bytes claim a header of `length` bytes, followed by `rest`.
std::vector<uint8_t> file_claiming(uint64_t length, const std::string& rest) {
  std::vector<uint8_t> file;
  for (int i = 0; i < 8; ++i) file.push_back(static_cast<uint8_t>(length >> (8 * i)));
  file.insert(file.end(), rest.begin(), rest.end());
  return file;
}

// A file with a hand-written header and a buffer of `buffer_bytes` zero bytes.
std::vector<uint8_t> file_with_header(const std::string& header, size_t buffer_bytes) {
  return file_claiming(header.size(), header + std::string(buffer_bytes, '\0'));
}

// Parses `file` as if it had been read from "bad.safetensors", the name every error must show.
st::Dict parse_bytes(const std::vector<uint8_t>& file) {
  return st::parse(file.data(), file.size(), "bad.safetensors");
}

void require_same(const st::Dict& actual, const st::Dict& expected) {
  REQUIRE(actual.size() == expected.size());
  for (const auto& [name, entry] : expected) {
    INFO("tensor " << name);
    REQUIRE(actual.count(name) == 1);
    CHECK(actual.at(name).dtype == entry.dtype);
    CHECK(actual.at(name).shape == entry.shape);
    CHECK(actual.at(name).bytes == entry.bytes);
  }
}

// Tensors of every kind the format must carry: both dtypes, scalars, an empty tensor.
st::Dict sample_dict() {
  const float weights[] = {1.5f, -2.f, 0.f, 3.25f, 1e-30f, -0.f};
  const int64_t counts[] = {7, -1, INT64_MAX, INT64_MIN};
  const float loss = 42.f;
  const int64_t step = 1000;
  return {{"conv.weight", st::make_f32({2, 3}, weights)},
          {"adam.counts", st::make_i64({4}, counts)},
          {"loss", st::make_f32({}, &loss)},
          {"step", st::make_i64({}, &step)},
          {"empty", st::make_f32({0, 3}, nullptr)}};
}

}  // namespace

// Parsing `file` must throw a dae::Error whose message names the file and contains `words`.
#define REQUIRE_PARSE_ERROR(file, words)                                                    \
  do {                                                                                      \
    REQUIRE_THROWS_AS(parse_bytes(file), dae::Error);                                       \
    REQUIRE_THROWS_WITH(parse_bytes(file), Contains("bad.safetensors") && Contains(words)); \
  } while (0)

TEST_CASE("safetensors round trip through serialize and parse", "[safetensors]") {
  const st::Dict dict = sample_dict();
  const st::Metadata metadata{{"format", "pt"}, {"epoch", "3"}};
  const std::vector<uint8_t> file = st::serialize(dict, metadata);
  st::Metadata read_metadata{{"stale", "value"}};
  const st::Dict read = st::parse(file.data(), file.size(), "memory", &read_metadata);
  require_same(read, dict);
  CHECK(read_metadata == metadata);
  CHECK(st::to_f32(read.at("conv.weight"), "conv.weight") == std::vector<float>{1.5f, -2.f, 0.f, 3.25f, 1e-30f, -0.f});
  CHECK(st::to_i64(read.at("adam.counts"), "adam.counts") == std::vector<int64_t>{7, -1, INT64_MAX, INT64_MIN});
  CHECK(st::to_f32(read.at("loss"), "loss") == std::vector<float>{42.f});
  CHECK(st::to_i64(read.at("step"), "step") == std::vector<int64_t>{1000});
  CHECK(st::to_f32(read.at("empty"), "empty").empty());

  SECTION("a file without metadata reads back empty metadata") {
    const std::vector<uint8_t> bare = st::serialize(dict);
    st::parse(bare.data(), bare.size(), "memory", &read_metadata);
    CHECK(read_metadata.empty());
  }
  SECTION("an empty dictionary") {
    const std::vector<uint8_t> empty = st::serialize({});
    CHECK(empty.size() == 16);  // length, then "{}" padded to 8 bytes
    CHECK(st::parse(empty.data(), empty.size(), "memory").empty());
  }
}

TEST_CASE("safetensors save and load through a file", "[safetensors]") {
  TempDir dir;
  const std::string path = dir.file("model.safetensors");
  const st::Dict dict = sample_dict();
  const st::Metadata metadata{{"model", "conv"}};
  st::save(path, dict, metadata);
  CHECK(dir.names() == std::vector<std::string>{"model.safetensors"});
  CHECK(read_bytes(path) == st::serialize(dict, metadata));
  st::Metadata read_metadata;
  require_same(st::load(path, &read_metadata), dict);
  CHECK(read_metadata == metadata);
}

TEST_CASE("safetensors writes the standard bytes", "[safetensors]") {
  SECTION("one F32 tensor: length, JSON padded with spaces, little-endian IEEE floats") {
    const float values[] = {1.f, 2.f};
    const std::string header = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})"
                               "  ";  // 54 characters, padded to 56
    std::vector<uint8_t> expected = file_bytes(56, header);
    expected.insert(expected.end(), {0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x40});  // 1.0f, 2.0f
    CHECK(st::serialize({{"a", st::make_f32({2}, values)}}) == expected);
    CHECK(st::to_f32(parse_bytes(expected).at("a"), "a") == std::vector<float>{1.f, 2.f});
  }
  SECTION("metadata first, then an I64 scalar") {
    const int64_t five = 5;
    const std::string header = R"({"__metadata__":{"k":"v"},"n":{"dtype":"I64","shape":[],"data_offsets":[0,8]}})"
                               "  ";  // 78 characters, padded to 80
    std::vector<uint8_t> expected = file_bytes(80, header);
    expected.insert(expected.end(), {5, 0, 0, 0, 0, 0, 0, 0});
    CHECK(st::serialize({{"n", st::make_i64({}, &five)}}, {{"k", "v"}}) == expected);
  }
  SECTION("tensors in name order, each starting where the previous one ends") {
    const float one = 1.f, two = 2.f;
    const std::vector<uint8_t> file = st::serialize({{"b", st::make_f32({}, &two)}, {"a", st::make_f32({}, &one)}});
    uint64_t length = 0;
    std::memcpy(&length, file.data(), 8);
    CHECK(length % 8 == 0);
    const auto header = nlohmann::ordered_json::parse(file.begin() + 8, file.begin() + 8 + length);
    CHECK(header.begin().key() == "a");
    CHECK(header["a"]["data_offsets"].get<std::vector<int>>() == std::vector<int>{0, 4});
    CHECK(header["b"]["data_offsets"].get<std::vector<int>>() == std::vector<int>{4, 8});
    float buffer[2];
    std::memcpy(buffer, file.data() + 8 + length, sizeof buffer);
    CHECK(buffer[0] == 1.f);
    CHECK(buffer[1] == 2.f);
  }
}

TEST_CASE("safetensors reads a file with fields it does not know", "[safetensors]") {
  // The reference implementation ignores them, so files from newer writers still load.
  const auto file = file_with_header(R"({"a":{"dtype":"I64","shape":[1],"data_offsets":[0,8],"note":"x"}})", 8);
  CHECK(parse_bytes(file).at("a").shape == std::vector<int64_t>{1});
}

TEST_CASE("safetensors load of a missing file names it", "[safetensors]") {
  TempDir dir;
  const std::string path = dir.file("missing.safetensors");
  REQUIRE_THROWS_AS(st::load(path), dae::Error);
  REQUIRE_THROWS_WITH(st::load(path), Contains("cannot open " + path + ": No such file or directory"));
}

// Bytes this process has read through read() and its kin so far (Linux's /proc/self/io).
uint64_t bytes_read_so_far() {
  std::ifstream io("/proc/self/io");
  std::string key;
  uint64_t value = 0;
  while (io >> key >> value)
    if (key == "rchar:") return value;
  FAIL("no rchar: line in /proc/self/io");
  return 0;
}

// A file of `size` bytes that starts with `start` and is a hole after it (no disk space).
void write_sparse(const std::string& path, const std::vector<uint8_t>& start, uint64_t size) {
  {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(start.data()), std::streamsize(start.size()));
  }
  fs::resize_file(path, size);
}

TEST_CASE("safetensors load reads only the header of a file that does not match it", "[safetensors]") {
  // 256 MB, which a reader that takes the whole file before checking would read in full.
  constexpr uint64_t kSize = uint64_t{256} << 20, kMostBytesRead = 64 << 10;
  TempDir dir;
  const std::string path = dir.file("huge.safetensors");
  SECTION("a header that describes fewer bytes than the file holds") {
    write_sparse(path, file_with_header("{}      ", 0), kSize);
    const uint64_t before = bytes_read_so_far();
    REQUIRE_ERROR(st::load(path), path, "bytes [0, 268435440) of the buffer belong to no tensor");
    CHECK(bytes_read_so_far() - before < kMostBytesRead);
  }
  SECTION("a file of zeros: an empty header") {
    write_sparse(path, {}, kSize);
    const uint64_t before = bytes_read_so_far();
    REQUIRE_ERROR(st::load(path), path, "header is not valid JSON");
    CHECK(bytes_read_so_far() - before < kMostBytesRead);
  }
  SECTION("a header that describes more bytes than the file holds") {
    const auto start = file_with_header(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", 0);
    write_sparse(path, start, start.size() + 8);
    REQUIRE_ERROR(st::load(path), path, "run past the end of the buffer (8 bytes)");
  }
}

TEST_CASE("safetensors load refuses what is not a regular file", "[safetensors]") {
  TempDir dir;
  // A FIFO would make a reader wait for a writer, a device such as /dev/zero read forever.
  const std::string fifo = dir.file("fifo.safetensors");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  REQUIRE_ERROR(st::load(fifo), fifo + ": not a regular file");
  REQUIRE_ERROR(st::load(dir.path()), dir.path() + ": not a regular file");
}

#if defined(__SANITIZE_ADDRESS__)
TEST_CASE("safetensors load names the file when it does not fit in memory", "[safetensors]") {
  WARN("skipped under AddressSanitizer, which cannot run under an address-space limit");
}
#else
TEST_CASE("safetensors load names the file when it does not fit in memory", "[safetensors]") {
  // A valid 64 GB file (sparse), read in a child whose address space is capped 1 GB above
  // what it uses now: the allocation fails as it would on a small machine.
  TempDir dir;
  const std::string path = dir.file("big.safetensors");
  constexpr uint64_t kTensorBytes = uint64_t{64} << 30;
  const std::string header = R"({"w":{"dtype":"F32","shape":[)" + std::to_string(kTensorBytes / 4) +
                             R"(],"data_offsets":[0,)" + std::to_string(kTensorBytes) + "]}}";
  const std::vector<uint8_t> start = file_with_header(header, 0);
  write_sparse(path, start, start.size() + kTensorBytes);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    std::ifstream statm("/proc/self/statm");
    uint64_t pages = 0;
    statm >> pages;
    const rlim_t cap = pages * uint64_t(::sysconf(_SC_PAGESIZE)) + (uint64_t{1} << 30);
    const rlimit limit{cap, cap};
    if (::setrlimit(RLIMIT_AS, &limit) != 0) ::_exit(3);
    try {
      st::load(path);
    } catch (const dae::Error& e) {
      const std::string message = e.what();
      ::_exit(message.find(path + ": not enough memory to read it") != std::string::npos ? 0 : 1);
    } catch (...) {
      ::_exit(2);
    }
    ::_exit(4);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);  // 1: another message, 2: not a dae::Error, 4: no error
}
#endif

TEST_CASE("safetensors rejects a file shorter than the length field", "[safetensors]") {
  REQUIRE_PARSE_ERROR(std::vector<uint8_t>({1, 2, 3, 4, 5}), "too short");
  REQUIRE_PARSE_ERROR(std::vector<uint8_t>({1, 2, 3, 4, 5}), "5 bytes");
  REQUIRE_PARSE_ERROR(std::vector<uint8_t>(), "0 bytes");
}

TEST_CASE("safetensors rejects a header length past the end of the file", "[safetensors]") {
  REQUIRE_PARSE_ERROR(file_claiming(100, "{}        "), "header length 100 runs past the end of the file (18 bytes)");
}

TEST_CASE("safetensors rejects an absurd header length", "[safetensors]") {
  REQUIRE_PARSE_ERROR(file_claiming(uint64_t{1} << 62, "{}"), "100000000-byte limit");
  REQUIRE_PARSE_ERROR(file_claiming(~uint64_t{0}, "{}"), "100000000-byte limit");
}

TEST_CASE("safetensors rejects a header that is not JSON", "[safetensors]") {
  REQUIRE_PARSE_ERROR(file_with_header(R"({"a":)", 0), "not valid JSON");
  REQUIRE_PARSE_ERROR(file_with_header("{\"\xff\":1}", 0), "not valid JSON");  // not UTF-8
  REQUIRE_PARSE_ERROR(file_with_header("{} trailing", 0), "not valid JSON");
}

TEST_CASE("safetensors rejects a header that is not a JSON object", "[safetensors]") {
  REQUIRE_PARSE_ERROR(file_with_header("[1,2]", 0), "header must be a JSON object, found [1,2]");
  REQUIRE_PARSE_ERROR(file_with_header(R"("text")", 0), "header must be a JSON object");
}

TEST_CASE("safetensors rejects an entry missing a field", "[safetensors]") {
  REQUIRE_PARSE_ERROR(file_with_header(R"({"w":{"shape":[2],"data_offsets":[0,8]}})", 8),
                      "tensor 'w': missing \"dtype\"");
  REQUIRE_PARSE_ERROR(file_with_header(R"({"w":{"dtype":"F32","data_offsets":[0,8]}})", 8),
                      "tensor 'w': missing \"shape\"");
  REQUIRE_PARSE_ERROR(file_with_header(R"({"w":{"dtype":"F32","shape":[2]}})", 8),
                      "tensor 'w': missing \"data_offsets\"");
}

TEST_CASE("safetensors rejects fields of the wrong JSON type", "[safetensors]") {
  REQUIRE_PARSE_ERROR(file_with_header(R"({"w":3})", 0), "tensor 'w': expected an object");
  REQUIRE_PARSE_ERROR(file_with_header(R"({"w":{"dtype":5,"shape":[2],"data_offsets":[0,8]}})", 8),
                      "\"dtype\" must be a string such as \"F32\", found 5");
  REQUIRE_PARSE_ERROR(file_with_header(R"({"w":{"dtype":"F32","shape":"2","data_offsets":[0,8]}})", 8),
                      "\"shape\" must be an array of integers, found \"2\"");
  REQUIRE_PARSE_ERROR(file_with_header(R"({"w":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}})", 8),
                      "\"shape\" must be an array of 64-bit integers");
  REQUIRE_PARSE_ERROR(file_with_header(R"({"__metadata__":{"epoch":3}})", 0),
                      "\"__metadata__\" must map keys to strings, found 3 for \"epoch\"");
  REQUIRE_PARSE_ERROR(file_with_header(R"({"__metadata__":[]})", 0), "\"__metadata__\" must be an object of strings");
}

TEST_CASE("safetensors rejects an unsupported dtype by name", "[safetensors]") {
  REQUIRE_PARSE_ERROR(file_with_header(R"({"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}})", 4),
                      "unsupported dtype \"F16\" (only F32 and I64 are supported)");
}

TEST_CASE("safetensors rejects a negative or overflowing shape", "[safetensors]") {
  REQUIRE_PARSE_ERROR(file_with_header(R"({"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,0]}})", 0),
                      "negative dimension in shape [-2]");
  // 2^32 * 2^32 elements: the product wraps to 0 in 64 bits, which an empty buffer would match.
  REQUIRE_PARSE_ERROR(file_with_header(R"({"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}})",
                                       0),
                      "overflows 64 bits");
  REQUIRE_PARSE_ERROR(file_with_header(R"({"w":{"dtype":"I64","shape":[18446744073709551615],"data_offsets":[0,0]}})",
                                       0),
                      "64-bit integers");
}

TEST_CASE("safetensors rejects data_offsets that are not [begin, end]", "[safetensors]") {
  for (const char* offsets : {"[0]", "[0,8,8]", "[-1,8]", "[0,8.0]", "\"0,8\"", "{}"}) {
    INFO("data_offsets " << offsets);
    REQUIRE_PARSE_ERROR(
        file_with_header(std::string(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":)") + offsets + "}}", 8),
        "\"data_offsets\" must be [begin, end]");
  }
  REQUIRE_PARSE_ERROR(file_with_header(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})", 8),
                      "data_offsets [8,0] has begin after end");
}

TEST_CASE("safetensors rejects offsets past the end of the buffer", "[safetensors]") {
  REQUIRE_PARSE_ERROR(file_with_header(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", 8),
                      "data_offsets [0,16] run past the end of the buffer (8 bytes)");
}

TEST_CASE("safetensors rejects a byte count that does not match the shape", "[safetensors]") {
  REQUIRE_PARSE_ERROR(file_with_header(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8),
                      "tensor 'w': holds 8 bytes but shape [3] of F32 needs 12");
}

TEST_CASE("safetensors rejects overlapping tensors", "[safetensors]") {
  REQUIRE_PARSE_ERROR(file_with_header(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                       R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                                       12),
                      "tensors 'a' and 'b' overlap");
  REQUIRE_PARSE_ERROR(file_with_header(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                       R"("b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})",
                                       8),
                      "overlap");
}

TEST_CASE("safetensors rejects duplicate keys", "[safetensors]") {
  REQUIRE_PARSE_ERROR(file_with_header(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                                       R"("a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                                       8),
                      "duplicate key \"a\"");
  REQUIRE_PARSE_ERROR(file_with_header(R"({"a":{"dtype":"I64","dtype":"F32","shape":[1],"data_offsets":[0,4]}})", 4),
                      "duplicate key \"dtype\"");
}

TEST_CASE("safetensors rejects buffer bytes that belong to no tensor", "[safetensors]") {
  const std::string a4 = R"("a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]})";
  REQUIRE_PARSE_ERROR(file_with_header("{" + a4 + "}", 8), "bytes [4, 8) of the buffer belong to no tensor");
  REQUIRE_PARSE_ERROR(file_with_header(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", 8),
                      "bytes [0, 4) of the buffer belong to no tensor");
  REQUIRE_PARSE_ERROR(file_with_header("{" + a4 + R"(,"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})", 12),
                      "bytes [4, 8) of the buffer belong to no tensor (the buffer must be fully indexed)");
  REQUIRE_PARSE_ERROR(file_with_header("{}", 1), "bytes [0, 1)");
}

TEST_CASE("safetensors rejects deeply nested JSON before building it", "[safetensors]") {
  REQUIRE_PARSE_ERROR(file_with_header(R"({"__metadata__":{"k":[[[[[[[[[[]]]]]]]]]]}})", 0), "nests deeper");
  REQUIRE_PARSE_ERROR(file_with_header(std::string(1000000, '['), 0), "nests deeper");
}

TEST_CASE("safetensors parse of a damaged file throws dae::Error or succeeds, never crashes", "[safetensors]") {
  const float values[] = {1.f, 2.f, 3.f};
  const int64_t step = 5;
  const std::vector<uint8_t> good =
      st::serialize({{"w", st::make_f32({3}, values)}, {"step", st::make_i64({}, &step)}}, {{"k", "v"}});
  for (size_t size = 0; size < good.size(); ++size) {
    INFO("prefix of " << size << " bytes");
    REQUIRE_THROWS_AS(parse_bytes({good.begin(), good.begin() + size}), dae::Error);
  }
  // Anything but a dae::Error escapes parse_or_error and fails the REQUIRE_NOTHROW.
  const auto parse_or_error = [](const std::vector<uint8_t>& file) {
    try {
      parse_bytes(file);
    } catch (const dae::Error&) {
    }
  };
  const uint8_t replacements[] = {0x00, 0x7f, 0xff, '[', '{', '"', '9', '-', ','};
  for (size_t i = 0; i < good.size(); ++i) {
    for (const uint8_t value : replacements) {
      std::vector<uint8_t> damaged = good;
      damaged[i] = value;
      INFO("byte " << i << " set to " << int(value));
      REQUIRE_NOTHROW(parse_or_error(damaged));
    }
  }
}

TEST_CASE("safetensors entries check their dtype and shape", "[safetensors]") {
  const int64_t step = 3;
  const float two[] = {1.f, 2.f};
  REQUIRE_THROWS_WITH(st::to_f32(st::make_i64({}, &step), "step"), Contains("tensor 'step' is I64, expected F32"));
  REQUIRE_THROWS_WITH(st::to_i64(st::make_f32({2}, two), "w"), Contains("tensor 'w' is F32, expected I64"));
  REQUIRE_THROWS_WITH(st::make_f32({2, -1}, two), Contains("negative dimension in shape [2, -1]"));
  st::Entry short_entry = st::make_f32({2}, two);
  short_entry.bytes.resize(4);
  REQUIRE_THROWS_WITH(st::serialize({{"w", short_entry}}),
                      Contains("tensor 'w': holds 4 bytes but shape [2] of F32 needs 8"));
  REQUIRE_THROWS_WITH(st::serialize({{"__metadata__", st::make_f32({2}, two)}}), Contains("reserved"));
}
