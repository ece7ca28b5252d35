// `mnist_dae <linear|mlp|conv|all>`: trains, evaluates and draws one model after another, and
// for `all` ends with a comparison table. Prints the resolved settings first, one line per
// epoch, and a summary; writes the outputs listed in run_outputs.h and checkpoint.h.
#pragma once

#include "apps/options.h"

namespace dae {

// Returns the process exit code; throws dae::Error for failures the caller reports.
int run_train_command(const Options& options);

}  // namespace dae
