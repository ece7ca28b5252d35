// The findings of the comparison report: sentences computed from its numbers, written when the
// report is built. The unfavourable ones come first, each only where it applies (a model
// worse than its own noisy input; a code that training made worse to classify from); then
// who denoises best and by how much, whether each beats its input, the classifiers on each
// code against its untrained control and raw pixels (and whether the architecture or the
// training carries the best code's lead), the noise sweep, the digits, the costs.
#pragma once

#include <string>
#include <vector>

#include "apps/report/comparison_results.h"

namespace dae {

std::vector<std::string> comparison_findings(const ComparisonResults& results);

}  // namespace dae
