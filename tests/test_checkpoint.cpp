// Tests of checkpoints (apps/training/checkpoint.h, recipe.h, checkpoint_history.h). Resume
// is exact: 2 epochs straight, and 1 epoch + checkpoint + load + 1 epoch, end with bitwise the
// same weights and optimizer state. And a checkpoint is a file anyone can edit, so each
// hostile value below must be refused with a message naming the file and the entry, before it
// can overflow a counter, divide by zero in Adam's bias correction or train a model full of NaN.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
#include <memory>

#include <nlohmann/json.hpp>

#include "apps/training/checkpoint.h"
#include "core/random.h"
#include "core/safetensors.h"
#include "tests/run_helpers.h"
#include "tests/test_support.h"

namespace {

using dae::test::make_run;
using dae::test::small_config;
using dae::test::small_run;
using dae::test::TempDir;
namespace st = dae::safetensors;

// A file holding a checkpoint of `model` after `epochs` epochs, and its entries to edit.
struct SavedCheckpoint {
  std::string path;
  st::Dict state;
  st::Metadata metadata;
};

SavedCheckpoint saved_checkpoint(const TempDir& dir, const std::string& model, int epochs) {
  dae::TrainingRun run = small_run(model);
  run.train_epochs(epochs);
  SavedCheckpoint saved{dir.file(model + ".safetensors"), {}, {}};
  dae::save_checkpoint(run, saved.path);
  saved.state = st::load(saved.path, &saved.metadata);
  return saved;
}

st::Entry i64(std::vector<int64_t> shape, std::vector<int64_t> values) {
  return st::make_i64(std::move(shape), values.data());
}

// Sets element `index` of an F32 entry.
void set_f32(st::Entry& entry, size_t index, float value) {
  std::vector<float> values = st::to_f32(entry, "test");
  values.at(index) = value;
  entry = st::make_f32(entry.shape, values.data());
}

// Rewrites field `field` of history row `row`.
void set_history(st::Metadata& metadata, size_t row, const std::string& field, const nlohmann::json& value) {
  nlohmann::json history = nlohmann::json::parse(metadata.at("history"));
  history.at(row)[field] = value;
  metadata["history"] = history.dump();
}

}  // namespace

TEST_CASE("checkpoint: every hostile value is refused naming the file and the entry", "[checkpoint]") {
  TempDir dir;
  const SavedCheckpoint good = saved_checkpoint(dir, "linear", 2);
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  struct Case {
    const char* what;
    std::function<void(st::Dict&, st::Metadata&)> edit;
    std::vector<std::string> words;
  };
  const std::vector<Case> cases = {
      {"a negative epoch count",
       [](st::Dict& s, st::Metadata&) { s["trainer.epoch"] = i64({}, {-5}); },
       {"trainer.epoch = -5 is outside [0, 100000]"}},
      {"an epoch count that would overflow",
       [](st::Dict& s, st::Metadata&) { s["trainer.epoch"] = i64({}, {INT64_MAX}); },
       {"trainer.epoch = 9223372036854775807 is outside"}},
      {"an Adam step that would overflow",
       [](st::Dict& s, st::Metadata&) { s["optimizer.step"] = i64({}, {INT64_MAX}); },
       {"optimizer.step = 9223372036854775807 is outside"}},
      {"a negative Adam step (bias correction 1 - beta^t = 0)",
       [](st::Dict& s, st::Metadata&) { s["optimizer.step"] = i64({}, {-1}); },
       {"optimizer.step = -1 is outside"}},
      {"a step of shape [0]",
       [](st::Dict& s, st::Metadata&) { s["optimizer.step"] = i64({0}, {}); },
       {"optimizer.step has shape [0], expected []"}},
      {"a generator state of 3 values",
       [](st::Dict& s, st::Metadata&) {
         s["trainer.shuffle_rng"] = i64({3}, {1, 2, 3});
       },
       {"trainer.shuffle_rng has shape [3], expected [2]"}},
      {"a missing entry",
       [](st::Dict& s, st::Metadata&) { s.erase("trainer.noise_seed"); },
       {"no 'trainer.noise_seed'"}},
      {"an unknown training-state entry",
       [](st::Dict& s, st::Metadata&) { s["trainer.extra"] = i64({}, {1}); },
       {"unexpected training-state entry 'trainer.extra'"}},
      {"an unknown optimizer entry",
       [](st::Dict& s, st::Metadata&) { s["optimizer.exp_avg.decoder.nothing"] = i64({}, {1}); },
       {"unexpected training-state entry 'optimizer.exp_avg.decoder.nothing'"}},
      {"an infinite bias",
       [&](st::Dict& s, st::Metadata&) { set_f32(s.at("encoder.bias"), 3, inf); },
       {"encoder.bias holds inf at element 3"}},
      {"a NaN first moment",
       [&](st::Dict& s, st::Metadata&) { set_f32(s.at("optimizer.exp_avg.decoder.weight"), 0, nan); },
       {"optimizer.exp_avg.decoder.weight holds nan at element 0"}},
      {"a negative second moment",
       [&](st::Dict& s, st::Metadata&) { set_f32(s.at("optimizer.exp_avg_sq.encoder.weight"), 7, -1); },
       {"optimizer.exp_avg_sq.encoder.weight holds -1 at element 7", "non-negative"}},
      {"a history epoch of 1e300",
       [](st::Dict&, st::Metadata& m) { set_history(m, 0, "epoch", 1e300); },
       {"history row 0, 'epoch' = 1e+300 is outside"}},
      {"a NaN test loss written as null",
       [](st::Dict&, st::Metadata& m) { set_history(m, 1, "test_loss", nullptr); },
       {"history row 1, 'test_loss': expected a number, found null"}},
      {"a negative train loss",
       [](st::Dict&, st::Metadata& m) { set_history(m, 0, "train_loss", -0.5); },
       {"'train_loss' = -0.5 is outside"}},
      {"epochs out of order",
       [](st::Dict&, st::Metadata& m) { set_history(m, 1, "epoch", 1); },
       {"history row 1 is epoch 1, expected 2"}},
      {"a history shorter than the epoch count",
       [](st::Dict& s, st::Metadata&) { s["trainer.epoch"] = i64({}, {3}); },
       {"the training history has 2 epochs, trainer.epoch says 3"}},
      {"another format",
       [](st::Dict&, st::Metadata& m) { m["format"] = "mnist-dae checkpoint 99"; },
       {"format 'mnist-dae checkpoint 99'"}},
      {"a damaged recipe",
       [](st::Dict&, st::Metadata& m) { m["recipe"] = "{\"model\": 3}"; },
       {"the recipe in the metadata is not valid"}},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    st::Dict state = good.state;
    st::Metadata metadata = good.metadata;
    c.edit(state, metadata);
    const std::string path = dir.file("edited.safetensors");
    st::save(path, state, metadata);
    dae::TrainingRun run = small_run("linear");
    std::vector<std::string> words = c.words;
    words.push_back(path);
    try {
      dae::load_checkpoint(run, path);
      FAIL("loaded without an error");
    } catch (const dae::Error& e) {
      const std::string message = e.what();
      for (const auto& word : words) CHECK_THAT(message, Catch::Contains(word));
    }
  }
  // The unedited file loads, and resumes where it stopped.
  dae::TrainingRun run = small_run("linear");
  CHECK(dae::load_checkpoint(run, good.path).had_training_state);
  CHECK(run.epochs_done() == 2);
}

TEST_CASE("checkpoint: a negative BatchNorm running variance is refused", "[checkpoint]") {
  TempDir dir;
  SavedCheckpoint saved = saved_checkpoint(dir, "conv", 1);
  set_f32(saved.state.at("encoder.layer1.2.running_var"), 5, -0.25f);
  st::save(saved.path, saved.state, saved.metadata);
  dae::TrainingRun run = small_run("conv");
  REQUIRE_ERROR(dae::load_checkpoint(run, saved.path), "encoder.layer1.2.running_var holds -0.25 at element 5");
}

// Found by fuzz_checkpoint: from large but finite weights one epoch can overflow a running
// variance to inf while the losses stay finite (eval-mode BatchNorm divides by it), and the
// checkpoint written then could not be loaded back.
TEST_CASE("checkpoint: a state that is not finite is never written, the previous file stays", "[checkpoint]") {
  TempDir dir;
  dae::TrainingRun run = small_run("conv");
  run.train_epochs(1);
  const std::string path = dir.file("conv.safetensors"), weights = dir.file("weights.safetensors");
  dae::save_checkpoint(run, path);
  const std::string before = dae::test::read_file(path);
  for (auto& [name, buffer] : run.model().named_buffers()) {
    if (name != "encoder.layer1.2.running_var") continue;
    std::vector<float> values = buffer.to_vector();
    values.at(3) = std::numeric_limits<float>::infinity();
    buffer.copy_from(dae::Tensor::from_vector(buffer.shape(), values));
  }
  REQUIRE_ERROR(dae::save_checkpoint(run, path),
                "not writing " + path + ": encoder.layer1.2.running_var holds inf at element 3");
  CHECK(dae::test::read_file(path) == before);
  REQUIRE_ERROR(dae::save_weights(run.model(), weights), "encoder.layer1.2.running_var holds inf");
  CHECK_FALSE(std::filesystem::exists(weights));
  dae::TrainingRun reloaded = small_run("conv");
  CHECK(dae::load_checkpoint(reloaded, path).had_training_state);
}

TEST_CASE("checkpoint: the recipe is recorded, and its differences are listed", "[checkpoint]") {
  TempDir dir;
  const SavedCheckpoint saved = saved_checkpoint(dir, "mlp", 1);
  dae::TrainingRun other = small_run("mlp", 2e-3);
  const dae::CheckpointContents contents = dae::load_checkpoint(other, saved.path);
  REQUIRE(contents.recipe.has_value());
  CHECK(contents.recipe->lr == 1e-3);
  CHECK(contents.recipe->train_images == 16);
  CHECK(contents.recipe->test_images == 8);
  CHECK(dae::recipe_differences(*contents.recipe, dae::recipe_of(other)) ==
        std::vector<std::string>{"lr: 0.001 in the checkpoint, 0.002 now"});
  CHECK(dae::recipe_differences(*contents.recipe, *contents.recipe).empty());
  // A weights-only file records no recipe and no training state.
  dae::save_weights(other.model(), dir.file("weights.safetensors"));
  const dae::CheckpointContents weights = dae::load_checkpoint(other, dir.file("weights.safetensors"));
  CHECK_FALSE(weights.had_training_state);
  CHECK_FALSE(weights.recipe.has_value());
}

TEST_CASE("resume is exact: 2 epochs equal 1 epoch, checkpoint, load, 1 epoch", "[checkpoint][dataset]") {
  const std::string model = GENERATE(std::string("mlp"), std::string("conv"));
  dae::TrainingConfig config = small_config(model);
  const int64_t train_limit = model == "conv" ? 24 : 256, test_limit = 16;
  if (model == "conv") config.batch_size = 8;  // keeps the CPU run short; BatchNorm buffers and counters included
  TempDir dir;

  dae::TrainingRun straight = make_run(config, train_limit, test_limit);
  straight.train_epoch({});
  straight.train_epoch({});

  {
    dae::TrainingRun first_half = make_run(config, train_limit, test_limit);
    first_half.train_epoch({});
    dae::save_checkpoint(first_half, dir.file("half.safetensors"));
  }
  dae::TrainingConfig other_seed = config;
  other_seed.seed = 99;  // weights, shuffle and noise must all come from the checkpoint, not the seed
  dae::TrainingRun resumed = make_run(other_seed, train_limit, test_limit);
  REQUIRE(dae::load_checkpoint(resumed, dir.file("half.safetensors")).had_training_state);
  resumed.train_epoch({});

  dae::save_checkpoint(straight, dir.file("straight.safetensors"));
  dae::save_checkpoint(resumed, dir.file("resumed.safetensors"));
  const auto a = dae::safetensors::load(dir.file("straight.safetensors"));
  const auto b = dae::safetensors::load(dir.file("resumed.safetensors"));
  REQUIRE(a.size() == b.size());
  for (const auto& [name, entry] : a) {
    INFO(name);
    REQUIRE(b.count(name) == 1);
    const bool bitwise_equal = entry.bytes == b.at(name).bytes;  // (not CHECKed directly: Catch would print megabytes)
    CHECK(bitwise_equal);
  }
  CHECK(resumed.epochs_done() == 2);
  CHECK(resumed.history().size() == 2);
}

TEST_CASE("loading a checkpoint of another model fails naming the file and the model", "[checkpoint][dataset]") {
  TempDir dir;
  dae::TrainingRun linear = make_run(small_config("linear"), 64, 16);
  dae::save_checkpoint(linear, dir.file("linear.safetensors"));
  dae::save_weights(linear.model(), dir.file("linear-weights.safetensors"));
  dae::TrainingRun mlp = make_run(small_config("mlp"), 64, 16);
  REQUIRE_ERROR(dae::load_checkpoint(mlp, dir.file("linear.safetensors")), "linear.safetensors",
                "holds a 'linear' model, not 'mlp'");

  // Without the metadata, the strict load names what is missing and what is unexpected.
  auto state = dae::safetensors::load(dir.file("linear-weights.safetensors"));
  dae::safetensors::save(dir.file("anonymous.safetensors"), state);
  REQUIRE_ERROR(dae::load_checkpoint(mlp, dir.file("anonymous.safetensors")), "anonymous.safetensors", "missing (8)",
                "encoder.0.weight", "unexpected (4)", "encoder.weight");

  // A mis-shaped tensor is named with both shapes.
  std::vector<float> zeros(128 * 785, 0.0f);
  state["encoder.weight"] = dae::safetensors::make_f32({128, 785}, zeros.data());
  dae::safetensors::save(dir.file("misshaped.safetensors"), state);
  REQUIRE_ERROR(dae::load_checkpoint(linear, dir.file("misshaped.safetensors")), "encoder.weight",
                "expected F32 [128, 784], found F32 [128, 785]");
}
