// Test main: Catch2 v2 with two additions.
//
// 1. Tests that need what a machine may lack report "skipped", never "passed". A tag names
//    the need: [cuda] a usable GPU, [dataset] the MNIST files in data/mnist (scripts/fetch_mnist.sh
//    puts them there). Catch2 v2 has no skip, so the decision is made here, before any test runs:
//    - every selected test needs something missing: print what and why, return 77, which CTest
//      (SKIP_RETURN_CODE) shows as "Skipped";
//    - some do: they are deselected, and the run says how many were skipped and why;
//    - DAE_REQUIRE_CUDA_TESTS=1 (set on a GPU machine) and DAE_REQUIRE_DATASET_TESTS=1 turn a
//      missing GPU or data set into failures instead.
// 2. `--list-for-ctest` prints each test case as "name<TAB>tag,tag" (tests/discover_tests.cmake
//    makes one CTest entry of each, labelled with its tags).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/device.h"

namespace {

constexpr int kSkipReturnCode = 77;

// A need some tests have, and how to tell whether this machine meets it.
struct Requirement {
  std::string tag;
  const char* require_variable;          // set to 1: a missing need fails the tests instead
  std::function<std::string()> missing;  // why it is missing, or empty when it is met
};

const std::vector<Requirement>& requirements() {
  static const std::vector<Requirement> list = {
      {"cuda", "DAE_REQUIRE_CUDA_TESTS",
       [] {
         return dae::cuda_status().available ? std::string() : "no usable GPU (" + dae::cuda_status().reason + ")";
       }},
      {"dataset", "DAE_REQUIRE_DATASET_TESTS",
       [] {
         const std::string file = std::string(DAE_MNIST_DIR) + "/t10k-labels-idx1-ubyte";  // raw or .gz
         return std::filesystem::exists(file) || std::filesystem::exists(file + ".gz")
                    ? std::string()
                    : "MNIST not in " DAE_MNIST_DIR " (run scripts/fetch_mnist.sh)";
       }},
  };
  return list;
}

bool variable_set(const char* name) {
  const char* value = std::getenv(name);
  return value && std::string(value) != "0";
}

bool has_tag(const Catch::TestCase& test, const std::string& tag) {
  for (const auto& t : test.tags)
    if (t == tag) return true;
  return false;
}

// Prepends "~[tag]" to every comma-separated alternative of every test spec argument (an
// escaped "\," belongs to a name). At the front, since "*conv* ~[cuda]" would be read as the
// name "*conv* ".
void exclude(Catch::ConfigData& data, const std::string& tag) {
  if (data.testsOrTags.empty()) data.testsOrTags.push_back("*");
  for (auto& spec : data.testsOrTags) {
    std::string result = "~[" + tag + "]";
    for (size_t i = 0; i < spec.size(); ++i) {
      result += spec[i];
      if (spec[i] == '\\' && i + 1 < spec.size()) {
        result += spec[++i];
      } else if (spec[i] == ',') {
        result += "~[" + tag + "]";
      }
    }
    spec = result;
  }
}

}  // namespace

int main(int argc, char* argv[]) {
  Catch::Session session;
  if (argc == 2 && std::strcmp(argv[1], "--list-for-ctest") == 0) {
    for (const auto& test : Catch::getAllTestCasesSorted(session.config())) {
      std::string tags;
      for (const auto& tag : test.tags) tags += (tags.empty() ? "" : ",") + tag;
      Catch::cout() << test.name << '\t' << tags << '\n';
    }
    return 0;
  }
  if (int rc = session.applyCommandLine(argc, argv); rc != 0) return rc;

  const auto& config = session.config();
  if (config.listTestNamesOnly() || config.listTests() || config.listTags()) return session.run();
  const auto selected = Catch::filterTests(Catch::getAllTestCasesSorted(config), config.testSpec(), config);

  std::vector<std::string> excluded;
  size_t skipped = 0;
  std::string why;
  for (const Requirement& need : requirements()) {
    if (variable_set(need.require_variable)) continue;
    size_t needing = 0;
    for (const auto& test : selected) needing += has_tag(test, need.tag);
    if (needing == 0) continue;
    const std::string missing = need.missing();
    if (missing.empty()) continue;
    excluded.push_back(need.tag);
    why += (why.empty() ? "" : "; ") + std::to_string(needing) + " [" + need.tag + "] test case(s): " + missing;
  }
  if (excluded.empty()) return session.run();
  for (const auto& test : selected) {
    bool needs_missing = false;
    for (const auto& tag : excluded) needs_missing = needs_missing || has_tag(test, tag);
    skipped += needs_missing;
  }
  if (skipped == selected.size()) {
    Catch::cout() << "SKIPPED: " << why << "\n";
    return kSkipReturnCode;
  }
  Catch::cout() << "Skipping " << skipped << " test case(s): " << why << "\n";
  for (const auto& tag : excluded) exclude(session.configData(), tag);
  session.useConfigData(session.configData());
  return session.run();
}
