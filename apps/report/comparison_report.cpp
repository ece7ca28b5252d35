#include "apps/report/comparison_report.h"

#include <algorithm>
#include <cmath>

#include "apps/report/comparison_figures.h"
#include "apps/report/comparison_findings.h"
#include "apps/report/text_format.h"

namespace dae {

namespace {

std::string peak_memory(const ModelComparison& m) {
  if (std::isnan(m.peak_host_bytes)) return "n/a";
  std::string text = "host " + format_bytes(m.peak_host_bytes);
  if (!std::isnan(m.peak_device_bytes)) text += ", device " + format_bytes(m.peak_device_bytes);
  return text;
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
                          relative ? percentage_points(s.probe_accuracy - r.pixels.probe_accuracy) : "", percent(s.knn_accuracy),
                          relative ? percentage_points(s.knn_accuracy - r.pixels.knn_accuracy) : "", format_number(s.probe_l2),
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
                                    format_mse(r.noisy_class_mse[d])};
    for (const auto& m : r.models) row.push_back(format_mse(m.class_mse[d]));
    table.rows.push_back(row);
  }
  report.table(table);
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
                          last ? std::to_string(last->epoch) : "n/a", last ? format_mse(last->train_loss) : "n/a",
                          format_mse(m.test.mse), fixed(m.test.psnr, 2), fixed(m.test.ssim, 4),
                          fixed(m.train_seconds, 2), grouped(m.images_per_second), peak_memory(m)});
  }
  table.rows.push_back({"noisy input (baseline)", "", "", "", "", format_mse(r.noisy_test.mse), fixed(r.noisy_test.psnr, 2),
                        fixed(r.noisy_test.ssim, 4), "", "", ""});
  return table;
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

