// mnist_dae: the command-line program. Parses the options and hands over to the command;
// turns every failure into one message and an exit code: 2 for usage errors, 1 for the rest.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "apps/bench_command.h"
#include "apps/compare_command.h"
#include "apps/options.h"
#include "apps/train_command.h"
#include "core/device.h"

int main(int argc, char** argv) {
  try {
    const dae::Options options = dae::parse_options(std::vector<std::string>(argv + 1, argv + argc));
    if (options.help) {
      std::fputs(dae::usage_text().c_str(), stdout);
      return 0;
    }
    if (options.version) {
      std::printf("mnist_dae 0.1 (CUDA backend: %s)\n", dae::cuda_build_description().c_str());
      return 0;
    }
    if (options.command == "bench") return dae::run_bench_command(options);
    if (options.command == "compare") return dae::run_compare_command(options);
    return dae::run_train_command(options);
  } catch (const dae::UsageError& e) {
    std::fprintf(stderr, "mnist_dae: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mnist_dae: error: %s\n", e.what());
    return 1;
  }
}
