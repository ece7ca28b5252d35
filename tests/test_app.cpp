// Tests of the mnist_dae program: option parsing and the exit codes and messages of bad input
// (through the real binary), a short training run on real MNIST whose loss falls, the files a
// run writes, and the exact-resume property: 2 epochs straight, and 1 epoch + checkpoint +
// load + 1 epoch, end with bitwise the same weights and optimizer state.
#include <catch2/catch.hpp>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "apps/checkpoint.h"
#include "apps/options.h"
#include "apps/training_run.h"
#include "core/safetensors.h"
#include "tests/test_support.h"

namespace {

using dae::test::TempDir;

struct ProcessResult {
  int exit_code;
  std::string output;  // stdout and stderr together
};

ProcessResult run_program(const std::string& arguments) {
  const std::string command = std::string(DAE_MNIST_DAE_BINARY) + " " + arguments + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

bool have_mnist() { return std::filesystem::exists(std::string(DAE_MNIST_DIR) + "/t10k-labels-idx1-ubyte.gz"); }

const dae::MnistData& mnist() {
  static const dae::MnistData data = dae::load_mnist(DAE_MNIST_DIR);
  return data;
}

dae::TrainingConfig small_config(const std::string& model) {
  dae::TrainingConfig config;
  config.model = model;
  config.batch_size = 32;
  config.seed = 7;
  config.lr = 1e-3;
  return config;
}

}  // namespace

TEST_CASE("options: the study's defaults, and every option parsed", "[app][options]") {
  const dae::Options defaults = dae::parse_options({"conv"});
  CHECK(defaults.model == "conv");
  CHECK(defaults.epochs == 10);
  CHECK(defaults.batch_size == 256);
  CHECK(defaults.lr == 2e-4);
  CHECK(defaults.noise_std == 0.1);
  CHECK(defaults.seed == 0);
  CHECK(defaults.shuffle);
  CHECK(defaults.target == dae::Target::Clean);
  CHECK(dae::output_dir_for(defaults, "conv") == "runs/conv");

  const dae::Options o = dae::parse_options(
      {"--epochs", "3", "mlp", "--batch-size", "64", "--lr", "1e-3", "--noise-std", "0.3", "--seed", "5",
       "--device", "cpu", "--threads", "1", "--train-limit", "100", "--test-limit", "50", "--target",
       "noisy", "--no-shuffle", "--log-every", "2", "--out", "x", "--data", "d", "--tf32"});
  CHECK(o.model == "mlp");
  CHECK(o.epochs == 3);
  CHECK(o.batch_size == 64);
  CHECK(o.lr == 1e-3);
  CHECK(o.noise_std == 0.3);
  CHECK(o.seed == 5);
  CHECK(o.device == dae::DeviceChoice::CPU);
  CHECK(o.threads == 1);
  CHECK(o.train_limit == 100);
  CHECK(o.test_limit == 50);
  CHECK(o.target == dae::Target::Noisy);
  CHECK_FALSE(o.shuffle);
  CHECK(o.log_every == 2);
  CHECK(o.out_dir == "x");
  CHECK(o.data_dir == "d");
  CHECK(o.tf32);
  CHECK(dae::models_of(dae::parse_options({"all"})) == std::vector<std::string>{"linear", "mlp", "conv"});
  CHECK(dae::output_dir_for(dae::parse_options({"all"}), "mlp") == "runs/mlp");
}

TEST_CASE("options: bad values are usage errors naming the flag", "[app][options]") {
  using Args = std::vector<std::string>;
  const std::vector<std::pair<Args, std::string>> cases = {
      {{}, "missing the model"},
      {{"resnet"}, "expected one of linear|mlp|conv|all"},
      {{"conv", "--frobnicate"}, "unknown option '--frobnicate'"},
      {{"conv", "--batch-size", "0"}, "--batch-size: expected a value in [1, 60000], got 0"},
      {{"conv", "--batch-size"}, "--batch-size: missing value"},
      {{"conv", "--epochs", "3x"}, "--epochs: expected an integer, got '3x'"},
      {{"conv", "--seed", "18446744073709551616"},
       "--seed: expected a value in [0, 9223372036854775807], got 18446744073709551616"},
      {{"conv", "--lr", "-1e-3"}, "--lr: expected a value in (0, 10], got -1e-3"},
      {{"conv", "--lr", "nan"}, "--lr: expected a finite number, got nan"},
      {{"conv", "--noise-std", "inf"}, "--noise-std: expected a finite number"},
      {{"conv", "--device", "tpu"}, "--device: expected one of auto|cpu|cuda, got 'tpu'"},
      {{"conv", "--target", "x"}, "--target: expected one of clean|noisy"},
      {{"conv", "mlp"}, "unexpected argument 'mlp'"},
      {{"all", "--load", "x.safetensors"}, "--load and --save name one model's file"},
  };
  for (const auto& [args, message] : cases) {
    INFO("arguments: " << Catch::Detail::stringify(args));
    REQUIRE_THROWS_WITH(dae::parse_options(args), Catch::Contains(message));
  }
}

TEST_CASE("mnist_dae: exit codes and messages of bad input", "[app][cli]") {
  SECTION("--help lists every option with its default and exits 0") {
    const ProcessResult r = run_program("--help");
    CHECK(r.exit_code == 0);
    for (const char* flag : {"--data", "--out", "--epochs", "--batch-size", "--lr", "--noise-std", "--seed",
                             "--device", "--threads", "--train-limit", "--test-limit", "--target",
                             "--no-shuffle", "--log-every", "--load", "--save", "--tf32", "--cuda-graph",
                             "--steps"})
      CHECK_THAT(r.output, Catch::Contains(flag));
    CHECK_THAT(r.output, Catch::Contains("default 2e-4"));
  }
  SECTION("usage errors exit 2 with one message") {
    for (const char* args : {"", "resnet", "conv --batch-size 0", "conv --lr -1", "conv --lr nan", "conv --bogus"}) {
      INFO(args);
      const ProcessResult r = run_program(args);
      CHECK(r.exit_code == 2);
      CHECK_THAT(r.output, Catch::StartsWith("mnist_dae: "));
    }
  }
  SECTION("a missing data directory exits 1 naming the file and what to do") {
    TempDir dir;
    const ProcessResult r = run_program("linear --device cpu --data " + dir.file("nowhere") + " --out " + dir.file("out"));
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.output, Catch::Contains("train-images-idx3-ubyte") && Catch::Contains("fetch_mnist.sh"));
  }
  SECTION("an output directory that cannot be created exits 1 naming it") {
    TempDir dir;
    std::ofstream(dir.file("a-file")) << "x";
    const ProcessResult r = run_program("linear --device cpu --data " + std::string(DAE_MNIST_DIR) +
                                        " --out " + dir.file("a-file/sub"));
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.output, Catch::Contains("cannot create the output directory") && Catch::Contains("a-file/sub"));
  }
  SECTION("--cuda-graph on the CPU exits 1 saying it needs the GPU") {
    const ProcessResult r = run_program("linear --device cpu --cuda-graph");
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.output, Catch::Contains("--cuda-graph") && Catch::Contains("uses the CPU"));
  }
  if (!dae::cuda_status().available) {
    SECTION("--device cuda without a usable GPU exits 1 saying why") {
      const ProcessResult r = run_program("linear --device cuda");
      CHECK(r.exit_code == 1);
      CHECK_THAT(r.output, Catch::Contains("--device cuda: no usable GPU"));
    }
  }
}

TEST_CASE("training on a few hundred MNIST images lowers the loss and writes every output", "[app][train]") {
  if (!have_mnist()) {
    WARN("MNIST not found in " DAE_MNIST_DIR "; skipping");
    return;
  }
  TempDir dir;
  const ProcessResult r = run_program("mlp --device cpu --epochs 3 --batch-size 32 --lr 1e-3 --train-limit 320 "
                                      "--test-limit 64 --log-every 5 --data " + std::string(DAE_MNIST_DIR) +
                                      " --out " + dir.path() + " --save " + dir.file("weights.safetensors"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(dir.names() == std::vector<std::string>{"epochs.csv", "mlp-loss.png", "mlp-reconstructions.png",
                                                "mlp.safetensors", "steps.csv", "weights.safetensors"});
  std::ifstream csv(dir.file("epochs.csv"));
  std::string header, line;
  std::getline(csv, header);
  CHECK(header == "epoch,train_loss,first_batch_loss,test_loss,test_psnr,seconds,images_per_s");
  std::vector<double> test_losses;
  while (std::getline(csv, line)) {
    std::vector<double> fields;
    std::stringstream row(line);
    for (std::string field; std::getline(row, field, ',');) fields.push_back(std::stod(field));
    REQUIRE(fields.size() == 7);
    test_losses.push_back(fields[3]);
  }
  REQUIRE(test_losses.size() == 3);
  CHECK(test_losses[2] < test_losses[0]);
  // steps.csv: 10 steps per epoch, logged every 5 -> steps 0 and 5 of each epoch.
  std::ifstream steps(dir.file("steps.csv"));
  int rows = 0;
  for (std::string l; std::getline(steps, l);) ++rows;
  CHECK(rows == 1 + 3 * 2);
  // The weights-only file holds the state_dict and nothing else.
  const auto weights = dae::safetensors::load(dir.file("weights.safetensors"));
  CHECK(weights.size() == 8);
  CHECK(weights.count("encoder.0.weight") == 1);
}

TEST_CASE("resume is exact: 2 epochs equal 1 epoch, checkpoint, load, 1 epoch", "[app][resume]") {
  if (!have_mnist()) {
    WARN("MNIST not found in " DAE_MNIST_DIR "; skipping");
    return;
  }
  const std::string model = GENERATE(std::string("mlp"), std::string("conv"));
  dae::TrainingConfig config = small_config(model);
  const int64_t train_limit = model == "conv" ? 24 : 256, test_limit = 16;
  if (model == "conv") config.batch_size = 8;  // keeps the CPU run short; BatchNorm buffers and counters included
  TempDir dir;

  dae::TrainingRun straight(config, mnist(), train_limit, test_limit, dae::Device::CPU);
  straight.train_epoch({});
  straight.train_epoch({});

  {
    dae::TrainingRun first_half(config, mnist(), train_limit, test_limit, dae::Device::CPU);
    first_half.train_epoch({});
    dae::save_checkpoint(first_half, dir.file("half.safetensors"));
  }
  dae::TrainingConfig other_seed = config;
  other_seed.seed = 99;  // weights, shuffle and noise must all come from the checkpoint, not the seed
  dae::TrainingRun resumed(other_seed, mnist(), train_limit, test_limit, dae::Device::CPU);
  REQUIRE(dae::load_checkpoint(resumed, dir.file("half.safetensors")));
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

TEST_CASE("loading a checkpoint of another model fails naming the file and the model", "[app][checkpoint]") {
  if (!have_mnist()) {
    WARN("MNIST not found in " DAE_MNIST_DIR "; skipping");
    return;
  }
  TempDir dir;
  dae::TrainingRun linear(small_config("linear"), mnist(), 64, 16, dae::Device::CPU);
  dae::save_checkpoint(linear, dir.file("linear.safetensors"));
  dae::save_weights(linear.model(), dir.file("linear-weights.safetensors"));
  dae::TrainingRun mlp(small_config("mlp"), mnist(), 64, 16, dae::Device::CPU);
  REQUIRE_ERROR(dae::load_checkpoint(mlp, dir.file("linear.safetensors")), "linear.safetensors",
                "holds a 'linear' model, not 'mlp'");

  // Without the metadata, the strict load names what is missing and what is unexpected.
  auto state = dae::safetensors::load(dir.file("linear-weights.safetensors"));
  dae::safetensors::save(dir.file("anonymous.safetensors"), state);
  REQUIRE_ERROR(dae::load_checkpoint(mlp, dir.file("anonymous.safetensors")), "anonymous.safetensors",
                "missing (8)", "encoder.0.weight", "unexpected (4)", "encoder.weight");

  // A mis-shaped tensor is named with both shapes.
  std::vector<float> zeros(128 * 785, 0.0f);
  state["encoder.weight"] = dae::safetensors::make_f32({128, 785}, zeros.data());
  dae::safetensors::save(dir.file("misshaped.safetensors"), state);
  REQUIRE_ERROR(dae::load_checkpoint(linear, dir.file("misshaped.safetensors")), "encoder.weight",
                "expected F32 [128, 784], found F32 [128, 785]");
}

TEST_CASE("a loss that turns NaN stops training with a clear message", "[app][train]") {
  if (!have_mnist()) {
    WARN("MNIST not found in " DAE_MNIST_DIR "; skipping");
    return;
  }
  dae::TrainingRun run(small_config("mlp"), mnist(), 64, 16, dae::Device::CPU);
  const dae::Tensor weight = run.model().named_parameters().front().second;
  std::vector<float> values = weight.to_vector();
  values[0] = std::numeric_limits<float>::quiet_NaN();
  weight.copy_from(dae::Tensor::from_vector(weight.shape(), values));
  REQUIRE_ERROR(run.train_epoch({}), "epoch 1", "training diverged");
  CHECK(run.epochs_done() == 0);
  CHECK(run.history().empty());
}
