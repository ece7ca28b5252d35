// The findings of the comparison report: sentences computed from its numbers, written when the
// report is built. The headline (the report's first section) holds the unfavourable findings
// first, each only where it applies (a model worse than its own noisy input; a code that
// training made worse to classify from), then who denoises best and by how much, whether
// each beats its input, and the classifiers on each code against its untrained control and
// raw pixels (with whether the architecture or the training carries the best code's lead).
// The rest go with the evidence they sum up: costs under the results table, the noise sweep
// under its chart, the digits under their table.
#pragma once

#include <string>
#include <vector>

#include "apps/report/comparison_results.h"

namespace dae {

struct ComparisonFindings {
  std::vector<std::string> headline;
  std::vector<std::string> costs;   // FLOPs and training speed
  std::vector<std::string> noise;   // the sweep over the test noise
  std::vector<std::string> digits;  // the hardest and easiest digit
};

ComparisonFindings comparison_findings(const ComparisonResults& results);

}  // namespace dae
