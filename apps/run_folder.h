// The output folder of one model's training run (runs/<model> by default) or of a comparison,
// claimed before any time is spent: locked against a second mnist_dae, and never overwritten silently. A folder
// that already holds a run is taken only to continue it (--load of its own checkpoint) or
// with --overwrite, which first removes that run's files so nothing of it is mixed in.
#pragma once

#include <memory>
#include <string>

#include "apps/options.h"
#include "apps/report/output_dir.h"

namespace dae {

struct RunFolder {
  std::string dir;
  std::string checkpoint;  // dir/<model>.safetensors
  std::unique_ptr<OutputDirLock> lock;
};

// Throws, saying how to continue or start over, when the folder holds a run `options` would
// replace.
RunFolder claim_run_folder(const Options& options, const std::string& model);

// The same for `mnist_dae compare`'s folder (--out, default reports/compare): a report or
// checkpoints already there are replaced only with --overwrite. Returns the folder's lock.
std::unique_ptr<OutputDirLock> claim_report_folder(const Options& options, const std::string& dir);

}  // namespace dae
