#include "apps/options.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <sstream>

namespace dae {

namespace {

[[noreturn]] void usage_error(const std::string& message) {
  throw UsageError(message + "\n(run 'mnist_dae --help' for the options)");
}

int64_t parse_integer(const std::string& flag, const std::string& text, int64_t min, int64_t max) {
  errno = 0;
  char* end = nullptr;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0') usage_error(flag + ": expected an integer, got '" + text + "'");
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
  if (text.empty() || *end != '\0') usage_error(flag + ": expected a number, got '" + text + "'");
  if (!std::isfinite(value)) usage_error(flag + ": expected a finite number, got " + text);
  if (value < min || (!min_inclusive && value == min) || value > max) {
    std::ostringstream range;
    range << (min_inclusive ? "[" : "(") << min << ", " << max << "]";
    usage_error(flag + ": expected a value in " + range.str() + ", got " + text);
  }
  return value;
}

std::string parse_choice(const std::string& flag, const std::string& text,
                         const std::vector<std::string>& choices) {
  for (const auto& choice : choices)
    if (text == choice) return text;
  std::string list;
  for (const auto& choice : choices) list += (list.empty() ? "" : "|") + choice;
  usage_error(flag + ": expected one of " + list + ", got '" + text + "'");
}

struct OptionSpec {
  const char* flag;
  const char* value;        // nullptr for a flag without a value
  const char* description;  // includes the default
  std::function<void(Options&, const std::string&)> apply;
};

const std::vector<OptionSpec>& option_specs() {
  static const std::vector<OptionSpec> specs = {
      {"--data", "DIR", "MNIST IDX files, raw or .gz (default data/mnist; scripts/fetch_mnist.sh fills it)",
       [](Options& o, const std::string& v) { o.data_dir = v; }},
      {"--out", "DIR", "output directory (default runs/<model>; for 'all', runs/; for 'compare', reports/compare)",
       [](Options& o, const std::string& v) { o.out_dir = v; }},
      {"--epochs", "N", "epochs to train in this run; 0 evaluates only (default 10)",
       [](Options& o, const std::string& v) { o.epochs = parse_integer("--epochs", v, 0, 100000); }},
      {"--batch-size", "N", "training batch size (default 256)",
       [](Options& o, const std::string& v) { o.batch_size = parse_integer("--batch-size", v, 1, 60000); }},
      {"--lr", "X", "Adam learning rate (default 2e-4)",
       [](Options& o, const std::string& v) { o.lr = parse_real("--lr", v, 0.0, 10.0, false); }},
      {"--noise-std", "X", "std of the Gaussian noise added to the input (default 0.1)",
       [](Options& o, const std::string& v) { o.noise_std = parse_real("--noise-std", v, 0.0, 10.0, true); }},
      {"--seed", "N", "seed of the weights (as torch.manual_seed), the shuffles and the noise (default 0)",
       [](Options& o, const std::string& v) {
         o.seed = static_cast<uint64_t>(parse_integer("--seed", v, 0, INT64_MAX));
       }},
      {"--device", "auto|cpu|cuda", "where to train; auto picks CUDA when a GPU answers (default auto)",
       [](Options& o, const std::string& v) {
         const std::string d = parse_choice("--device", v, {"auto", "cpu", "cuda"});
         for (DeviceChoice choice : {DeviceChoice::Auto, DeviceChoice::CPU, DeviceChoice::CUDA})
           if (d == device_choice_name(choice)) o.device = choice;
       }},
      {"--threads", "N", "CPU threads for OpenMP and OpenBLAS (default: every core)",
       [](Options& o, const std::string& v) { o.threads = static_cast<int>(parse_integer("--threads", v, 1, 1024)); }},
      {"--train-limit", "N", "train on the first N training images (default all 60,000)",
       [](Options& o, const std::string& v) { o.train_limit = parse_integer("--train-limit", v, 1, 60000); }},
      {"--test-limit", "N", "evaluate on the first N test images (default all 10,000)",
       [](Options& o, const std::string& v) { o.test_limit = parse_integer("--test-limit", v, 1, 10000); }},
      {"--target", "clean|noisy", "what the output is compared with: clean = denoising (default); "
                                  "noisy = the study's printed objective",
       [](Options& o, const std::string& v) {
         o.target = parse_choice("--target", v, {"clean", "noisy"}) == "noisy" ? Target::Noisy : Target::Clean;
       }},
      {"--no-shuffle", nullptr, "keep the training order fixed (default: a fresh shuffle every epoch)",
       [](Options& o, const std::string&) { o.shuffle = false; }},
      {"--log-every", "N", "log the loss every N steps to the screen and steps.csv (default 0: off)",
       [](Options& o, const std::string& v) { o.log_every = parse_integer("--log-every", v, 0, INT64_MAX); }},
      {"--load", "FILE", "start from a checkpoint: weights, and optimizer state when present",
       [](Options& o, const std::string& v) { o.load_path = v; }},
      {"--save", "FILE", "also write the final weights alone to FILE (loads into PyTorch as is)",
       [](Options& o, const std::string& v) { o.save_path = v; }},
      {"--tf32", nullptr, "allow TF32 tensor-core math on the GPU (faster, ~1e-3 relative error)",
       [](Options& o, const std::string&) { o.tf32 = true; }},
      {"--steps", "N", "bench: timed training steps per repeat (default 20)",
       [](Options& o, const std::string& v) { o.steps = parse_integer("--steps", v, 1, 1000000); }},
      {"--warmup", "N", "bench: untimed steps before the first repeat (default 3)",
       [](Options& o, const std::string& v) { o.warmup = parse_integer("--warmup", v, 0, 1000000); }},
      {"--repeats", "N", "bench: timed repeats; the median is reported (default 5)",
       [](Options& o, const std::string& v) { o.repeats = parse_integer("--repeats", v, 1, 1000); }},
      {"--profile", nullptr, "bench: one more pass with a table of time, FLOPs and bytes per op",
       [](Options& o, const std::string&) { o.profile = true; }},
      {"--json", "FILE", "bench: also write the results to FILE as JSON",
       [](Options& o, const std::string& v) { o.json_path = v; }},
      {"--load-dir", "DIR", "compare: load DIR/<model>/<model>.safetensors or DIR/<model>.safetensors, no training",
       [](Options& o, const std::string& v) { o.load_dir = v; }},
      {"--probe-train", "N", "compare: training images of the linear probe and k-NN (default 10,000, or --train-limit if smaller)",
       [](Options& o, const std::string& v) { o.probe_train = parse_integer("--probe-train", v, 10, 60000); }},
      {"--help", nullptr, "show this help", [](Options& o, const std::string&) { o.help = true; }},
      {"--version", nullptr, "show the version and the backends built in",
       [](Options& o, const std::string&) { o.version = true; }},
  };
  return specs;
}

}  // namespace

std::string usage_text() {
  std::ostringstream out;
  out << "usage: mnist_dae <linear|mlp|conv|all> [options]\n"
         "       mnist_dae bench <linear|mlp|conv|all> [options]\n"
         "       mnist_dae compare [options]\n\n"
         "Trains a denoising autoencoder on MNIST (input + N(0, noise-std) noise, MSE against\n"
         "the clean image, Adam), evaluates it, and writes curves, pictures and a checkpoint.\n"
         "'all' trains the three models in turn and writes a comparison table.\n"
         "'bench' times training steps on synthetic data (no data set needed) and prints\n"
         "images/s, ms per step and GFLOP/s: the median of --repeats runs of --steps steps.\n"
         "'compare' trains the three models alike (or loads them with --load-dir), measures them\n"
         "on the test set and writes a report (default --out reports/compare): quality, noise\n"
         "robustness, a linear probe and k-NN on the codes, per-class errors and findings.\n\noptions:\n";
  for (const auto& spec : option_specs()) {
    std::string head = std::string("  ") + spec.flag + (spec.value ? std::string(" ") + spec.value : "");
    if (head.size() < 26) head.resize(26, ' ');
    else head += "\n" + std::string(26, ' ');
    out << head << spec.description << "\n";
  }
  return out.str();
}

Options parse_options(const std::vector<std::string>& args) {
  Options options;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.rfind("--", 0) != 0) {
      if (options.command.empty() && (arg == "bench" || arg == "compare")) {
        options.command = arg;
      } else if (options.model.empty()) {
        options.model = parse_choice("model", arg, {"linear", "mlp", "conv", "all"});
        if (options.command.empty()) options.command = options.model;
      } else {
        usage_error("unexpected argument '" + arg + "'");
      }
      continue;
    }
    const OptionSpec* spec = nullptr;
    for (const auto& candidate : option_specs())
      if (arg == candidate.flag) spec = &candidate;
    if (!spec) usage_error("unknown option '" + arg + "'");
    if (spec->value && i + 1 >= args.size()) usage_error(arg + ": missing value (" + spec->value + ")");
    spec->apply(options, spec->value ? args[++i] : std::string());
  }
  if (options.help || options.version) return options;
  if (options.command == "compare") {
    if (!options.model.empty()) usage_error("compare works on the three models: it takes no model name");
    options.model = "all";
    if (!options.load_dir.empty() && std::find(args.begin(), args.end(), "--epochs") != args.end())
      usage_error("--load-dir evaluates the checkpoints as they are; to train them further, use "
                  "'mnist_dae <model> --load FILE --epochs N'");
  } else if (!options.load_dir.empty()) {
    usage_error("--load-dir is for 'compare'; to start one model from a checkpoint, use --load FILE");
  }
  if (options.model.empty()) usage_error("missing the model: linear, mlp, conv or all");
  if (options.model == "all" && (!options.load_path.empty() || !options.save_path.empty()))
    usage_error("--load and --save name one model's file: use them with linear, mlp or conv");
  return options;
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
