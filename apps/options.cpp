#include "apps/options.h"

#include <algorithm>
#include <sstream>

#include "apps/command_line_text.h"
#include "apps/option_table.h"
#include "models/autoencoder.h"

namespace dae {

namespace {

const std::vector<std::string> kModelNames = {"linear", "mlp", "conv", "all"};

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

// The flags and their values, into `options`; the other words into `positional`.
void read_flags(const std::vector<std::string>& args, Options& options, std::vector<std::string>& positional) {
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
}

// The command and the model from the words that are not options.
void read_command(const std::vector<std::string>& positional, Options& options) {
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
  if (options.command == "compare") options.model = "all";
  if (options.model.empty()) usage_error("missing the model: linear, mlp, conv or all");
}

// Every option given applies to the command, and they make sense together.
void check_combination(const Options& options) {
  for (const std::string& flag : options.given) {
    const unsigned commands = find_spec(flag)->commands;
    if (commands & command_bit(options.command)) continue;
    std::string where;
    for (const auto& [bit, name] :
         {std::pair{kTrain, "'mnist_dae <model>'"}, {kBench, "'bench'"}, {kCompare, "'compare'"}})
      if (commands & bit) where += (where.empty() ? "" : " and ") + std::string(name);
    usage_error(flag + " is for " + where + ", not for '" + command_line_of(options.command, options.model) + "'" +
                (flag == "--load-dir" ? "; to start one model from a checkpoint, use --load FILE" : ""));
  }
  if (!options.load_dir.empty() && options.given.count("--epochs"))
    usage_error(
        "--load-dir evaluates the checkpoints as they are; to train them further, use "
        "'mnist_dae <model> --load FILE --epochs N'");
  if (options.model == "all" && (!options.load_path.empty() || !options.save_path.empty()))
    usage_error("--load and --save name one model's file: use them with linear, mlp or conv");
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
    if (head.size() < 26)
      head.resize(26, ' ');
    else
      head += "\n" + std::string(26, ' ');
    out << head << spec.description << "\n";
  }
  return out.str();
}

Options parse_options(const std::vector<std::string>& args) {
  Options options;
  std::vector<std::string> positional;
  read_flags(args, options, positional);
  if (!positional.empty() && positional[0] == "help") options.help = true;
  if (options.help || options.version) {  // the command only chooses which options to list
    for (const std::string& word : positional) {
      if (word == "bench" || word == "compare") options.command = word;
      if (options.command.empty() && std::count(kModelNames.begin(), kModelNames.end(), word))
        options.command = "train";
    }
    return options;
  }
  read_command(positional, options);
  check_combination(options);
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
  if (options.model == "all") return autoencoder_names();
  return {options.model};
}

std::string output_dir_for(const Options& options, const std::string& model) {
  if (options.model == "all") return (options.out_dir.empty() ? "runs" : options.out_dir) + "/" + model;
  return options.out_dir.empty() ? "runs/" + model : options.out_dir;
}

}  // namespace dae
