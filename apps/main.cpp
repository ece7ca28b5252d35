// mnist_dae: the command-line program. Parses the options and hands over to the command;
// turns every failure into one message and an exit code: 2 for usage errors, 1 for the rest,
// 130 or 143 when Ctrl-C or SIGTERM stopped training (the command has said where it stopped).
#include <cstdio>
#include <exception>
#include <filesystem>
#include <new>
#include <string>
#include <vector>

#include "apps/bench_command.h"
#include "apps/compare_command.h"
#include "apps/interrupt.h"
#include "apps/options.h"
#include "apps/train_command.h"
#include "apps/training/training_run.h"
#include "core/device.h"
#include "core/error.h"

int main(int argc, char** argv) {
  try {
    const dae::Options options = dae::parse_options(std::vector<std::string>(argv + 1, argv + argc));
    if (options.help) {
      std::fputs(dae::usage_text(options.command).c_str(), stdout);
      return 0;
    }
    if (options.version) {
      std::printf("mnist_dae 0.1 (CUDA backend: %s)\n", dae::cuda_build_description().c_str());
      return 0;
    }
    if (options.command == "bench") return dae::run_bench_command(options);
    if (options.command == "compare") return dae::run_compare_command(options);
    return dae::run_train_command(options);
  } catch (const dae::TrainingStopped&) {
    return dae::interrupted_exit_code();
  } catch (const dae::UsageError& e) {
    std::fprintf(stderr, "mnist_dae: %s\n", e.what());
    return 2;
  } catch (const dae::Error& e) {
    std::fprintf(stderr, "mnist_dae: error: %s\n", e.what());
    return 1;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "mnist_dae: error: out of memory (try a smaller --batch-size or --train-limit)\n");
    return 1;
  } catch (const std::filesystem::filesystem_error& e) {
    std::fprintf(stderr, "mnist_dae: error: %s: %s\n", e.path1().c_str(), e.code().message().c_str());
    return 1;
  } catch (const std::exception& e) {
    // Every expected failure is a dae::Error with a sentence of its own; anything else is a bug.
    std::fprintf(stderr, "mnist_dae: internal error: %s (a bug: please report it with the command line)\n", e.what());
    return 1;
  }
}
