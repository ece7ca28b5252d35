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
    const auto order = ranking(
        r.models, [&](const ModelComparison& m) { return m.sweep[s].psnr; }, true);
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
    parts.push_back(m.name + " at " +
                    (beaten.empty()                  ? "none"
                     : beaten.size() == noisy_levels ? "every std above 0"
                                                     : "std " + join(beaten, ", ")));
  }
  return "Higher PSNR than the noisy input: " + join(parts, "; ") + ".";
}

std::string sweep_degradation(const ComparisonResults& r) {
  const size_t last = r.sigmas.size() - 1;
  std::vector<std::string> parts;
  for (const auto& m : r.models)
    parts.push_back(m.name + " " + signed_fixed(m.sweep[last].psnr - m.test.psnr, 2) + " dB");
  return "Test PSNR from the training noise (std " + format_number(r.noise_std) + ") to std " +
         format_number(r.sigmas[last]) + ": " + join(parts, ", ") + "; the noisy input " +
         signed_fixed(r.noisy_sweep[last].psnr - r.noisy_test.psnr, 2) + " dB.";
}

// "linear and mlp": names joined as a sentence lists them.
std::string listed(const std::vector<std::string>& names) {
  if (names.size() <= 1) return join(names, "");
  return join(std::vector<std::string>(names.begin(), names.end() - 1), ", ") + " and " + names.back();
}

// The models whose test PSNR at the training noise is below the noisy input's, as a finding
// (empty when none is).
std::string worse_than_input(const ComparisonResults& r, const std::string& at) {
  std::vector<std::string> names, parts;
  for (const auto& m : r.models)
    if (m.test.psnr < r.noisy_test.psnr) {
      names.push_back(m.name);
      parts.push_back(m.name + " " + format_db(m.test.psnr) + " (" + signed_fixed(m.test.psnr - r.noisy_test.psnr, 2) +
                      " dB)");
    }
  if (names.empty()) return "";
  const bool one = names.size() == 1, all = names.size() == r.models.size();
  return listed(names) +
         (one   ? " is"
          : all ? " are all"
                : " are") +
         " worse than " + (one ? "its" : "their") + " own noisy input" + at + ": test PSNR " + join(parts, ", ") +
         " against the input's " + format_db(r.noisy_test.psnr) + (all && !one ? "; none of them denoises yet." : ".");
}

// Those above it, and by how much (empty when none is).
std::string better_than_input(const ComparisonResults& r) {
  std::vector<std::string> names, parts;
  for (const auto& m : r.models)
    if (m.test.psnr >= r.noisy_test.psnr) {
      names.push_back(m.name);
      parts.push_back(m.name + " " + signed_fixed(m.test.psnr - r.noisy_test.psnr, 2) + " dB");
    }
  if (names.empty()) return "";
  const bool one = names.size() == 1, all = names.size() == r.models.size();
  if (one) return names[0] + " beats its noisy input by " + parts[0].substr(names[0].size() + 1) + " of PSNR.";
  return (all ? "Every model beats its noisy input" : listed(names) + " beat their noisy input") + ": " +
         join(parts, ", ") + " of PSNR.";
}

// The models whose trained code scores below their untrained control (empty when none does).
std::string training_lowered(const ComparisonResults& r, const std::string& classifier,
                             double ClassifierScores::*accuracy) {
  std::vector<std::string> parts;
  for (const auto& m : r.models) {
    const double trained = m.classifiers.*accuracy, untrained = m.untrained.*accuracy;
    if (trained < untrained)
      parts.push_back(m.name + "'s code " + percent(trained) + " trained against " + percent(untrained) +
                      " untrained (" + percentage_points(trained - untrained) + ")");
  }
  if (parts.empty()) return "";
  return "Training lowered the " + classifier + " accuracy: " + join(parts, ", ") + ".";
}

// Each code trained and untrained against raw pixels, then what carries the best code's lead.
std::string control_finding(const ComparisonResults& r, const std::string& classifier,
                            double ClassifierScores::*accuracy) {
  auto score = [&](const ModelComparison& m) { return m.classifiers.*accuracy; };
  const double pixels = r.pixels.*accuracy;
  const auto order = ranking(r.models, score, true);
  std::vector<std::string> parts;
  for (size_t i : order) {
    const ModelComparison& m = r.models[i];
    parts.push_back(m.name + " " + percent(score(m)) + " (untrained " + percent(m.untrained.*accuracy) + ", " +
                    percentage_points(score(m) - m.untrained.*accuracy) + " from training)");
  }
  std::string text =
      "The " + classifier + " on the codes: " + join(parts, "; ") + "; raw pixels " + percent(pixels) + ".";
  const ModelComparison& best = r.models[order.front()];
  const double lead = score(best) - pixels, before = best.untrained.*accuracy - pixels;
  if (lead > 0) {
    const std::string ahead = " " + best.name + "'s code leads raw pixels by " + percentage_points(lead);
    if (before >= lead) {
      text += ahead + ", and its untrained code already by " + percentage_points(before) +
              ": the architecture, not the training, carries all of it.";
    } else {
      text += ahead + ", of which " + percentage_points(before) + " are there before training: " +
              (before >= lead / 2 ? "the architecture, not the training, carries most of it."
                                  : "the training carries most of it.");
    }
  }
  return text;
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
  const auto order = ranking(
      r.models, [](const ModelComparison& m) { return m.forward_flops_per_image; }, true);
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
  const auto order = ranking(
      r.models, [](const ModelComparison& m) { return m.images_per_second; }, true);
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

ComparisonFindings comparison_findings(const ComparisonResults& r) {
  ComparisonFindings findings;
  if (r.models.empty()) return findings;
  auto add = [](std::vector<std::string>& to, const std::string& finding) {
    if (!finding.empty()) to.push_back(finding);
  };
  std::vector<std::string>& headline = findings.headline;
  const std::string at = " at noise std " + format_number(r.noise_std);
  const std::string probe = "linear probe", knn = std::to_string(r.knn_k) + "-NN";
  // The unfavourable findings first, each only where it applies.
  add(headline, worse_than_input(r, at));
  add(headline, training_lowered(r, probe, &ClassifierScores::probe_accuracy));
  add(headline, training_lowered(r, knn, &ClassifierScores::knn_accuracy));

  add(headline,
      winner_sentence(
          r.models, "test PSNR" + at, [](const ModelComparison& m) { return m.test.psnr; }, format_db, " dB", 2) +
          "; the noisy input scores " + format_db(r.noisy_test.psnr) + ".");
  add(headline, better_than_input(r));
  const auto by_psnr = ranking(
      r.models, [](const ModelComparison& m) { return m.test.psnr; }, true);
  const auto by_ssim = ranking(
      r.models, [](const ModelComparison& m) { return m.test.ssim; }, true);
  add(headline, winner_sentence(
                    r.models, "test SSIM", [](const ModelComparison& m) { return m.test.ssim; },
                    [](double v) { return fixed(v, 4); }, "", 4) +
                    "; the noisy input scores " + fixed(r.noisy_test.ssim, 4) +
                    (by_ssim[0] == by_psnr[0] ? "." : ": SSIM and PSNR disagree on the best model."));
  add(headline, control_finding(r, probe, &ClassifierScores::probe_accuracy));
  add(headline, control_finding(r, knn, &ClassifierScores::knn_accuracy));

  add(findings.costs, cost_finding(r));
  add(findings.costs, speed_finding(r));
  if (!r.sigmas.empty()) {
    add(findings.noise, sweep_winners(r));
    add(findings.noise, sweep_against_input(r));
    if (r.sigmas.back() > r.noise_std) add(findings.noise, sweep_degradation(r));
  }
  add(findings.digits, per_class_finding(r));
  return findings;
}

}  // namespace dae
