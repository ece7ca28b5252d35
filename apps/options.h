// The command line of mnist_dae: every option, the commands it applies to, its default and
// its validation. Defaults are the study's recipe. Parsing never exits: bad input throws
// UsageError (exit code 2) with one message that names the flag, what it expects and what it
// got, and suggests the closest name for a misspelt option or model.
#pragma once

#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace dae {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class DeviceChoice { Auto, CPU, CUDA };
enum class Target { Clean, Noisy };

struct Options {
  std::string command;  // train | bench | compare ("train" for linear, mlp, conv, all)
  std::string model;    // linear | mlp | conv | all: what the command works on
  std::string data_dir = "data/mnist";
  std::string out_dir;  // default runs/<model>
  int64_t epochs = 10;  // with --load: the total to reach, counting the checkpoint's
  int64_t batch_size = 256;
  double lr = 2e-4;
  double noise_std = 0.1;
  uint64_t seed = 0;
  DeviceChoice device = DeviceChoice::Auto;
  int threads = 0;          // 0: every core
  int64_t train_limit = 0;  // 0: all 60,000
  int64_t test_limit = 0;   // 0: all 10,000
  Target target = Target::Clean;
  bool shuffle = true;
  int64_t log_every = 0;  // 0: no per-step log
  std::string load_path;
  std::string save_path;
  bool overwrite = false;            // replace a finished run in the output folder
  bool allow_recipe_change = false;  // resume a checkpoint with a different recipe
  bool tf32 = false;
  bool cuda_graph = false;  // replay each training step as one captured CUDA graph
  // bench only
  int64_t steps = 20;
  int64_t warmup = 3;
  int64_t repeats = 5;
  bool profile = false;
  std::string json_path;  // bench: also write the results as JSON
  // compare only
  std::string load_dir;     // evaluate the checkpoints found there instead of training
  int64_t probe_train = 0;  // training images of the linear probe and k-NN; 0: study_settings picks
  bool help = false;
  bool version = false;
  std::set<std::string> given;  // the flags the command line set, e.g. "--epochs"
};

Options parse_options(const std::vector<std::string>& args);
// The usage and every option with its default; for one command ("train", "bench", "compare")
// only the options that apply to it.
std::string usage_text(const std::string& command = "");

// A command line that parses back to `options` (the inverse of parse_options): the command,
// the model, then every option that differs from its default, in the order of --help. With
// `every_setting`, the options that have a value are written even at their default.
std::string equivalent_command(const Options& options, bool every_setting = false);

// "auto", "cpu", "cuda": the --device values.
const char* device_choice_name(DeviceChoice choice);

// The models a command works on: {"conv"} for "conv", all three for "all".
std::vector<std::string> models_of(const Options& options);
// --out, or runs/<model> by default.
std::string output_dir_for(const Options& options, const std::string& model);

}  // namespace dae
