#include "apps/checkpoint.h"

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
  const int64_t step = adam.step_count(), epoch = run.epochs_done();
  const int64_t rng[2] = {static_cast<int64_t>(run.shuffle_generator().seed()),
                          static_cast<int64_t>(run.shuffle_generator().counter())};
  state[kOptimizerPrefix + "step"] = safetensors::make_i64({}, &step);
  state[kTrainerPrefix + "epoch"] = safetensors::make_i64({}, &epoch);
  state[kTrainerPrefix + "shuffle_rng"] = safetensors::make_i64({2}, rng);
  const int64_t noise_seed = static_cast<int64_t>(run.config().seed);
  state[kTrainerPrefix + "noise_seed"] = safetensors::make_i64({}, &noise_seed);
  safetensors::save(path, state,
                    {{"format", kFormat},
                     {"model", run.model().name()},
                     {"history", history_json(run.history()).dump()}});
}

bool load_checkpoint(TrainingRun& run, const std::string& path) {
  safetensors::Metadata metadata;
  safetensors::Dict state = safetensors::load(path, &metadata);
  const auto model_name = metadata.find("model");
  DAE_CHECK(model_name == metadata.end() || model_name->second == run.model().name(),
            path << " holds a '" << model_name->second << "' model, not '" << run.model().name()
                 << "' (pass the checkpoint of the same model)");
  safetensors::Dict model_state, training_state;
  for (auto& [name, entry] : state) {
    const bool training = name.rfind(kOptimizerPrefix, 0) == 0 || name.rfind(kTrainerPrefix, 0) == 0;
    (training ? training_state : model_state).emplace(name, std::move(entry));
  }
  run.model().load_state_dict(model_state, path);
  if (training_state.empty()) return false;

  Adam& adam = run.optimizer();
  const auto parameters = run.model().named_parameters();
  for (size_t i = 0; i < parameters.size(); ++i) {
    for (const auto& [kind, target] : {std::pair{"exp_avg.", adam.exp_avg(i)}, std::pair{"exp_avg_sq.", adam.exp_avg_sq(i)}}) {
      const std::string name = kOptimizerPrefix + kind + parameters[i].first;
      const safetensors::Entry& entry = require(training_state, name, path);
      DAE_CHECK(Shape(entry.shape) == target.shape(),
                path << ": " << name << " has shape " << Shape(entry.shape) << ", expected " << target.shape());
      target.copy_from(Tensor::from_vector(target.shape(), safetensors::to_f32(entry, name)));
    }
  }
  adam.set_step_count(safetensors::to_i64(require(training_state, kOptimizerPrefix + "step", path), "optimizer.step").at(0));
  run.set_epochs_done(safetensors::to_i64(require(training_state, kTrainerPrefix + "epoch", path), "trainer.epoch").at(0));
  const auto rng = safetensors::to_i64(require(training_state, kTrainerPrefix + "shuffle_rng", path), "trainer.shuffle_rng");
  DAE_CHECK(rng.size() == 2, path << ": trainer.shuffle_rng must hold 2 values, found " << rng.size());
  run.shuffle_generator() = Generator(static_cast<uint64_t>(rng[0]), static_cast<uint64_t>(rng[1]));
  run.set_noise_seed(static_cast<uint64_t>(
      safetensors::to_i64(require(training_state, kTrainerPrefix + "noise_seed", path), "trainer.noise_seed").at(0)));
  if (const auto history = metadata.find("history"); history != metadata.end())
    run.history() = history_from_json(history->second, path);
  return true;
}

}  // namespace dae
