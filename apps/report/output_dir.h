// The folder a run or a report writes into.
#pragma once

#include <string>

namespace dae {

// Creates the directory (and its parents) and checks that a file can be written there;
// throws naming it when either fails, so that no training time is spent before finding out.
void prepare_output_dir(const std::string& dir);

}  // namespace dae
