// Writes the seed corpora of the fuzz targets: make_fuzz_corpus DIR fills DIR/<target>/ with
// a few valid inputs of each kind, made by the project's own writers (so they are the files
// the program really reads), from which libFuzzer mutates. Nothing binary is committed;
// scripts/fuzz.sh runs this before the targets.
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/atomic_file.h"
#include "core/device.h"
#include "core/error.h"
#include "core/safetensors.h"
#include "tests/fuzz/tiny_training.h"

namespace fs = std::filesystem;
namespace st = dae::safetensors;
using Bytes = std::vector<uint8_t>;

namespace {

Bytes read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::string& path, const Bytes& bytes) {
  dae::write_file_atomically(path, bytes.data(), bytes.size());
}

void safetensors_seeds(const std::string& dir) {
  const float weights[] = {1.5f, -2.f, 0.f, 3.25f, 1e-30f, -0.f};
  const int64_t counts[] = {7, -1, INT64_MAX, INT64_MIN};
  const float loss = 42.f;
  write_bytes(dir + "/empty.safetensors", st::serialize({}));
  write_bytes(dir + "/both_dtypes.safetensors", st::serialize({{"conv.weight", st::make_f32({2, 3}, weights)},
                                                               {"adam.counts", st::make_i64({4}, counts)},
                                                               {"loss", st::make_f32({}, &loss)},
                                                               {"empty", st::make_f32({0, 3}, nullptr)}},
                                                              {{"format", "pt"}, {"epoch", "3"}}));
}

// Patches for the checkpoint target (see fuzz_checkpoint.cpp), for each model: the small
// entries of its checkpoint (counters, generator state, biases) and the metadata; the I64
// entries alone (the counters, where a mutation of 8 bytes is one of a few hundred rather than
// of thousands); and one that names the model and removes a counter.
void checkpoint_seeds(const std::string& dir) {
  constexpr size_t kMostBytes = 4096;  // what a patch keeps of a tensor: biases, not weights
  const dae::fuzz::TinyData data;
  for (const std::string& model : dae::autoencoder_names()) {
    const dae::fuzz::Checkpoint checkpoint = dae::fuzz::tiny_checkpoint(data, model, dir + "/scratch");
    st::Dict small, counters;
    for (const auto& [name, entry] : checkpoint.tensors) {
      if (entry.bytes.size() <= kMostBytes) small.emplace(name, entry);
      if (entry.dtype == st::DType::I64) counters.emplace(name, entry);
    }
    write_bytes(dir + "/" + model, st::serialize(small, checkpoint.metadata));
    write_bytes(dir + "/" + model + "-counters", st::serialize(counters, checkpoint.metadata));
    write_bytes(dir + "/" + model + "-remove", st::serialize({}, {{"model", model}, {"remove", "trainer.epoch"}}));
  }
  fs::remove(dir + "/scratch");
}

// An IDX file of `count` 28x28 images or `count` labels.
Bytes idx(uint32_t count, bool images) {
  Bytes bytes;
  const auto put_be32 = [&bytes](uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<uint8_t>(value >> shift));
  };
  put_be32(images ? 0x803 : 0x801);
  put_be32(count);
  if (images) {
    put_be32(dae::kMnistSide);
    put_be32(dae::kMnistSide);
  }
  const uint64_t payload = images ? count * dae::kMnistPixels : count;
  for (uint64_t i = 0; i < payload; ++i) bytes.push_back(static_cast<uint8_t>(images ? i * 7 : i % 10));
  return bytes;
}

// `bytes` gzipped, through zlib's file interface as any gzip tool would write them.
Bytes gzipped(const Bytes& bytes, const std::string& scratch) {
  gzFile file = gzopen(scratch.c_str(), "wb");
  DAE_CHECK(file && gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size())) == int(bytes.size()) &&
                gzclose(file) == Z_OK,
            "cannot gzip into " << scratch);
  Bytes compressed = read_bytes(scratch);
  fs::remove(scratch);
  return compressed;
}

// The mnist target's input: the image file's length (4 bytes, little-endian), the image
// file, the label file.
Bytes two_files(const Bytes& images, const Bytes& labels) {
  Bytes input;
  for (int i = 0; i < 4; ++i) input.push_back(static_cast<uint8_t>(images.size() >> (8 * i)));
  input.insert(input.end(), images.begin(), images.end());
  input.insert(input.end(), labels.begin(), labels.end());
  return input;
}

void mnist_seeds(const std::string& dir) {
  const Bytes images = idx(2, true), labels = idx(2, false);
  const std::string scratch = dir + "/scratch.gz";
  write_bytes(dir + "/raw", two_files(images, labels));
  write_bytes(dir + "/gzip", two_files(gzipped(images, scratch), gzipped(labels, scratch)));
  write_bytes(dir + "/gzip-images", two_files(gzipped(idx(1, true), scratch), idx(1, false)));
}

// Command lines as users type them, arguments separated by NUL bytes.
void options_seeds(const std::string& dir) {
  const std::vector<std::vector<std::string>> command_lines = {
      {"mlp", "--epochs", "2", "--batch-size", "64", "--lr", "1e-3"},
      {"conv", "--load", "runs/conv/conv.safetensors", "--save", "w.safetensors", "--device", "cpu"},
      {"all", "--noise-std", "0.3", "--target", "noisy", "--no-shuffle", "--seed", "7"},
      {"linear", "--train-limit", "1000", "--test-limit", "100", "--log-every", "10", "--threads", "2"},
      {"bench", "--steps", "5", "--warmup", "1", "--repeats", "3", "--profile", "--json", "b.json"},
      {"compare", "--load-dir", "runs", "--probe-train", "1000", "--out", "reports/x", "--tf32"},
      {"--help"},
      {"--version"},
  };
  int n = 0;
  for (const auto& args : command_lines) {
    std::string joined;
    for (const std::string& arg : args) joined += (joined.empty() ? "" : std::string(1, '\0')) + arg;
    dae::write_file_atomically(dir + "/command-" + std::to_string(n++), joined);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_fuzz_corpus DIR\n");
    return 2;
  }
  dae::set_cpu_threads(1);
  const std::string root = argv[1];
  const std::pair<const char*, void (*)(const std::string&)> targets[] = {{"safetensors", safetensors_seeds},
                                                                          {"checkpoint", checkpoint_seeds},
                                                                          {"mnist", mnist_seeds},
                                                                          {"options", options_seeds}};
  try {
    for (const auto& [name, write_seeds] : targets) {
      const std::string dir = root + "/" + name;
      fs::create_directories(dir);
      write_seeds(dir);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_fuzz_corpus: %s\n", e.what());
    return 1;
  }
  return 0;
}
