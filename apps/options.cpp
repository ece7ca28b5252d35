#include "apps/options.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <sstream>

#include "apps/report/text_format.h"
#include "apps/training/training_run.h"

namespace dae {

namespace {

// The commands an option applies to, as bits.
constexpr unsigned kTrain = 1, kBench = 2, kCompare = 4, kEveryCommand = kTrain | kBench | kCompare;

const std::vector<std::string> kModelNames = {"linear", "mlp", "conv", "all"};

[[noreturn]] void usage_error(const std::string& message) {
  throw UsageError(message + "\n(run 'mnist_dae --help' for the options)");
}

// Edit distance (insertions, deletions, substitutions), for "did you mean".
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// " (did you mean --epochs?)" for the closest candidate within a third of the word's length
// (at least 2 edits), or for the one candidate it begins; else "".
std::string suggestion(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = std::max<size_t>(2, word.size() / 3) + 1;
  for (const auto& candidate : candidates) {
    const bool prefix = word.size() >= 3 && candidate.rfind(word, 0) == 0;
    const size_t distance = prefix ? 1 : edit_distance(word, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best.empty() ? "" : " (did you mean " + best + "?)";
}

int64_t parse_integer(const std::string& flag, const std::string& text, int64_t min, int64_t max) {
  errno = 0;
  char* end = nullptr;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (*end != '\0') usage_error(flag + ": expected an integer, got '" + text + "'");
  if (errno == ERANGE || value < min || value > max) {
    usage_error(flag + ": expected a value in [" + std::to_string(min) + ", " + std::to_string(max) +
                "], got " + text);
  }
  return value;
}

double parse_real(const std::string& flag, const std::string& text, double min, double max,
                  bool min_inclusive) {
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

std::string choice_list(const std::vector<std::string>& choices) {
  std::string list;
  for (const auto& choice : choices) list += (list.empty() ? "" : "|") + choice;
  return list;
}

std::string parse_choice(const std::string& flag, const std::string& text,
                         const std::vector<std::string>& choices) {
  if (std::find(choices.begin(), choices.end(), text) != choices.end()) return text;
  usage_error(flag + ": expected one of " + choice_list(choices) + ", got '" + text + "'" + suggestion(text, choices));
}

// A value as a shell word: quoted when it holds anything but letters, digits and _./:=+-.
std::string shell_word(const std::string& value) {
  if (!value.empty() && value.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=+-") ==
                            std::string::npos)
    return value;
  std::string quoted = "'";
  for (char c : value) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

struct OptionSpec {
  const char* flag;
  const char* value;        // nullptr for a switch
  const char* description;  // includes the default
  unsigned commands;        // where it applies: kTrain | kBench | kCompare
  std::function<void(Options&, const std::string&)> apply;
  // The option's value in `options` as the command line writes it; for a switch "" when it
  // is on, and "off" when it is not.
  std::function<std::string(const Options&)> show;
};

constexpr const char* kOff = "off";

OptionSpec integer_option(const char* flag, const char* description, unsigned commands, int64_t Options::*field,
                          int64_t min, int64_t max) {
  return {flag, "N", description, commands,
          [=](Options& o, const std::string& v) { o.*field = parse_integer(flag, v, min, max); },
          [=](const Options& o) { return std::to_string(o.*field); }};
}

OptionSpec real_option(const char* flag, const char* description, unsigned commands, double Options::*field,
                       double min, double max, bool min_inclusive) {
  return {flag, "X", description, commands,
          [=](Options& o, const std::string& v) { o.*field = parse_real(flag, v, min, max, min_inclusive); },
          [=](const Options& o) { return format_number(o.*field); }};
}

OptionSpec path_option(const char* flag, const char* value, const char* description, unsigned commands,
                       std::string Options::*field) {
  return {flag, value, description, commands, [=](Options& o, const std::string& v) { o.*field = v; },
          [=](const Options& o) { return o.*field; }};
}

OptionSpec switch_option(const char* flag, const char* description, unsigned commands, bool Options::*field,
                         bool when_given = true) {
  return {flag, nullptr, description, commands, [=](Options& o, const std::string&) { o.*field = when_given; },
          [=](const Options& o) { return o.*field == when_given ? std::string() : std::string(kOff); }};
}

const std::vector<OptionSpec>& option_specs() {
  static const std::vector<OptionSpec> specs = {
      path_option("--data", "DIR", "MNIST IDX files, raw or .gz (default data/mnist; scripts/fetch_mnist.sh fills it)",
                  kTrain | kCompare, &Options::data_dir),
      path_option("--out", "DIR", "output directory (default runs/<model>; for 'all', runs/; for 'compare', reports/compare)",
                  kTrain | kCompare, &Options::out_dir),
      integer_option("--epochs", "epochs to train; with --load, the total to reach counting the checkpoint's "
                     "epochs; 0 evaluates only (default 10)", kTrain | kCompare, &Options::epochs, 0, kMaxEpochs),
      integer_option("--batch-size", "training batch size (default 256)", kEveryCommand, &Options::batch_size, 1, 60000),
      real_option("--lr", "Adam learning rate (default 2e-4)", kEveryCommand, &Options::lr, 0.0, 10.0, false),
      real_option("--noise-std", "std of the Gaussian noise added to the input (default 0.1)", kEveryCommand,
                  &Options::noise_std, 0.0, 10.0, true),
      {"--seed", "N", "seed of the weights (as torch.manual_seed), the shuffles and the noise (default 0)", kEveryCommand,
       [](Options& o, const std::string& v) { o.seed = static_cast<uint64_t>(parse_integer("--seed", v, 0, INT64_MAX)); },
       [](const Options& o) { return std::to_string(o.seed); }},
      {"--device", "auto|cpu|cuda", "where to train; auto picks CUDA when a GPU answers (default auto)", kEveryCommand,
       [](Options& o, const std::string& v) {
         const std::string d = parse_choice("--device", v, {"auto", "cpu", "cuda"});
         for (DeviceChoice choice : {DeviceChoice::Auto, DeviceChoice::CPU, DeviceChoice::CUDA})
           if (d == device_choice_name(choice)) o.device = choice;
       },
       [](const Options& o) { return std::string(device_choice_name(o.device)); }},
      {"--threads", "N", "CPU threads for OpenMP and OpenBLAS (default: every core)", kEveryCommand,
       [](Options& o, const std::string& v) { o.threads = static_cast<int>(parse_integer("--threads", v, 1, 1024)); },
       [](const Options& o) { return std::to_string(o.threads); }},
      integer_option("--train-limit", "train on the first N training images (default all 60,000)", kTrain | kCompare,
                     &Options::train_limit, 1, 60000),
      integer_option("--test-limit", "evaluate on the first N test images (default all 10,000)", kTrain | kCompare,
                     &Options::test_limit, 1, 10000),
      {"--target", "clean|noisy", "what the output is compared with: clean = denoising (default); "
                                  "noisy = the study's printed objective", kEveryCommand,
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
      switch_option("--allow-recipe-change", "resume a checkpoint with a recipe other than the one it was trained "
                    "with (lr, batch size, ...)", kTrain, &Options::allow_recipe_change),
      switch_option("--tf32", "allow TF32 tensor-core math on the GPU (faster, ~1e-3 relative error)", kEveryCommand,
                    &Options::tf32),
      switch_option("--cuda-graph", "GPU: capture the training step once as a CUDA graph and replay it (fewer "
                    "launches)", kEveryCommand, &Options::cuda_graph),
      integer_option("--steps", "bench: timed training steps per repeat (default 20)", kBench, &Options::steps, 1, 100000),
      integer_option("--warmup", "bench: untimed steps before the first repeat (default 3)", kBench, &Options::warmup, 0,
                     100000),
      integer_option("--repeats", "bench: timed repeats; the median is reported (default 5)", kBench, &Options::repeats,
                     1, 1000),
      switch_option("--profile", "bench: one more pass with a table of time, FLOPs and bytes per op", kBench,
                    &Options::profile),
      path_option("--json", "FILE", "bench: also write the results to FILE as JSON", kBench, &Options::json_path),
      path_option("--load-dir", "DIR", "compare: load DIR/<model>/<model>.safetensors or DIR/<model>.safetensors, "
                  "no training", kCompare, &Options::load_dir),
      integer_option("--probe-train", "compare: training images of the linear probe and k-NN (default 10,000)", kCompare,
                     &Options::probe_train, 10, 60000),
      switch_option("--help", "show this help (also -h, or 'mnist_dae help')", kEveryCommand, &Options::help),
      switch_option("--version", "show the version and the backends built in", kEveryCommand, &Options::version),
  };
  return specs;
}

unsigned command_bit(const std::string& command) {
  return command == "bench" ? kBench : command == "compare" ? kCompare : kTrain;
}

std::string command_line_of(const std::string& command, const std::string& model) {
  if (command == "train") return "mnist_dae " + model;
  return "mnist_dae " + command + (model.empty() || command == "compare" ? "" : " " + model);
}

const OptionSpec* find_spec(const std::string& flag) {
  for (const auto& spec : option_specs())
    if (flag == spec.flag) return &spec;
  return nullptr;
}

std::vector<std::string> flags() {
  std::vector<std::string> names;
  for (const auto& spec : option_specs()) names.push_back(spec.flag);
  return names;
}

// Checks a value before it is parsed: an empty one, or one that is the next option.
void check_value(const std::string& flag, const char* value_name, const std::string& value, bool inline_value) {
  if (value.empty()) usage_error(flag + ": expected " + value_name + ", got an empty value");
  if (!inline_value && value.rfind("--", 0) == 0)
    usage_error(flag + ": missing value (" + value_name + ") before '" + value +
                "' (a value that starts with -- is written " + flag + "=VALUE)");
}

}  // namespace

std::string usage_text(const std::string& command) {
  std::ostringstream out;
  out << "usage: mnist_dae <linear|mlp|conv|all> [options]\n"
         "       mnist_dae bench <linear|mlp|conv|all> [options]\n"
         "       mnist_dae compare [options]\n"
         "       mnist_dae help\n\n"
         "Trains a denoising autoencoder on MNIST (input + N(0, noise-std) noise, MSE against\n"
         "the clean image, Adam), evaluates it, and writes curves, pictures and a checkpoint.\n"
         "'all' trains the three models in turn and writes a comparison table.\n"
         "'bench' times training steps on synthetic data (no data set needed) and prints\n"
         "images/s, ms per step and GFLOP/s over --repeats runs of --steps steps.\n"
         "'compare' trains the three models alike (or loads them with --load-dir), measures them\n"
         "on the test set and writes a report (default --out reports/compare): quality, noise\n"
         "robustness, a linear probe and k-NN on the codes, per-class errors and findings.\n"
         "Options are written --name VALUE or --name=VALUE.\n\n"
      << (command.empty() ? std::string("options:\n") : "options of '" + command_line_of(command, "") + "':\n");
  for (const auto& spec : option_specs()) {
    if (!command.empty() && !(spec.commands & command_bit(command))) continue;
    std::string head = std::string("  ") + spec.flag + (spec.value ? std::string(" ") + spec.value : "");
    if (head.size() < 26) head.resize(26, ' ');
    else head += "\n" + std::string(26, ' ');
    out << head << spec.description << "\n";
  }
  return out.str();
}

Options parse_options(const std::vector<std::string>& args) {
  Options options;
  std::vector<std::string> positional;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-h") {
      options.help = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0) {
      if (arg.size() > 1 && arg[0] == '-') usage_error("unknown option '" + arg + "'" + suggestion(arg, flags()));
      positional.push_back(arg);
      continue;
    }
    const size_t equals = arg.find('=');
    const std::string flag = arg.substr(0, equals);
    const OptionSpec* spec = find_spec(flag);
    if (!spec) usage_error("unknown option '" + flag + "'" + suggestion(flag, flags()));
    std::string value;
    if (spec->value) {
      const bool inline_value = equals != std::string::npos;
      if (!inline_value && i + 1 >= args.size()) usage_error(flag + ": missing value (" + spec->value + ")");
      value = inline_value ? arg.substr(equals + 1) : args[++i];
      check_value(flag, spec->value, value, inline_value);
    } else if (equals != std::string::npos) {
      usage_error(flag + " takes no value, got '" + arg + "'");
    }
    spec->apply(options, value);
    options.given.insert(flag);
  }
  if (!positional.empty() && positional[0] == "help") options.help = true;
  if (options.help || options.version) {
    for (const std::string& word : positional) {
      if (word == "bench" || word == "compare") options.command = word;
      if (options.command.empty() && std::count(kModelNames.begin(), kModelNames.end(), word)) options.command = "train";
    }
    return options;
  }

  for (const std::string& word : positional) {
    if (options.command.empty() && (word == "bench" || word == "compare")) {
      options.command = word;
    } else if (options.model.empty() && options.command != "compare") {
      options.model = parse_choice("model", word, kModelNames);
      if (options.command.empty()) options.command = "train";
    } else if (options.command == "compare") {
      usage_error("compare works on the three models: it takes no model name, got '" + word + "'");
    } else {
      usage_error("unexpected argument '" + word + "'");
    }
  }
  if (options.command.empty() && options.model.empty()) usage_error("missing the model: linear, mlp, conv or all");
  if (options.command == "compare") options.model = "all";
  if (options.model.empty()) usage_error("missing the model: linear, mlp, conv or all");

  for (const std::string& flag : options.given) {
    const unsigned commands = find_spec(flag)->commands;
    if (commands & command_bit(options.command)) continue;
    std::vector<std::string> where;
    if (commands & kTrain) where.push_back("'mnist_dae <model>'");
    if (commands & kBench) where.push_back("'bench'");
    if (commands & kCompare) where.push_back("'compare'");
    std::string list;
    for (const auto& w : where) list += (list.empty() ? "" : " and ") + w;
    usage_error(flag + " is for " + list + ", not for '" + command_line_of(options.command, options.model) + "'" +
                (flag == "--load-dir" ? "; to start one model from a checkpoint, use --load FILE" : ""));
  }
  if (!options.load_dir.empty() && options.given.count("--epochs"))
    usage_error("--load-dir evaluates the checkpoints as they are; to train them further, use "
                "'mnist_dae <model> --load FILE --epochs N'");
  if (options.model == "all" && (!options.load_path.empty() || !options.save_path.empty()))
    usage_error("--load and --save name one model's file: use them with linear, mlp or conv");
  return options;
}

std::string equivalent_command(const Options& options, bool every_setting) {
  const Options defaults;
  std::string command = command_line_of(options.command, options.model);
  for (const auto& spec : option_specs()) {
    if (!(spec.commands & command_bit(options.command)) || spec.flag == std::string("--help") ||
        spec.flag == std::string("--version"))
      continue;
    const std::string value = spec.show(options);
    if (!spec.value) {
      if (value.empty()) command += std::string(" ") + spec.flag;
    } else if (value != spec.show(defaults) || (every_setting && !value.empty() && value != "0")) {
      command += std::string(" ") + spec.flag + " " + shell_word(value);
    }
  }
  return command;
}

const char* device_choice_name(DeviceChoice choice) {
  switch (choice) {
    case DeviceChoice::CPU: return "cpu";
    case DeviceChoice::CUDA: return "cuda";
    case DeviceChoice::Auto: break;
  }
  return "auto";
}

std::vector<std::string> models_of(const Options& options) {
  if (options.model == "all") return {"linear", "mlp", "conv"};
  return {options.model};
}

std::string output_dir_for(const Options& options, const std::string& model) {
  if (options.model == "all") return (options.out_dir.empty() ? "runs" : options.out_dir) + "/" + model;
  return options.out_dir.empty() ? "runs/" + model : options.out_dir;
}

}  // namespace dae
