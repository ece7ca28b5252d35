#include "apps/compare_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "apps/compare_figures.h"
#include "apps/memory_usage.h"

namespace dae {

namespace {

std::string fixed(double value, int decimals) {
  if (std::isnan(value)) return "n/a";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string signed_fixed(double value, int decimals) { return (value >= 0 ? "+" : "") + fixed(value, decimals); }

// 771425 -> "771,425".
std::string grouped(double value) {
  if (std::isnan(value)) return "n/a";
  std::string digits = fixed(std::abs(value), 0), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (value < 0 ? "-" : "") + out;
}

std::string percent(double fraction) { return fixed(100 * fraction, 2) + "%"; }
std::string points(double fraction_difference) { return signed_fixed(100 * fraction_difference, 2) + " points"; }
std::string mse_text(double mse) { return fixed(mse, 6); }
std::string db(double psnr) { return fixed(psnr, 2) + " dB"; }

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? separator : "") + parts[i];
  return out;
}

std::string peak_memory(const ModelComparison& m) {
  if (std::isnan(m.peak_host_bytes)) return "n/a";
  std::string text = "host " + format_bytes(m.peak_host_bytes);
  if (!std::isnan(m.peak_device_bytes)) text += ", device " + format_bytes(m.peak_device_bytes);
  return text;
}

// Model indices, best first by value(model); NaN values last.
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

void add_setup(Report& report, const ComparisonResults& r) {
  report.heading("Setup");
  std::vector<std::string> items;
  for (const auto& [label, value] : r.setup) items.push_back(label + ": " + value);
  report.bullets(items);
  report.paragraph("An equivalent command:");
  report.preformatted(r.command);
  report.subheading("Conventions");
  report.bullets(r.conventions);
}

void add_results(Report& report, const ComparisonResults& r) {
  report.heading("Results");
  report.paragraph("Measured on " + grouped(static_cast<double>(r.test_count)) + " test images with input noise std " +
                   format_number(r.noise_std) + ", the same noisy images for every model. The last row is the noisy "
                   "input itself, compared with the clean image: the baseline every denoiser must beat.");
  report.table(comparison_table(r));
}

void add_curves_and_samples(Report& report, const ComparisonResults& r) {
  report.heading("Training curves");
  const bool any_history = std::any_of(r.models.begin(), r.models.end(),
                                       [](const ModelComparison& m) { return !m.history.empty(); });
  if (any_history) {
    report.figure("loss.png",
                  "Train MSE (mean over each epoch's batches, training mode) and test MSE (eval mode, noisy "
                  "test input against the clean image) by epoch; log scale.",
                  draw_loss_comparison(r));
  } else {
    report.paragraph("No training history: every model was loaded from a file holding weights only.");
  }
  report.heading("Reconstructions");
  std::string rows = "clean, noisy input";
  for (const auto& m : r.models) rows += ", " + m.name;
  report.figure("samples.png",
                "The first test image of each digit. Rows: " + rows + ". Every model got the same noisy input (std " +
                    format_number(r.noise_std) + ").",
                draw_sample_grid(r));
}

void add_sweep(Report& report, const ComparisonResults& r) {
  report.heading("Noise robustness");
  report.paragraph("Each model, trained at noise std " + format_number(r.noise_std) +
                   ", evaluated on the test set with input noise of each std. At every std the noise is the same "
                   "standard normal draw, scaled. At std 0 the input is the clean image, so the noisy input's "
                   "PSNR is infinite.");
  auto sweep_table = [&](const std::string& measure, auto value, int decimals) {
    ReportTable table;
    table.header = {"noise std", "noisy input"};
    for (const auto& m : r.models) table.header.push_back(m.name);
    for (size_t s = 0; s < r.sigmas.size(); ++s) {
      std::vector<std::string> row = {format_number(r.sigmas[s]), fixed(value(r.noisy_sweep[s]), decimals)};
      for (const auto& m : r.models) row.push_back(fixed(value(m.sweep[s]), decimals));
      table.rows.push_back(row);
    }
    report.subheading(measure);
    report.table(table);
  };
  sweep_table("Test PSNR (dB)", [](const QualitySummary& q) { return q.psnr; }, 2);
  sweep_table("Test SSIM", [](const QualitySummary& q) { return q.ssim; }, 4);
  report.figure("noise_sweep.png", "Test PSNR against the std of the input noise; dashed: the noisy input itself.",
                draw_noise_sweep(r));
}

void add_classification(Report& report, const ComparisonResults& r) {
  report.heading("Classification from the codes");
  report.paragraph(
      "Can a digit be read off a model's code? Features: the encoder's code of the clean image (flattened), or "
      "the 784 raw pixels. Both classifiers learn from the first " + grouped(static_cast<double>(r.probe_train_count)) +
      " training images (`--probe-train`; the conv codes of all 60,000 would take 3 GB) and are scored on the " +
      grouped(static_cast<double>(r.test_count)) +
      " test images. Linear probe: softmax regression on features standardized with the training mean and "
      "std, full-batch L-BFGS (at most 200 iterations; stopped when one improves the objective by less than "
      "1e-6), with the L2 penalty of the best accuracy on the last 20% of "
      "those training images among 1e-4, 1e-3, 1e-2 and 1e-1 when trained on the rest, then refit on all of them. "
      "k-NN: k = " + std::to_string(r.knn_k) + ", Euclidean distance on the unstandardized features, majority vote.");
  ReportTable table;
  table.header = {"features", "numbers", "linear probe accuracy", "vs pixels",
                  std::to_string(r.knn_k) + "-NN accuracy", "vs pixels", "probe L2 (chosen)", "L-BFGS iterations"};
  auto row = [&](const std::string& name, int64_t size, const ClassifierScores& s, bool relative) {
    table.rows.push_back({name, grouped(static_cast<double>(size)), percent(s.probe_accuracy),
                          relative ? points(s.probe_accuracy - r.pixels.probe_accuracy) : "", percent(s.knn_accuracy),
                          relative ? points(s.knn_accuracy - r.pixels.knn_accuracy) : "", format_number(s.probe_l2),
                          std::to_string(s.probe_iterations)});
  };
  row("raw pixels", 784, r.pixels, false);
  for (const auto& m : r.models) row(m.name + " code", m.code_size, m.classifiers, true);
  report.table(table);
}

void add_per_class(Report& report, const ComparisonResults& r) {
  report.heading("Per-class test MSE");
  report.paragraph("Test MSE at noise std " + format_number(r.noise_std) + " over the test images of each digit.");
  ReportTable table;
  table.header = {"digit", "test images", "noisy input"};
  for (const auto& m : r.models) table.header.push_back(m.name);
  for (int d = 0; d < 10; ++d) {
    std::vector<std::string> row = {std::to_string(d), grouped(static_cast<double>(r.class_counts[d])),
                                    mse_text(r.noisy_class_mse[d])};
    for (const auto& m : r.models) row.push_back(mse_text(m.class_mse[d]));
    table.rows.push_back(row);
  }
  report.table(table);
}

std::string sweep_winners(const ComparisonResults& r) {
  std::vector<std::string> parts;
  for (size_t s = 0; s < r.sigmas.size(); ++s) {
    const auto order = ranking(r.models, [&](const ModelComparison& m) { return m.sweep[s].psnr; }, true);
    parts.push_back("std " + format_number(r.sigmas[s]) + ": " + r.models[order[0]].name + " (" +
                    db(r.models[order[0]].sweep[s].psnr) + ")");
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
    parts.push_back(r.models[i].name + " " + percent(score(r.models[i])) + " (" + points(score(r.models[i]) - pixels) + ")");
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
    hardest.push_back(m.name + " " + std::to_string(high) + " (MSE " + mse_text(m.class_mse[high]) + ")");
    easiest.push_back(m.name + " " + std::to_string(low) + " (" + mse_text(m.class_mse[low]) + ")");
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

const std::vector<std::string>& comparison_sections() {
  static const std::vector<std::string> sections = {
      "Setup", "Results", "Training curves", "Reconstructions", "Noise robustness",
      "Classification from the codes", "Per-class test MSE", "Findings"};
  return sections;
}

ReportTable comparison_table(const ComparisonResults& r) {
  ReportTable table;
  table.header = {"model", "parameters", "forward MFLOP/image", "epochs", "train MSE", "test MSE",
                  "test PSNR (dB)", "test SSIM", "training time (s)", "images/s", "peak memory"};
  for (const auto& m : r.models) {
    const EpochResult* last = m.history.empty() ? nullptr : &m.history.back();
    table.rows.push_back({m.name, grouped(static_cast<double>(m.parameters)), fixed(m.forward_flops_per_image / 1e6, 2),
                          last ? std::to_string(last->epoch) : "n/a", last ? mse_text(last->train_loss) : "n/a",
                          mse_text(m.test.mse), fixed(m.test.psnr, 2), fixed(m.test.ssim, 4),
                          fixed(m.train_seconds, 2), grouped(m.images_per_second), peak_memory(m)});
  }
  table.rows.push_back({"noisy input (baseline)", "", "", "", "", mse_text(r.noisy_test.mse), fixed(r.noisy_test.psnr, 2),
                        fixed(r.noisy_test.ssim, 4), "", "", ""});
  return table;
}

std::vector<std::string> comparison_findings(const ComparisonResults& r) {
  std::vector<std::string> findings;
  if (r.models.empty()) return findings;
  const std::string at = " at noise std " + format_number(r.noise_std);
  findings.push_back(winner_sentence(r.models, "test PSNR" + at, [](const ModelComparison& m) { return m.test.psnr; },
                                     db, " dB", 2) +
                     "; the noisy input scores " + db(r.noisy_test.psnr) + ".");
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

Report build_comparison_report(const ComparisonResults& r) {
  Report report("Denoising autoencoders on MNIST: " + [&] {
    std::vector<std::string> names;
    for (const auto& m : r.models) names.push_back(m.name);
    return join(names, ", ");
  }() + " compared");
  add_setup(report, r);
  add_results(report, r);
  add_curves_and_samples(report, r);
  add_sweep(report, r);
  add_classification(report, r);
  add_per_class(report, r);
  report.heading("Findings");
  report.paragraph("Computed from the numbers above when the report was written.");
  report.bullets(comparison_findings(r));
  return report;
}

}  // namespace dae
