// The safetensors file format, byte for byte as PyTorch and Hugging Face write it, so that our
// checkpoints open with safetensors.torch.load_file and theirs open here:
//   8 bytes   N, the header length, unsigned 64-bit little-endian
//   N bytes   JSON: {"__metadata__": {"key": "value"},
//                    "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...}
//             padded with spaces to a multiple of 8 (so the buffer starts 8-byte aligned)
//   the rest  the byte buffer: each tensor row-major, little-endian, at [begin, end) counted
//             from the start of the buffer; the tensors cover the buffer with no gap or overlap
// Reference: https://github.com/huggingface/safetensors (README "Format",
// safetensors/src/tensor.rs).
//
// Device-neutral on purpose: an Entry is host bytes, and turning it into a Tensor (on whatever
// device) is the caller's job, so this file knows nothing of tensors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace dae::safetensors {

// Only what mnist-dae stores: parameters and optimizer moments (F32), step counters and RNG
// state (I64). Other safetensors dtypes are rejected by name when reading.
enum class DType { F32, I64 };
const char* dtype_name(DType dtype);  // "F32", "I64": the spelling in the header
size_t dtype_size(DType dtype);       // bytes per element

struct Entry {
  DType dtype;
  std::vector<int64_t> shape;  // [] is a scalar (one element)
  std::vector<uint8_t> bytes;  // product(shape) * dtype_size(dtype) bytes, little-endian
};
using Dict = std::map<std::string, Entry>;  // sorted, so files are written in name order
using Metadata = std::map<std::string, std::string>;

// The whole file in memory. Throws dae::Error if an entry's bytes do not match its shape.
std::vector<uint8_t> serialize(const Dict& tensors, const Metadata& metadata = {});

// Reads a whole file held in memory. The file is untrusted: anything the format does not
// allow throws dae::Error naming `origin` (the file name), what was expected and what was
// found. Duplicate keys are rejected; unknown fields inside an entry are ignored, as the
// reference implementation does. Memory used is bounded by a small multiple of `size`.
Dict parse(const uint8_t* data, size_t size, const std::string& origin, Metadata* metadata = nullptr);

// save writes through write_file_atomically, so a crash never leaves half a checkpoint.
void save(const std::string& path, const Dict& tensors, const Metadata& metadata = {});
// load checks as parse does, reading no more than the header until the header has been
// checked against the file's size, so a huge or wrong file costs nothing to refuse. Only a
// regular file is read (a pipe or a device such as /dev/zero is refused by name), and running
// out of memory is a dae::Error naming the file, not std::bad_alloc.
Dict load(const std::string& path, Metadata* metadata = nullptr);

// Conversions between entries and host arrays. `values` holds product(shape) elements.
Entry make_f32(std::vector<int64_t> shape, const float* values);
Entry make_i64(std::vector<int64_t> shape, const int64_t* values);
// Throw dae::Error naming the tensor when its dtype is not the one asked for.
std::vector<float> to_f32(const Entry& entry, const std::string& name);
std::vector<int64_t> to_i64(const Entry& entry, const std::string& name);

}  // namespace dae::safetensors
