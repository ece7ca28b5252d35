// The training history a checkpoint keeps in its metadata ("history"): one JSON object per
// epoch with the fields of EpochResult. Read back, every row is checked, since a checkpoint is
// a file anyone can edit: numbers finite and in range, epochs 1, 2, ... in order.
#pragma once

#include <string>
#include <vector>

#include "apps/training/training_run.h"

namespace dae {

std::string history_json(const std::vector<EpochResult>& history);
// Throws, naming `origin`, the row and the field, when a row is missing a field or holds a
// value no run can have; `epochs_done` is the number of rows expected.
std::vector<EpochResult> history_from_json(const std::string& text, int64_t epochs_done, const std::string& origin);

}  // namespace dae
