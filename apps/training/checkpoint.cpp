#include "apps/training/checkpoint.h"

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/safetensors.h"

namespace dae {

namespace {

constexpr const char* kFormat = "mnist-dae checkpoint 1";
const std::string kOptimizerPrefix = "optimizer.", kTrainerPrefix = "trainer.";

safetensors::Entry entry_of(const Tensor& tensor) {
  const std::vector<float> values = tensor.to_vector();
  return safetensors::make_f32(tensor.shape().to_vector(), values.data());
}

nlohmann::json history_json(const std::vector<EpochResult>& history) {
  nlohmann::json rows = nlohmann::json::array();
  for (const EpochResult& r : history) {
    rows.push_back({{"epoch", r.epoch}, {"train_loss", r.train_loss},
                    {"first_batch_loss", r.first_batch_loss}, {"test_loss", r.test_loss},
                    {"test_psnr", r.test_psnr}, {"seconds", r.seconds},
                    {"images_per_s", r.images_per_second}});
  }
  return rows;
}

std::vector<EpochResult> history_from_json(const std::string& text, const std::string& path) {
  std::vector<EpochResult> history;
  try {
    for (const auto& row : nlohmann::json::parse(text)) {
      EpochResult r;
      r.epoch = row.at("epoch").get<int64_t>();
      r.train_loss = row.at("train_loss").get<double>();
      r.first_batch_loss = row.at("first_batch_loss").get<double>();
      r.test_loss = row.at("test_loss").get<double>();
      r.test_psnr = row.at("test_psnr").get<double>();
      r.seconds = row.at("seconds").get<double>();
      r.images_per_second = row.at("images_per_s").get<double>();
      history.push_back(r);
    }
  } catch (const nlohmann::json::exception& e) {
    DAE_THROW(path << ": the training history in the metadata is not valid: " << e.what());
  }
  return history;
}

const safetensors::Entry& require(const safetensors::Dict& state, const std::string& name,
                                  const std::string& path) {
  const auto found = state.find(name);
  DAE_CHECK(found != state.end(), path << ": checkpoint has training state but no '" << name << "'");
  return found->second;
}

int64_t require_i64(const safetensors::Dict& state, const std::string& name, const std::string& path) {
  return safetensors::to_i64(require(state, name, path), name).at(0);
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
  model.load_state_dict(model_state, path);
  return read;
}

TrainingState trainer_state_of(const ReadCheckpoint& read, const std::string& path) {
  const safetensors::Dict& state = read.training_state;
  TrainingState trainer;
  trainer.epochs_done = require_i64(state, kTrainerPrefix + "epoch", path);
  const auto rng = safetensors::to_i64(require(state, kTrainerPrefix + "shuffle_rng", path), "trainer.shuffle_rng");
  DAE_CHECK(rng.size() == 2, path << ": trainer.shuffle_rng must hold 2 values, found " << rng.size());
  trainer.shuffle = Generator(static_cast<uint64_t>(rng[0]), static_cast<uint64_t>(rng[1]));
  trainer.noise_seed = static_cast<uint64_t>(require_i64(state, kTrainerPrefix + "noise_seed", path));
  if (const auto history = read.metadata.find("history"); history != read.metadata.end())
    trainer.history = history_from_json(history->second, path);
  return trainer;
}

}  // namespace

void save_weights(Autoencoder& model, const std::string& path) {
  safetensors::save(path, model.state_dict(), {{"format", kFormat}, {"model", model.name()}});
}

void save_checkpoint(TrainingRun& run, const std::string& path) {
  safetensors::Dict state = run.model().state_dict();
  Adam& adam = run.optimizer();
  const auto parameters = run.model().named_parameters();
  for (size_t i = 0; i < parameters.size(); ++i) {
    state[kOptimizerPrefix + "exp_avg." + parameters[i].first] = entry_of(adam.exp_avg(i));
    state[kOptimizerPrefix + "exp_avg_sq." + parameters[i].first] = entry_of(adam.exp_avg_sq(i));
  }
  const TrainingState trainer = run.state();
  const int64_t step = adam.step_count(), epoch = trainer.epochs_done;
  const int64_t rng[2] = {static_cast<int64_t>(trainer.shuffle.seed()), static_cast<int64_t>(trainer.shuffle.counter())};
  const int64_t noise_seed = static_cast<int64_t>(trainer.noise_seed);
  state[kOptimizerPrefix + "step"] = safetensors::make_i64({}, &step);
  state[kTrainerPrefix + "epoch"] = safetensors::make_i64({}, &epoch);
  state[kTrainerPrefix + "shuffle_rng"] = safetensors::make_i64({2}, rng);
  state[kTrainerPrefix + "noise_seed"] = safetensors::make_i64({}, &noise_seed);
  safetensors::save(path, state,
                    {{"format", kFormat}, {"model", run.model().name()}, {"history", history_json(trainer.history).dump()}});
}

bool load_checkpoint(TrainingRun& run, const std::string& path) {
  const ReadCheckpoint read = read_into_model(run.model(), path);
  if (read.training_state.empty()) return false;
  Adam& adam = run.optimizer();
  const auto parameters = run.model().named_parameters();
  for (size_t i = 0; i < parameters.size(); ++i) {
    for (const auto& [kind, target] : {std::pair{"exp_avg.", adam.exp_avg(i)}, std::pair{"exp_avg_sq.", adam.exp_avg_sq(i)}}) {
      const std::string name = kOptimizerPrefix + kind + parameters[i].first;
      const safetensors::Entry& entry = require(read.training_state, name, path);
      DAE_CHECK(Shape(entry.shape) == target.shape(),
                path << ": " << name << " has shape " << Shape(entry.shape) << ", expected " << target.shape());
      target.copy_from(Tensor::from_vector(target.shape(), safetensors::to_f32(entry, name)));
    }
  }
  adam.set_step_count(require_i64(read.training_state, kOptimizerPrefix + "step", path));
  run.restore(trainer_state_of(read, path));
  return true;
}

LoadedWeights load_weights(Autoencoder& model, const std::string& path) {
  const ReadCheckpoint read = read_into_model(model, path);
  LoadedWeights loaded;
  if (read.training_state.empty()) return loaded;
  const TrainingState trainer = trainer_state_of(read, path);
  loaded.had_training_state = true;
  loaded.epochs_done = trainer.epochs_done;
  loaded.history = trainer.history;
  return loaded;
}

}  // namespace dae
