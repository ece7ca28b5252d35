#include "apps/training/checkpoint.h"

#include <cmath>
#include <set>

#include "apps/training/checkpoint_history.h"
#include "core/error.h"
#include "core/safetensors.h"

namespace dae {

namespace {

constexpr const char* kFormat = "mnist-dae checkpoint 1";
const std::string kOptimizerPrefix = "optimizer.", kTrainerPrefix = "trainer.";
// More Adam steps than any run can take (kMaxEpochs epochs of 60,000 one-image batches), far
// below where the step counter or beta^t would overflow.
constexpr int64_t kMaxAdamSteps = int64_t{1} << 40;

safetensors::Entry entry_of(const Tensor& tensor) {
  const std::vector<float> values = tensor.to_vector();
  return safetensors::make_f32(tensor.shape().to_vector(), values.data());
}

// The names of the moments of each parameter, in parameter order.
std::string moment_name(const char* kind, const std::string& parameter) { return kOptimizerPrefix + kind + parameter; }

const safetensors::Entry& require(const safetensors::Dict& state, const std::string& name, const std::string& path) {
  const auto found = state.find(name);
  DAE_CHECK(found != state.end(), path << ": checkpoint has training state but no '" << name << "'");
  return found->second;
}

// An I64 entry of the given shape, each value in [min, max].
std::vector<int64_t> require_i64(const safetensors::Dict& state, const std::string& name, const std::string& path,
                                 const std::vector<int64_t>& shape, int64_t min, int64_t max) {
  const safetensors::Entry& entry = require(state, name, path);
  DAE_CHECK(entry.shape == shape,
            path << ": " << name << " has shape " << dims_text(entry.shape) << ", expected " << dims_text(shape));
  const std::vector<int64_t> values = safetensors::to_i64(entry, path + ": " + name);
  for (int64_t value : values)
    DAE_CHECK(value >= min && value <= max,
              path << ": " << name << " = " << value << " is outside [" << min << ", " << max << "]");
  return values;
}

// Whether an entry's values must not be negative: BatchNorm's running variance (the one model
// entry that cannot be), or Adam's second moment.
bool non_negative_entry(const std::string& name) {
  const std::string variance = "running_var";
  return (name.size() >= variance.size() &&
          name.compare(name.size() - variance.size(), variance.size(), variance) == 0) ||
         name.rfind(kOptimizerPrefix + "exp_avg_sq.", 0) == 0;
}

// The index of the first value of entry `name` that is not finite, or negative where it must
// not be; -1 if none.
int64_t first_bad_value(const std::vector<float>& values, const std::string& name) {
  const bool non_negative = non_negative_entry(name);
  for (size_t i = 0; i < values.size(); ++i)
    if (!std::isfinite(values[i]) || (non_negative && values[i] < 0)) return static_cast<int64_t>(i);
  return -1;
}

void check_values(const std::vector<float>& values, const std::string& name, const std::string& path) {
  const int64_t bad = first_bad_value(values, name);
  DAE_CHECK(bad < 0, path << ": " << name << " holds " << values[bad] << " at element " << bad << " (expected a finite"
                          << (non_negative_entry(name) ? ", non-negative" : "") << " number); the file is damaged");
}

// What load_checkpoint would refuse is never written: a state whose floats are not all finite
// (a running variance can overflow to inf while the losses stay finite, since eval-mode
// BatchNorm divides by it) stops the run here, and the previous checkpoint stays.
void check_writable(const safetensors::Dict& state, const std::string& path) {
  for (const auto& [name, entry] : state) {
    if (entry.dtype != safetensors::DType::F32) continue;
    const std::vector<float> values = safetensors::to_f32(entry, name);
    const int64_t bad = first_bad_value(values, name);
    DAE_CHECK(bad < 0, "not writing " << path << ": " << name << " holds " << values[bad] << " at element " << bad
                                      << "; training diverged (try a lower --lr), the previous checkpoint is kept");
  }
}

// A checkpoint split into the model's entries and the training state's, the model's loaded.
struct ReadCheckpoint {
  safetensors::Metadata metadata;
  safetensors::Dict training_state;  // the optimizer.* and trainer.* entries
};

ReadCheckpoint read_into_model(Autoencoder& model, const std::string& path) {
  ReadCheckpoint read;
  safetensors::Dict state = safetensors::load(path, &read.metadata);
  const auto format = read.metadata.find("format");
  DAE_CHECK(format == read.metadata.end() || format->second == kFormat,
            path << ": format '" << format->second << "', expected '" << kFormat
                 << "' (a file written by another version of mnist-dae)");
  const auto model_name = read.metadata.find("model");
  DAE_CHECK(model_name == read.metadata.end() || model_name->second == model.name(),
            path << " holds a '" << model_name->second << "' model, not '" << model.name()
                 << "' (pass the checkpoint of the same model)");
  safetensors::Dict model_state;
  for (auto& [name, entry] : state) {
    const bool training = name.rfind(kOptimizerPrefix, 0) == 0 || name.rfind(kTrainerPrefix, 0) == 0;
    (training ? read.training_state : model_state).emplace(name, std::move(entry));
  }
  for (const auto& [name, entry] : model_state)
    if (entry.dtype == safetensors::DType::F32) check_values(safetensors::to_f32(entry, name), name, path);
  model.load_state_dict(model_state, path);
  return read;
}

// The training state holds exactly the entries save_checkpoint writes.
void check_training_entries(const ReadCheckpoint& read, Autoencoder& model, const std::string& path) {
  std::set<std::string> expected = {kOptimizerPrefix + "step", kTrainerPrefix + "epoch", kTrainerPrefix + "shuffle_rng",
                                    kTrainerPrefix + "noise_seed"};
  for (const auto& [name, parameter] : model.named_parameters()) {
    expected.insert(moment_name("exp_avg.", name));
    expected.insert(moment_name("exp_avg_sq.", name));
  }
  for (const auto& [name, entry] : read.training_state)
    DAE_CHECK(expected.count(name), path << ": unexpected training-state entry '" << name
                                         << "' (a checkpoint of another version, or an edited file)");
  for (const std::string& name : expected) require(read.training_state, name, path);
}

TrainingState trainer_state_of(const ReadCheckpoint& read, const std::string& path) {
  const safetensors::Dict& state = read.training_state;
  TrainingState trainer;
  trainer.epochs_done = require_i64(state, kTrainerPrefix + "epoch", path, {}, 0, kMaxEpochs)[0];
  const auto rng = require_i64(state, kTrainerPrefix + "shuffle_rng", path, {2}, INT64_MIN, INT64_MAX);
  trainer.shuffle = Generator(static_cast<uint64_t>(rng[0]), static_cast<uint64_t>(rng[1]));
  trainer.noise_seed =
      static_cast<uint64_t>(require_i64(state, kTrainerPrefix + "noise_seed", path, {}, INT64_MIN, INT64_MAX)[0]);
  const auto history = read.metadata.find("history");
  DAE_CHECK(history != read.metadata.end(), path << ": checkpoint has training state but no training history");
  trainer.history = history_from_json(history->second, trainer.epochs_done, path);
  return trainer;
}

}  // namespace

void save_weights(Autoencoder& model, const std::string& path) {
  const safetensors::Dict state = model.state_dict();
  check_writable(state, path);
  safetensors::save(path, state, {{"format", kFormat}, {"model", model.name()}});
}

void save_checkpoint(TrainingRun& run, const std::string& path) {
  safetensors::Dict state = run.model().state_dict();
  Adam& adam = run.optimizer();
  const auto parameters = run.model().named_parameters();
  for (size_t i = 0; i < parameters.size(); ++i) {
    state[moment_name("exp_avg.", parameters[i].first)] = entry_of(adam.exp_avg(i));
    state[moment_name("exp_avg_sq.", parameters[i].first)] = entry_of(adam.exp_avg_sq(i));
  }
  const TrainingState trainer = run.state();
  const int64_t step = adam.step_count(), epoch = trainer.epochs_done;
  const int64_t rng[2] = {static_cast<int64_t>(trainer.shuffle.seed()),
                          static_cast<int64_t>(trainer.shuffle.counter())};
  const int64_t noise_seed = static_cast<int64_t>(trainer.noise_seed);
  state[kOptimizerPrefix + "step"] = safetensors::make_i64({}, &step);
  state[kTrainerPrefix + "epoch"] = safetensors::make_i64({}, &epoch);
  state[kTrainerPrefix + "shuffle_rng"] = safetensors::make_i64({2}, rng);
  state[kTrainerPrefix + "noise_seed"] = safetensors::make_i64({}, &noise_seed);
  check_writable(state, path);
  safetensors::save(path, state,
                    {{"format", kFormat},
                     {"model", run.model().name()},
                     {"recipe", recipe_json(recipe_of(run))},
                     {"history", history_json(trainer.history)}});
}

CheckpointContents load_checkpoint(TrainingRun& run, const std::string& path) {
  const ReadCheckpoint read = read_into_model(run.model(), path);
  CheckpointContents contents;
  if (const auto recipe = read.metadata.find("recipe"); recipe != read.metadata.end())
    contents.recipe = recipe_from_json(recipe->second, path);
  if (read.training_state.empty()) return contents;
  check_training_entries(read, run.model(), path);
  const TrainingState trainer = trainer_state_of(read, path);
  const int64_t step = require_i64(read.training_state, kOptimizerPrefix + "step", path, {}, 0, kMaxAdamSteps)[0];
  Adam& adam = run.optimizer();
  const auto parameters = run.model().named_parameters();
  for (size_t i = 0; i < parameters.size(); ++i) {
    for (const auto& [kind, target] :
         {std::pair{"exp_avg.", adam.exp_avg(i)}, std::pair{"exp_avg_sq.", adam.exp_avg_sq(i)}}) {
      const std::string name = moment_name(kind, parameters[i].first);
      const safetensors::Entry& entry = require(read.training_state, name, path);
      DAE_CHECK(entry.shape == target.shape().to_vector(),
                path << ": " << name << " has shape " << dims_text(entry.shape) << ", expected " << target.shape());
      const std::vector<float> values = safetensors::to_f32(entry, path + ": " + name);
      check_values(values, name, path);
      target.copy_from(Tensor::from_vector(target.shape(), values));
    }
  }
  adam.set_step_count(step);
  run.restore(trainer);
  contents.had_training_state = true;
  return contents;
}

LoadedWeights load_weights(Autoencoder& model, const std::string& path) {
  const ReadCheckpoint read = read_into_model(model, path);
  LoadedWeights loaded;
  if (read.training_state.empty()) return loaded;
  check_training_entries(read, model, path);
  const TrainingState trainer = trainer_state_of(read, path);
  loaded.had_training_state = true;
  loaded.epochs_done = trainer.epochs_done;
  loaded.history = trainer.history;
  return loaded;
}

}  // namespace dae
