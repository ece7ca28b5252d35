// Helpers shared by the test files: reading a file, a temporary directory, and a matcher for
// dae::Error messages. (The numeric references and gradient checks live in reference.h.)
#pragma once

#include <stdlib.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <string>
#include <vector>

#include "core/error.h"

namespace dae::test {

// The whole file as bytes ("" when it cannot be read).
inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A fresh directory under the system temp directory, removed with its contents.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "dae_test_XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string path() const { return path_.string(); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  // The names of the directory's entries, sorted.
  std::vector<std::string> names() const {
    std::vector<std::string> names;
    for (const auto& item : std::filesystem::directory_iterator(path_)) names.push_back(item.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  std::filesystem::path path_;
};

// Matches a dae::Error whose message contains every word. (REQUIRE_THROWS_WITH alone would
// not check the exception's type.) Catch prints the message itself when the match fails.
class Says : public Catch::MatcherBase<Error> {
 public:
  Says(std::initializer_list<std::string> words) : words_(words) {}
  bool match(const Error& error) const override {
    const std::string message = error.what();
    for (const auto& word : words_)
      if (message.find(word) == std::string::npos) return false;
    return true;
  }
  std::string describe() const override {
    std::string text = "is a dae::Error containing";
    for (const auto& word : words_) text += " \"" + word + "\"";
    return text;
  }

 private:
  std::vector<std::string> words_;
};

}  // namespace dae::test

#define REQUIRE_ERROR(expression, ...) \
  REQUIRE_THROWS_MATCHES(expression, ::dae::Error, ::dae::test::Says({__VA_ARGS__}))
