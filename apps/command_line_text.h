// Words of a command line: the closest name to a misspelt one, and a value quoted as a POSIX
// shell reads it back.
#pragma once

#include <string>
#include <vector>

namespace dae {

// " (did you mean --epochs?)" for the closest candidate within a third of the word's length
// (at least 2 edits), or for the one candidate it begins; else "".
std::string suggestion(const std::string& word, const std::vector<std::string>& candidates);

// `value` as one shell word: quoted when it holds anything but letters, digits and _./:=+-.
std::string shell_word(const std::string& value);

}  // namespace dae
