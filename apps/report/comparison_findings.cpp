#include "apps/report/comparison_findings.h"

#include <cmath>
#include <numeric>

#include "apps/report/text_format.h"

namespace dae {

namespace {

template <typename Value>
std::vector<size_t> ranking(const std::vector<ModelComparison>& models, Value value, bool higher_is_better) {
  std::vector<size_t> order(models.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const double va = value(models[a]), vb = value(models[b]);
    if (std::isnan(va) || std::isnan(vb)) return !std::isnan(va) && std::isnan(vb);
    return higher_is_better ? va > vb : va < vb;
  });
  return order;
}

// "conv has the highest test PSNR, 24.31 dB, ahead of mlp by 3.12 dB and of linear by 4.50 dB"
template <typename Value, typename Show>
std::string winner_sentence(const std::vector<ModelComparison>& models, const std::string& measure, Value value,
                            Show show, const std::string& unit_of_difference, int decimals) {
  const std::vector<size_t> order = ranking(models, value, true);
  const ModelComparison& best = models[order[0]];
  std::vector<std::string> behind;
  for (size_t i = 1; i < order.size(); ++i)
    behind.push_back("of " + models[order[i]].name + " (" + show(value(models[order[i]])) + ") by " +
                     fixed(value(best) - value(models[order[i]]), decimals) + unit_of_difference);
  return best.name + " has the highest " + measure + ", " + show(value(best)) +
         (behind.empty() ? "" : ", ahead " + join(behind, " and "));
}

std::string sweep_winners(const ComparisonResults& r) {
  std::vector<std::string> parts;
  for (size_t s = 0; s < r.sigmas.size(); ++s) {
    const auto order = ranking(r.models, [&](const ModelComparison& m) { return m.sweep[s].psnr; }, true);
    parts.push_back("std " + format_number(r.sigmas[s]) + ": " + r.models[order[0]].name + " (" +
                    format_db(r.models[order[0]].sweep[s].psnr) + ")");
  }
  return "Best test PSNR at each input noise: " + join(parts, "; ") + ".";
}

std::string sweep_against_input(const ComparisonResults& r) {
  std::vector<std::string> parts;
  for (const auto& m : r.models) {
    std::vector<std::string> beaten;
    size_t noisy_levels = 0;
    for (size_t s = 0; s < r.sigmas.size(); ++s) {
      if (r.sigmas[s] <= 0) continue;
      ++noisy_levels;
      if (m.sweep[s].psnr > r.noisy_sweep[s].psnr) beaten.push_back(format_number(r.sigmas[s]));
    }
    parts.push_back(m.name + " at " + (beaten.empty() ? "none"
                                       : beaten.size() == noisy_levels ? "every std above 0"
                                                                       : "std " + join(beaten, ", ")));
  }
  return "Higher PSNR than the noisy input: " + join(parts, "; ") + ".";
}

std::string sweep_degradation(const ComparisonResults& r) {
  const size_t last = r.sigmas.size() - 1;
  std::vector<std::string> parts;
  for (const auto& m : r.models) parts.push_back(m.name + " " + signed_fixed(m.sweep[last].psnr - m.test.psnr, 2) + " dB");
  return "Test PSNR from the training noise (std " + format_number(r.noise_std) + ") to std " +
         format_number(r.sigmas[last]) + ": " + join(parts, ", ") + "; the noisy input " +
         signed_fixed(r.noisy_sweep[last].psnr - r.noisy_test.psnr, 2) + " dB.";
}

std::string classifier_finding(const ComparisonResults& r, const std::string& name,
                               double ClassifierScores::*accuracy) {
  auto score = [&](const ModelComparison& m) { return m.classifiers.*accuracy; };
  const double pixels = r.pixels.*accuracy;
  const auto order = ranking(r.models, score, true);
  std::vector<std::string> parts;
  for (size_t i : order)
    parts.push_back(r.models[i].name + " " + percent(score(r.models[i])) + " (" + percentage_points(score(r.models[i]) - pixels) + ")");
  const double best = score(r.models[order.front()]), worst = score(r.models[order.back()]);
  return name + " accuracy on the codes: " + join(parts, ", ") + " against " + percent(pixels) +
         " on raw pixels; the three codes span " + fixed(100 * (best - worst), 2) + " points.";
}

std::string per_class_finding(const ComparisonResults& r) {
  std::vector<std::string> hardest, easiest;
  for (const auto& m : r.models) {
    int high = -1, low = -1;
    for (int d = 0; d < 10; ++d) {
      if (std::isnan(m.class_mse[d])) continue;
      if (high < 0 || m.class_mse[d] > m.class_mse[high]) high = d;
      if (low < 0 || m.class_mse[d] < m.class_mse[low]) low = d;
    }
    if (high < 0) continue;
    hardest.push_back(m.name + " " + std::to_string(high) + " (MSE " + format_mse(m.class_mse[high]) + ")");
    easiest.push_back(m.name + " " + std::to_string(low) + " (" + format_mse(m.class_mse[low]) + ")");
  }
  return "Hardest digit (highest test MSE): " + join(hardest, ", ") + ". Easiest: " + join(easiest, ", ") + ".";
}

std::string cost_finding(const ComparisonResults& r) {
  const auto order = ranking(r.models, [](const ModelComparison& m) { return m.forward_flops_per_image; }, true);
  const ModelComparison& heaviest = r.models[order.front()];
  std::vector<std::string> parts;
  for (size_t i = 1; i < order.size(); ++i) {
    const ModelComparison& m = r.models[order[i]];
    parts.push_back(fixed(heaviest.forward_flops_per_image / m.forward_flops_per_image, 1) + " times " + m.name +
                    "'s " + fixed(m.forward_flops_per_image / 1e6, 2) + " MFLOP");
  }
  return heaviest.name + " costs the most per image: " + fixed(heaviest.forward_flops_per_image / 1e6, 2) +
         " MFLOP forward" + (parts.empty() ? "" : ", " + join(parts, " and ")) + ".";
}

std::string speed_finding(const ComparisonResults& r) {
  const auto order = ranking(r.models, [](const ModelComparison& m) { return m.images_per_second; }, true);
  const ModelComparison& fastest = r.models[order.front()];
  if (std::isnan(fastest.images_per_second)) return "";
  std::vector<std::string> parts;
  for (size_t i = 1; i < order.size(); ++i) {
    const ModelComparison& m = r.models[order[i]];
    if (std::isnan(m.images_per_second)) continue;
    parts.push_back(m.name + " " + grouped(m.images_per_second) + " (" +
                    fixed(fastest.images_per_second / m.images_per_second, 1) + " times slower)");
  }
  return fastest.name + " trains fastest, " + grouped(fastest.images_per_second) + " images/s" +
         (parts.empty() ? "" : "; " + join(parts, ", ")) + ".";
}

}  // namespace

std::vector<std::string> comparison_findings(const ComparisonResults& r) {
  std::vector<std::string> findings;
  if (r.models.empty()) return findings;
  const std::string at = " at noise std " + format_number(r.noise_std);
  findings.push_back(winner_sentence(r.models, "test PSNR" + at, [](const ModelComparison& m) { return m.test.psnr; },
                                     format_db, " dB", 2) +
                     "; the noisy input scores " + format_db(r.noisy_test.psnr) + ".");
  std::vector<std::string> gains;
  for (const auto& m : r.models)
    gains.push_back(m.name + " " + signed_fixed(m.test.psnr - r.noisy_test.psnr, 2) + " dB" +
                    (m.test.psnr < r.noisy_test.psnr ? " (worse than its input)" : ""));
  findings.push_back("PSNR gained over the noisy input: " + join(gains, ", ") + ".");
  const auto by_psnr = ranking(r.models, [](const ModelComparison& m) { return m.test.psnr; }, true);
  const auto by_ssim = ranking(r.models, [](const ModelComparison& m) { return m.test.ssim; }, true);
  findings.push_back(winner_sentence(r.models, "test SSIM", [](const ModelComparison& m) { return m.test.ssim; },
                                     [](double v) { return fixed(v, 4); }, "", 4) +
                     "; the noisy input scores " + fixed(r.noisy_test.ssim, 4) +
                     (by_ssim[0] == by_psnr[0] ? "." : ": SSIM and PSNR disagree on the best model."));
  if (!r.sigmas.empty()) {
    findings.push_back(sweep_winners(r));
    findings.push_back(sweep_against_input(r));
    if (r.sigmas.back() > r.noise_std) findings.push_back(sweep_degradation(r));
  }
  findings.push_back(classifier_finding(r, "Linear probe", &ClassifierScores::probe_accuracy));
  findings.push_back(classifier_finding(r, std::to_string(r.knn_k) + "-NN", &ClassifierScores::knn_accuracy));
  findings.push_back(per_class_finding(r));
  findings.push_back(cost_finding(r));
  if (const std::string speed = speed_finding(r); !speed.empty()) findings.push_back(speed);
  return findings;
}

}  // namespace dae
