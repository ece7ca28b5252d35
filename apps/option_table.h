// The table behind apps/options.h: every option with its value, description, the commands it
// applies to, how it is parsed and how it is written back. For options.cpp alone.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "apps/options.h"

namespace dae {

// The commands an option applies to, as bits.
constexpr unsigned kTrain = 1, kBench = 2, kCompare = 4, kEveryCommand = kTrain | kBench | kCompare;

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

// In the order of --help.
const std::vector<OptionSpec>& option_specs();

// Throws UsageError(message), with the pointer to --help.
[[noreturn]] void usage_error(const std::string& message);

// `text` if it is one of `choices`, else a UsageError naming `flag` and the closest choice.
std::string parse_choice(const std::string& flag, const std::string& text, const std::vector<std::string>& choices);

}  // namespace dae
