// Fuzz target: the checkpoint loader (apps/training/checkpoint.h), on the CPU.
//
// The input is a patch to a real checkpoint: a safetensors file whose tensors replace or add
// to those of the checkpoint a tiny run writes after one epoch (tiny_training.h; of the model
// the patch's metadata names, linear when it names none we know), whose metadata entries
// replace the checkpoint's, and whose metadata entry "remove" lists tensors to drop (names
// separated by commas). A whole checkpoint is megabytes of weights where a mutation would
// rarely land on what the loader decides on: counters, shapes, the history, the metadata. A
// patch is a few kilobytes of exactly that. (The bytes of the format: fuzz_safetensors.)
//
// Properties: the load refuses the patched file with an error naming it, or the loaded run
// holds counters that are not negative and finite values (weights, buffers, Adam's moments,
// second moments not negative, the history), trains an epoch (one step, then the test set;
// it may stop only with a dae::Error, such as divergence) and saves a checkpoint that loads
// into a fresh run with the same state.
#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>

#include "core/device.h"
#include "core/error.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/tiny_training.h"

namespace st = dae::safetensors;
using dae::fuzz::require;

namespace {

// The data sets, a directory for the checkpoints the target saves (removed at exit), and the
// checkpoint of each model that inputs patch, made on first use.
class Fixture {
 public:
  Fixture() {
    dae::set_cpu_threads(1);
    std::string pattern = (std::filesystem::temp_directory_path() / "dae_fuzz_XXXXXX").string();
    require(::mkdtemp(pattern.data()) != nullptr, "a temporary directory can be made");
    dir = pattern;
  }
  ~Fixture() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  const dae::fuzz::Checkpoint& checkpoint_of(const std::string& model) {
    auto found = checkpoints_.find(model);
    if (found == checkpoints_.end())
      found = checkpoints_.emplace(model, dae::fuzz::tiny_checkpoint(data, model, dir + "/base.safetensors")).first;
    return found->second;
  }

  dae::fuzz::TinyData data;
  std::string dir;

 private:
  std::map<std::string, dae::fuzz::Checkpoint> checkpoints_;
};

std::string known_model(const st::Metadata& metadata) {
  const auto named = metadata.find("model");
  for (const std::string& name : dae::autoencoder_names())
    if (named != metadata.end() && named->second == name) return name;
  return "linear";
}

// The checkpoint with the patch applied, as the bytes of a file.
std::vector<uint8_t> patched(dae::fuzz::Checkpoint checkpoint, const st::Dict& tensors, const st::Metadata& metadata) {
  for (const auto& [name, entry] : tensors) checkpoint.tensors[name] = entry;
  for (const auto& [key, value] : metadata) checkpoint.metadata[key] = value;
  if (const auto remove = metadata.find("remove"); remove != metadata.end()) {
    std::istringstream names(remove->second);
    for (std::string name; std::getline(names, name, ',');) checkpoint.tensors.erase(name);
    checkpoint.metadata.erase("remove");
  }
  return st::serialize(checkpoint.tensors, checkpoint.metadata);
}

bool all_finite(const std::vector<float>& values) {
  return std::all_of(values.begin(), values.end(), [](float v) { return std::isfinite(v); });
}

// What a loaded run must hold, whatever the file said (the properties above).
void require_sane(dae::TrainingRun& run) {
  require(run.epochs_done() >= 0 && run.optimizer().step_count() >= 0, "a loaded run's counters are not negative",
          "epochs " + std::to_string(run.epochs_done()) + ", Adam step " +
              std::to_string(run.optimizer().step_count()));
  for (const auto& [name, entry] : run.model().state_dict())
    if (entry.dtype == st::DType::F32) require(all_finite(st::to_f32(entry, name)), "a loaded model is finite", name);
  // A second moment is a mean of squares: a negative one is finite, but its square root in
  // the next Adam step turns the weights into NaN.
  for (size_t i = 0; i < run.model().parameters().size(); ++i) {
    const std::vector<float> squares = run.optimizer().exp_avg_sq(i).to_vector();
    require(all_finite(run.optimizer().exp_avg(i).to_vector()) && all_finite(squares) &&
                std::all_of(squares.begin(), squares.end(), [](float v) { return v >= 0; }),
            "loaded Adam moments are finite, second moments not negative", "parameter " + std::to_string(i));
  }
  for (const dae::EpochResult& r : run.history())
    require(r.epoch >= 1 && all_finite({float(r.train_loss), float(r.first_batch_loss), float(r.test_loss),
                                        float(r.test_psnr), float(r.seconds), float(r.images_per_second)}),
            "a loaded history is finite, epochs counted from 1", "epoch " + std::to_string(r.epoch));
}

bool same_state(dae::TrainingRun& a, dae::TrainingRun& b) {
  const st::Dict x = a.model().state_dict(), y = b.model().state_dict();
  if (x.size() != y.size()) return false;
  for (auto i = x.begin(), j = y.begin(); i != x.end(); ++i, ++j)
    if (i->first != j->first || i->second.shape != j->second.shape || i->second.bytes != j->second.bytes) return false;
  return a.optimizer().step_count() == b.optimizer().step_count() && a.epochs_done() == b.epochs_done() &&
         a.history().size() == b.history().size();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture fixture;
  static dae::fuzz::MemoryFile input("checkpoint.safetensors");
  st::Dict patch;
  st::Metadata patch_metadata;
  try {
    patch = st::parse(data, size, "patch", &patch_metadata);
  } catch (const dae::Error&) {
    return 0;  // not a safetensors file: fuzz_safetensors covers those
  }
  const std::string model = known_model(patch_metadata);
  const std::vector<uint8_t> file = patched(fixture.checkpoint_of(model), patch, patch_metadata);
  const std::string& path = input.hold(file.data(), file.size());

  const auto run = dae::fuzz::make_tiny_run(fixture.data, model);
  try {
    dae::load_checkpoint(*run, path);
  } catch (const dae::Error& e) {
    dae::fuzz::require_names(e.what(), path);
    return 0;
  }
  require_sane(*run);
  try {
    run->train_epoch();
  } catch (const dae::Error&) {
    return 0;  // refused with a message (divergence): the program stops there, saving nothing
  }
  const std::string saved = fixture.dir + "/saved.safetensors";
  try {
    dae::save_checkpoint(*run, saved);
  } catch (const dae::Error& e) {
    // A state that went non-finite is refused before anything is written, never saved.
    dae::fuzz::require_names(e.what(), saved);
    return 0;
  }
  const auto reloaded = dae::fuzz::make_tiny_run(fixture.data, model);
  dae::load_checkpoint(*reloaded, saved);
  require(same_state(*run, *reloaded), "a saved checkpoint loads back to the same state");
  return 0;
}
