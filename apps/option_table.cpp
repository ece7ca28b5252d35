#include "apps/option_table.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "apps/command_line_text.h"
#include "apps/report/text_format.h"
#include "apps/training/training_run.h"

namespace dae {

namespace {

int64_t parse_integer(const std::string& flag, const std::string& text, int64_t min, int64_t max) {
  errno = 0;
  char* end = nullptr;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (*end != '\0') usage_error(flag + ": expected an integer, got '" + text + "'");
  if (errno == ERANGE || value < min || value > max) {
    usage_error(flag + ": expected a value in [" + std::to_string(min) + ", " + std::to_string(max) + "], got " + text);
  }
  return value;
}

double parse_real(const std::string& flag, const std::string& text, double min, double max, bool min_inclusive) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (*end != '\0') usage_error(flag + ": expected a number, got '" + text + "'");
  if (!std::isfinite(value)) usage_error(flag + ": expected a finite number, got " + text);
  if (value < min || (!min_inclusive && value == min) || value > max) {
    std::ostringstream range;
    range << (min_inclusive ? "[" : "(") << min << ", " << max << "]";
    usage_error(flag + ": expected a value in " + range.str() + ", got " + text);
  }
  return value;
}

constexpr const char* kOff = "off";

OptionSpec integer_option(const char* flag, const char* description, unsigned commands, int64_t Options::*field,
                          int64_t min, int64_t max) {
  return {flag,
          "N",
          description,
          commands,
          [=](Options& o, const std::string& v) { o.*field = parse_integer(flag, v, min, max); },
          [=](const Options& o) { return std::to_string(o.*field); }};
}

OptionSpec real_option(const char* flag, const char* description, unsigned commands, double Options::*field, double min,
                       double max, bool min_inclusive) {
  return {flag,
          "X",
          description,
          commands,
          [=](Options& o, const std::string& v) { o.*field = parse_real(flag, v, min, max, min_inclusive); },
          [=](const Options& o) { return format_number(o.*field); }};
}

OptionSpec path_option(const char* flag, const char* value, const char* description, unsigned commands,
                       std::string Options::*field) {
  return {flag,
          value,
          description,
          commands,
          [=](Options& o, const std::string& v) { o.*field = v; },
          [=](const Options& o) { return o.*field; }};
}

OptionSpec switch_option(const char* flag, const char* description, unsigned commands, bool Options::*field,
                         bool when_given = true) {
  return {flag,
          nullptr,
          description,
          commands,
          [=](Options& o, const std::string&) { o.*field = when_given; },
          [=](const Options& o) { return o.*field == when_given ? std::string() : std::string(kOff); }};
}

std::string choice_list(const std::vector<std::string>& choices) {
  std::string list;
  for (const auto& choice : choices) list += (list.empty() ? "" : "|") + choice;
  return list;
}

}  // namespace

std::string parse_choice(const std::string& flag, const std::string& text, const std::vector<std::string>& choices) {
  if (std::find(choices.begin(), choices.end(), text) != choices.end()) return text;
  usage_error(flag + ": expected one of " + choice_list(choices) + ", got '" + text + "'" + suggestion(text, choices));
}

const std::vector<OptionSpec>& option_specs() {
  static const std::vector<OptionSpec> specs = {
      path_option("--data", "DIR", "MNIST IDX files, raw or .gz (default data/mnist; scripts/fetch_mnist.sh fills it)",
                  kTrain | kCompare, &Options::data_dir),
      path_option("--out", "DIR",
                  "output directory (default runs/<model>; for 'all', runs/; for 'compare', reports/compare)",
                  kTrain | kCompare, &Options::out_dir),
      integer_option("--epochs",
                     "epochs to train; with --load, the total to reach counting the checkpoint's "
                     "epochs; 0 evaluates only (default 10)",
                     kTrain | kCompare, &Options::epochs, 0, kMaxEpochs),
      integer_option("--batch-size", "training batch size (default 256)", kEveryCommand, &Options::batch_size, 1,
                     60000),
      real_option("--lr", "Adam learning rate (default 2e-4)", kEveryCommand, &Options::lr, 0.0, 10.0, false),
      real_option("--noise-std", "std of the Gaussian noise added to the input (default 0.1)", kEveryCommand,
                  &Options::noise_std, 0.0, 10.0, true),
      {"--seed", "N", "seed of the weights (as torch.manual_seed), the shuffles and the noise (default 0)",
       kEveryCommand,
       [](Options& o, const std::string& v) {
         o.seed = static_cast<uint64_t>(parse_integer("--seed", v, 0, INT64_MAX));
       },
       [](const Options& o) { return std::to_string(o.seed); }},
      {"--device", "auto|cpu|cuda", "where to train; auto picks CUDA when a GPU answers (default auto)", kEveryCommand,
       [](Options& o, const std::string& v) {
         const std::string d = parse_choice("--device", v, {"auto", "cpu", "cuda"});
         for (DeviceChoice choice : {DeviceChoice::Auto, DeviceChoice::CPU, DeviceChoice::CUDA})
           if (d == device_choice_name(choice)) o.device = choice;
       },
       [](const Options& o) { return std::string(device_choice_name(o.device)); }},
      {"--threads", "N", "CPU threads for the loops and matrix products (default: every core)", kEveryCommand,
       [](Options& o, const std::string& v) { o.threads = static_cast<int>(parse_integer("--threads", v, 1, 1024)); },
       [](const Options& o) { return std::to_string(o.threads); }},
      integer_option("--train-limit", "train on the first N training images (default all 60,000)", kTrain | kCompare,
                     &Options::train_limit, 1, 60000),
      integer_option("--test-limit", "evaluate on the first N test images (default all 10,000)", kTrain | kCompare,
                     &Options::test_limit, 1, 10000),
      {"--target", "clean|noisy",
       "what the output is compared with: clean = denoising (default); "
       "noisy = the study's printed objective",
       kEveryCommand,
       [](Options& o, const std::string& v) {
         o.target = parse_choice("--target", v, {"clean", "noisy"}) == "noisy" ? Target::Noisy : Target::Clean;
       },
       [](const Options& o) { return std::string(o.target == Target::Noisy ? "noisy" : "clean"); }},
      switch_option("--no-shuffle", "keep the training order fixed (default: a fresh shuffle every epoch)",
                    kTrain | kCompare, &Options::shuffle, false),
      integer_option("--log-every", "log the loss every N steps to the screen and steps.csv (default 0: off)",
                     kTrain | kCompare, &Options::log_every, 0, INT64_MAX),
      path_option("--load", "FILE", "start from a checkpoint: weights, and optimizer state when present", kTrain,
                  &Options::load_path),
      path_option("--save", "FILE", "also write the final weights alone to FILE (loads into PyTorch as is)", kTrain,
                  &Options::save_path),
      switch_option("--overwrite", "replace the run or report already in the output directory", kTrain | kCompare,
                    &Options::overwrite),
      switch_option("--allow-recipe-change",
                    "resume a checkpoint with a recipe other than the one it was trained "
                    "with (lr, batch size, ...)",
                    kTrain, &Options::allow_recipe_change),
      switch_option("--tf32", "allow TF32 tensor-core math on the GPU (faster, ~1e-3 relative error)", kEveryCommand,
                    &Options::tf32),
      switch_option("--cuda-graph",
                    "GPU: capture the training step once as a CUDA graph and replay it (fewer "
                    "launches)",
                    kEveryCommand, &Options::cuda_graph),
      integer_option("--steps", "bench: timed training steps per repeat (default 20)", kBench, &Options::steps, 1,
                     100000),
      integer_option("--warmup", "bench: untimed steps before the first repeat (default 3)", kBench, &Options::warmup,
                     0, 100000),
      integer_option("--repeats", "bench: timed repeats; the median is reported (default 5)", kBench, &Options::repeats,
                     1, 1000),
      switch_option("--profile", "bench: one more pass with a table of time, FLOPs and bytes per op", kBench,
                    &Options::profile),
      path_option("--json", "FILE", "bench: also write the results to FILE as JSON", kBench, &Options::json_path),
      path_option("--load-dir", "DIR",
                  "compare: load DIR/<model>/<model>.safetensors or DIR/<model>.safetensors, "
                  "no training",
                  kCompare, &Options::load_dir),
      integer_option(
          "--probe-train",
          "compare: training images of the linear probe and k-NN (default 10,000, or --train-limit if smaller)",
          kCompare, &Options::probe_train, 10, 60000),
      switch_option("--help", "show this help (also -h, or 'mnist_dae help')", kEveryCommand, &Options::help),
      switch_option("--version", "show the version and the backends built in", kEveryCommand, &Options::version),
  };
  return specs;
}

[[noreturn]] void usage_error(const std::string& message) {
  throw UsageError(message + "\n(run 'mnist_dae --help' for the options)");
}

}  // namespace dae
