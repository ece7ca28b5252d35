// The findings of the comparison report: sentences computed from its numbers (who wins what,
// by how much, against the noisy input and raw pixels), written when the report is built.
#pragma once

#include <string>
#include <vector>

#include "apps/report/comparison_results.h"

namespace dae {

std::vector<std::string> comparison_findings(const ComparisonResults& results);

}  // namespace dae
