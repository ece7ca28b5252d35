// Fuzz target: the safetensors reader (core/safetensors.h). The input is a file. Properties:
// - parse (from memory) and load (from the file, read piece by piece) agree: both refuse it,
//   naming it, or both read the same tensors and metadata;
// - what was read writes back (serialize) into a file that reads back the same.
#include "core/error.h"
#include "core/safetensors.h"
#include "tests/fuzz/fuzz_support.h"

namespace st = dae::safetensors;
using dae::fuzz::require;

namespace {

bool same(const st::Dict& a, const st::Dict& b) {
  if (a.size() != b.size()) return false;
  for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j) {
    if (i->first != j->first || i->second.dtype != j->second.dtype || i->second.shape != j->second.shape ||
        i->second.bytes != j->second.bytes)
      return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static dae::fuzz::MemoryFile file("fuzz.safetensors");
  const std::string origin = "memory.safetensors";
  const std::string& path = file.hold(data, size);

  st::Dict parsed, loaded;
  st::Metadata parsed_metadata, loaded_metadata;
  std::string parse_error, load_error;
  try {
    parsed = st::parse(data, size, origin, &parsed_metadata);
  } catch (const dae::Error& e) {
    parse_error = e.what();
    dae::fuzz::require_names(parse_error, origin);
  }
  try {
    loaded = st::load(path, &loaded_metadata);
  } catch (const dae::Error& e) {
    load_error = e.what();
    dae::fuzz::require_names(load_error, path);
  }
  require(parse_error.empty() == load_error.empty(), "parse and load agree on what they refuse",
          "parse: '" + parse_error + "', load: '" + load_error + "'");
  if (!parse_error.empty()) return 0;
  require(same(parsed, loaded) && parsed_metadata == loaded_metadata, "parse and load read the same tensors");

  const std::vector<uint8_t> written = st::serialize(parsed, parsed_metadata);
  st::Metadata reread_metadata;
  const st::Dict reread = st::parse(written.data(), written.size(), "rewritten", &reread_metadata);
  require(same(parsed, reread) && parsed_metadata == reread_metadata,
          "what was read writes back into a file that reads back the same");
  return 0;
}
