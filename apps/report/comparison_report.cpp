#include "apps/report/comparison_report.h"

#include <algorithm>
#include <cmath>

#include "apps/data/mnist.h"
#include "apps/report/comparison_figures.h"
#include "apps/report/comparison_findings.h"
#include "apps/report/text_format.h"

namespace dae {

namespace {

// The equivalent command is broken into lines of at most this many characters (a Markdown
// code block does not wrap).
constexpr size_t kCommandWidth = 88;

std::string peak_memory(const ModelComparison& m) {
  if (std::isnan(m.peak_host_bytes)) return "n/a";
  std::string text = "host " + format_bytes(m.peak_host_bytes);
  if (!std::isnan(m.peak_device_bytes)) text += ", device " + format_bytes(m.peak_device_bytes);
  return text;
}

// Under each section, the findings that sum up its evidence (none for an empty list).
void add_notes(Report& report, const std::vector<std::string>& notes) {
  if (!notes.empty()) report.bullets(notes);
}

void add_findings(Report& report, const ComparisonFindings& findings) {
  report.heading("Findings");
  report.paragraph(
      "Computed from the numbers below when the report was written; where a model does worse than "
      "its own noisy input, or training did not help, that comes first.");
  report.bullets(findings.headline);
}

void add_results(Report& report, const ComparisonResults& r, const ComparisonFindings& findings) {
  report.heading("Results");
  report.paragraph("Measured on " + grouped(static_cast<double>(r.test_count)) + " test images with input noise std " +
                   format_number(r.noise_std) +
                   ", the same noisy images for every model. The last row is the noisy "
                   "input itself, compared with the clean image: the baseline every denoiser must beat.");
  report.table(comparison_table(r));
  add_notes(report, findings.costs);
}

void add_curves_and_samples(Report& report, const ComparisonResults& r) {
  report.heading("Training curves");
  const bool any_history =
      std::any_of(r.models.begin(), r.models.end(), [](const ModelComparison& m) { return !m.history.empty(); });
  const bool any_steps =
      std::any_of(r.models.begin(), r.models.end(), [](const ModelComparison& m) { return !m.steps.empty(); });
  if (any_history) {
    report.figure("loss",
                  "Train MSE: the mean of each epoch's batch losses (training mode), drawn at the epoch's end. Test "
                  "MSE: eval mode, noisy test input against the clean image. Dotted: the noisy input's own test MSE, "
                  "which a denoiser must get below. Log scale." +
                      std::string(any_steps ? " Thin lines: the batch loss at each logged step (`--log-every`)."
                                            : " Run with `--log-every N` to add the batch loss of every N-th step."),
                  draw_loss_comparison(r));
  } else {
    report.paragraph("No training history to draw: no epoch was trained here, and no checkpoint holds one.");
  }
  report.heading("Reconstructions");
  std::string rows = "clean, noisy input";
  for (const auto& m : r.models) rows += ", " + m.name;
  report.figure("samples",
                "The first test image of each digit. Rows: " + rows + ". Every model got the same noisy input (std " +
                    format_number(r.noise_std) + ").",
                draw_sample_grid(r));
}

void add_sweep(Report& report, const ComparisonResults& r, const ComparisonFindings& findings) {
  report.heading("Noise robustness");
  report.paragraph("Each model, trained at noise std " + format_number(r.noise_std) +
                   ", evaluated on the test set with input noise of each std. At every std the noise is the same "
                   "standard normal draw, scaled. At std 0 the input is the clean image, so the noisy input's "
                   "PSNR is infinite.");
  report.figure("noise_sweep",
                "Test PSNR against the std of the input noise. Dashed gray: the noisy input itself, the PSNR "
                "without any denoising; dotted: the noise the models were trained at.",
                draw_noise_sweep(r));
  add_notes(report, findings.noise);
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
  sweep_table(
      "Test PSNR (dB)", [](const QualitySummary& q) { return q.psnr; }, 2);
  sweep_table(
      "Test SSIM", [](const QualitySummary& q) { return q.ssim; }, 4);
}

void add_classification(Report& report, const ComparisonResults& r) {
  report.heading("Classification from the codes");
  report.paragraph(
      "Can a digit be read off a model's code, and how much of that did the training put there? Features: the "
      "encoder's code of the clean image (flattened), or the 784 raw pixels. The controls are the codes of the same "
      "architectures untrained, at their initial weights (seed " +
      std::to_string(r.init_seed) +
      ", the weights training starts from), encoded the same way. Both classifiers learn from the first " +
      grouped(static_cast<double>(r.probe_train_count)) +
      " training images (`--probe-train`; the conv codes of all 60,000 would take 3 GB) and are scored on the " +
      grouped(static_cast<double>(r.test_count)) +
      " test images. Linear probe: softmax regression on features standardized with the training mean and "
      "std, full-batch L-BFGS (at most 200 iterations; stopped when one improves the objective by less than "
      "1e-6), with the L2 penalty of the best accuracy on the last 20% of "
      "those training images among 1e-4, 1e-3, 1e-2 and 1e-1 when trained on the rest, then refit on all of them. "
      "k-NN: k = " +
      std::to_string(r.knn_k) + ", Euclidean distance on the unstandardized features, majority vote.");
  report.figure("classifiers",
                "Test accuracy of the linear probe and of " + std::to_string(r.knn_k) +
                    "-NN on each feature set. Rings: the untrained control; dots: the trained model; the segment "
                    "between them is what training added (or took away).",
                draw_classifier_comparison(r));
  const std::string knn = std::to_string(r.knn_k) + "-NN";
  ReportTable table;
  table.header = {"features", "numbers",   "linear probe", "vs pixels",         "vs untrained",
                  knn,        "vs pixels", "vs untrained", "probe L2 (chosen)", "L-BFGS iterations"};
  // `control`: the untrained code's scores, for the "vs untrained" columns (none for pixels).
  auto row = [&](const std::string& name, int64_t size, const ClassifierScores& s, bool vs_pixels,
                 const ClassifierScores* control) {
    auto gain = [](bool shown, double a, double b) { return shown ? percentage_points(a - b) : std::string(); };
    table.rows.push_back({name, grouped(static_cast<double>(size)), percent(s.probe_accuracy),
                          gain(vs_pixels, s.probe_accuracy, r.pixels.probe_accuracy),
                          gain(control != nullptr, s.probe_accuracy, control ? control->probe_accuracy : 0),
                          percent(s.knn_accuracy), gain(vs_pixels, s.knn_accuracy, r.pixels.knn_accuracy),
                          gain(control != nullptr, s.knn_accuracy, control ? control->knn_accuracy : 0),
                          format_number(s.probe_l2), std::to_string(s.probe_iterations)});
  };
  row("raw pixels", kMnistPixels, r.pixels, false, nullptr);
  for (const auto& m : r.models) {
    row(m.name + " code, untrained", m.code_size, m.untrained, true, nullptr);
    row(m.name + " code, trained", m.code_size, m.classifiers, true, &m.untrained);
  }
  report.table(table);
}

void add_per_class(Report& report, const ComparisonResults& r, const ComparisonFindings& findings) {
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
  add_notes(report, findings.digits);
}

void add_timing(Report& report, const ComparisonResults& r) {
  report.heading("Time per stage");
  if (r.stage_seconds.empty()) {
    report.paragraph("Not measured.");
    return;
  }
  double total = 0;
  for (const auto& stage : r.stage_seconds) total += stage.second;
  report.paragraph("Wall-clock time of each stage of this run, " + fixed(total, 1) +
                   " s in all (training includes each epoch's test evaluation; writing this report is not counted).");
  ReportTable table;
  table.header = {"stage", "seconds", "share"};
  for (const auto& [stage, seconds] : r.stage_seconds)
    table.rows.push_back({stage, fixed(seconds, 1), total > 0 ? fixed(100 * seconds / total, 1) + "%" : "n/a"});
  report.table(table);
}

void add_setup(Report& report, const ComparisonResults& r) {
  report.heading("Setup");
  std::vector<std::string> items;
  for (const auto& [label, value] : r.setup) items.push_back(label + ": " + value);
  report.bullets(items);
  report.paragraph("An equivalent command:");
  report.preformatted(wrap_command(r.command, kCommandWidth));
  report.subheading("Conventions");
  report.bullets(r.conventions);
}

}  // namespace

const std::vector<std::string>& comparison_sections() {
  static const std::vector<std::string> sections = {
      "Findings",           "Results",          "Training curves",
      "Reconstructions",    "Noise robustness", "Classification from the codes",
      "Per-class test MSE", "Time per stage",   "Setup"};
  return sections;
}

ReportTable comparison_table(const ComparisonResults& r) {
  ReportTable table;
  table.header = {"model",          "parameters", "forward MFLOP/image", "epochs",   "train MSE",  "test MSE",
                  "test PSNR (dB)", "test SSIM",  "training time (s)",   "images/s", "peak memory"};
  for (const auto& m : r.models) {
    const EpochResult* last = m.history.empty() ? nullptr : &m.history.back();
    table.rows.push_back({m.name, grouped(static_cast<double>(m.parameters)), fixed(m.forward_flops_per_image / 1e6, 2),
                          last ? std::to_string(last->epoch) : "n/a", last ? format_mse(last->train_loss) : "n/a",
                          format_mse(m.test.mse), fixed(m.test.psnr, 2), fixed(m.test.ssim, 4),
                          fixed(m.train_seconds, 2), grouped(m.images_per_second), peak_memory(m)});
  }
  table.rows.push_back({"noisy input (baseline)", "", "", "", "", format_mse(r.noisy_test.mse),
                        fixed(r.noisy_test.psnr, 2), fixed(r.noisy_test.ssim, 4), "", "", ""});
  return table;
}

Report build_comparison_report(const ComparisonResults& r) {
  Report report("Denoising autoencoders on MNIST: " + [&] {
    std::vector<std::string> names;
    for (const auto& m : r.models) names.push_back(m.name);
    return join(names, ", ");
  }() + " compared");
  const ComparisonFindings findings = comparison_findings(r);
  add_findings(report, findings);
  add_results(report, r, findings);
  add_curves_and_samples(report, r);
  add_sweep(report, r, findings);
  add_classification(report, r);
  add_per_class(report, r, findings);
  add_timing(report, r);
  add_setup(report, r);
  return report;
}

}  // namespace dae
