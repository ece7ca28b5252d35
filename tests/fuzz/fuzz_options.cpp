// Fuzz target: the command line (apps/options.h). The input is the argument list, arguments
// separated by NUL bytes (argv without the program name). Property: parse_options returns
// Options or throws UsageError (or dae::Error); nothing else may escape it.
#include <string>
#include <vector>

#include "apps/options.h"
#include "core/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> args(1);
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == '\0')
      args.emplace_back();
    else
      args.back() += static_cast<char>(data[i]);
  }
  if (size == 0) args.clear();
  try {
    dae::parse_options(args);
  } catch (const dae::UsageError&) {
  } catch (const dae::Error&) {
  }
  return 0;
}
