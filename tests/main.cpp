// Test main: Catch2 v2 with one addition, GPU tests that report "skipped" instead of
// "passed" on a machine without a GPU.
//
// Catch2 v2 has no skip, so the decision is made here, before any test runs:
// - every selected test is tagged [cuda] and no GPU answers: print why, return 77, which CTest
//   (SKIP_RETURN_CODE) shows as "Skipped";
// - some are [cuda]: they are deselected, and the run says how many were skipped;
// - DAE_REQUIRE_CUDA_TESTS=1 (set on a GPU machine): nothing is deselected, so a missing GPU
//   makes the [cuda] tests fail.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>
#include <vector>

#include "core/device.h"

namespace {

constexpr int kSkipReturnCode = 77;

bool is_cuda_test(const Catch::TestCase& test) {
  for (const auto& tag : test.tags)
    if (tag == "cuda") return true;
  return false;
}

bool cuda_tests_required() {
  const char* value = std::getenv("DAE_REQUIRE_CUDA_TESTS");
  return value && std::string(value) != "0";
}

// Appends "~[cuda]" to every comma-separated alternative of every test spec argument.
void exclude_cuda_tests(Catch::ConfigData& data) {
  if (data.testsOrTags.empty()) data.testsOrTags.push_back("*");
  for (auto& spec : data.testsOrTags) {
    std::string result, alternative;
    for (char c : spec + ",") {
      if (c != ',') { alternative += c; continue; }
      if (!result.empty()) result += ",";
      result += alternative + " ~[cuda]";
      alternative.clear();
    }
    spec = result;
  }
}

}  // namespace

int main(int argc, char* argv[]) {
  Catch::Session session;
  if (int rc = session.applyCommandLine(argc, argv); rc != 0) return rc;

  const auto& config = session.config();
  if (config.listTestNamesOnly() || config.listTests() || config.listTags() ||
      cuda_tests_required() || dae::cuda_status().available) {
    return session.run();
  }
  const auto selected = Catch::filterTests(Catch::getAllTestCasesSorted(config),
                                           config.testSpec(), config);
  size_t cuda_count = 0;
  for (const auto& test : selected) cuda_count += is_cuda_test(test);
  if (cuda_count == 0) return session.run();

  const std::string why = dae::cuda_status().reason;
  if (cuda_count == selected.size()) {
    Catch::cout() << "SKIPPED: " << cuda_count << " [cuda] test case(s): no usable GPU (" << why
                  << ")\n";
    return kSkipReturnCode;
  }
  Catch::cout() << "Skipping " << cuda_count << " [cuda] test case(s): no usable GPU (" << why
                << ")\n";
  exclude_cuda_tests(session.configData());
  session.useConfigData(session.configData());
  return session.run();
}
