// Tests of `mnist_dae compare`: its options; where --load-dir looks; the report built from
// made-up numbers (every section, the findings' sentences, figures of the documented sizes); and
// the command end to end on a small MNIST subset, then again from the checkpoints it wrote,
// which must give the same measurements.
#include <catch2/catch.hpp>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "apps/compare_command.h"
#include "apps/report/comparison_figures.h"
#include "apps/report/comparison_findings.h"
#include "apps/report/comparison_report.h"
#include "apps/drawing/digit_grid.h"
#include "core/safetensors.h"
#include "tests/test_support.h"

// A private copy of the decoder (static linkage, as in test_drawing.cpp). GCC's inliner sees
// a "maybe uninitialized" read inside stb_image.h that cannot happen for in-memory input.
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <stb_image.h>
#pragma GCC diagnostic pop

namespace {

using dae::test::TempDir;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct PngSize {
  int width = 0, height = 0;
};

// Decodes the whole PNG (so a corrupt file fails here) and returns its size.
PngSize png_size(const std::vector<uint8_t>& bytes) {
  int width = 0, height = 0, channels = 0;
  stbi_uc* pixels = stbi_load_from_memory(bytes.data(), static_cast<int>(bytes.size()), &width, &height, &channels, 3);
  REQUIRE(pixels != nullptr);
  stbi_image_free(pixels);
  return {width, height};
}

PngSize png_file_size(const std::string& path) {
  const std::string text = read_text(path);
  return png_size(std::vector<uint8_t>(text.begin(), text.end()));
}

// The digit grid's height for `rows` rows of digits with a title (apps/drawing/digit_grid.h).
int sample_grid_height(int rows) {
  const int cell = dae::kDigitSide * dae::kSampleGridScale;
  return 2 * dae::kDigitGridMargin + dae::Canvas::text_height(dae::kDigitGridTextScale) + dae::kDigitGridMargin +
         rows * cell + (rows - 1) * dae::kDigitGridGap;
}

// Its width without the title, which may only widen it.
int sample_grid_min_width(int columns) {
  int label = 0;
  for (const char* text : {"clean", "noisy input", "linear", "mlp", "conv"})
    label = std::max(label, dae::Canvas::text_width(text, dae::kDigitGridTextScale));
  const int cell = dae::kDigitSide * dae::kSampleGridScale;
  return 2 * dae::kDigitGridMargin + label + dae::kDigitGridLabelGap + columns * cell + (columns - 1) * dae::kDigitGridGap;
}

dae::QualitySummary quality(double mse, double psnr, double ssim) {
  dae::QualitySummary q;
  q.mse = mse;
  q.psnr = psnr;
  q.ssim = ssim;
  return q;
}

dae::ModelComparison model(const std::string& name, double psnr, double ssim, std::vector<double> sweep_psnr,
                           double probe, double knn, double mflops, double images_per_second, int hardest) {
  dae::ModelComparison m;
  m.name = name;
  m.source = "trained here";
  m.parameters = 1000;
  m.forward_flops_per_image = mflops * 1e6;
  m.code_size = 128;
  for (int e = 1; e <= 2; ++e) {
    dae::EpochResult r;
    r.epoch = e;
    r.train_loss = 0.05 / e;
    r.test_loss = 0.04 / e;
    m.history.push_back(r);
  }
  m.train_seconds = 10;
  m.images_per_second = images_per_second;
  m.peak_host_bytes = 100e6;
  m.test = quality(std::pow(10.0, -psnr / 10), psnr, ssim);
  for (double p : sweep_psnr) m.sweep.push_back(quality(std::pow(10.0, -p / 10), p, 0.5));
  m.class_mse.assign(10, 0.01);
  m.class_mse[hardest] = 0.02;
  m.class_mse[1] = 0.005;
  m.classifiers.probe_accuracy = probe;
  m.classifiers.knn_accuracy = knn;
  m.classifiers.probe_l2 = 1e-3;
  m.classifiers.probe_iterations = 42;
  return m;
}

// linear is worse than its input at the training noise; conv has the best PSNR, mlp the best SSIM.
dae::ComparisonResults made_up_results() {
  dae::ComparisonResults r;
  r.setup = {{"Device", "cpu"}};
  r.command = "mnist_dae compare";
  r.conventions = {"MSE = mean over all pixels"};
  r.noise_std = 0.1;
  r.test_count = 100;
  r.class_counts.assign(10, 10);
  r.sigmas = {0.0, 0.1, 0.5};
  r.noisy_test = quality(0.01, 20.0, 0.75);
  r.noisy_sweep = {quality(0.0, INFINITY, 1.0), quality(0.01, 20.0, 0.75), quality(0.25, 6.02, 0.3)};
  r.noisy_class_mse.assign(10, 0.01);
  r.probe_train_count = 500;
  r.pixels.probe_accuracy = 0.90;
  r.pixels.knn_accuracy = 0.95;
  r.pixels.probe_l2 = 1e-2;
  r.models = {model("linear", 19.5, 0.70, {22, 19.5, 12}, 0.88, 0.93, 0.40, 20000, 8),
              model("mlp", 21.0, 0.80, {23, 21, 14}, 0.91, 0.94, 0.93, 10000, 8),
              model("conv", 24.0, 0.78, {27, 24, 13}, 0.97, 0.96, 156.0, 100, 2)};
  r.samples.indices = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  r.samples.clean.assign(10 * 784, 0.5f);
  r.samples.noisy.assign(10 * 784, 0.6f);
  r.samples.outputs.assign(3, std::vector<float>(10 * 784, 0.4f));
  r.sample_labels = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  return r;
}

bool have_mnist() { return std::filesystem::exists(std::string(DAE_MNIST_DIR) + "/t10k-labels-idx1-ubyte.gz"); }

// The report from its "## Noise robustness" heading to the end: measurements only, no timings
// or memory.
std::string measurements_of(const std::string& markdown) {
  const size_t at = markdown.find("## Noise robustness");
  REQUIRE(at != std::string::npos);
  return markdown.substr(at);
}

int count_of(const std::string& text, const std::string& word) {
  int count = 0;
  for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) ++count;
  return count;
}

}  // namespace

TEST_CASE("compare: options", "[compare][options]") {
  const dae::Options o = dae::parse_options({"compare", "--probe-train", "500", "--load-dir", "runs"});
  CHECK(o.command == "compare");
  CHECK(o.model == "all");
  CHECK(o.probe_train == 500);
  CHECK(o.load_dir == "runs");
  CHECK(dae::parse_options({"compare"}).probe_train == 10000);
  using Args = std::vector<std::string>;
  const std::vector<std::pair<Args, std::string>> cases = {
      {{"compare", "conv"}, "takes no model name"},
      {{"compare", "--load-dir", "runs", "--epochs", "3"}, "--load-dir evaluates the checkpoints as they are"},
      {{"conv", "--load-dir", "runs"}, "--load-dir is for 'compare'"},
      {{"compare", "--probe-train", "5"}, "--probe-train: expected a value in [10, 60000]"},
  };
  for (const auto& [args, message] : cases) {
    INFO(Catch::Detail::stringify(args));
    REQUIRE_THROWS_WITH(dae::parse_options(args), Catch::Contains(message));
  }
  const std::string help = dae::usage_text();
  for (const char* word : {"mnist_dae compare", "--load-dir", "--probe-train", "reports/compare"})
    CHECK_THAT(help, Catch::Contains(word));
}

TEST_CASE("compare: --load-dir finds DIR/<model>/<model>.safetensors, else DIR/<model>.safetensors", "[compare]") {
  TempDir dir;
  std::filesystem::create_directories(dir.file("conv"));
  std::ofstream(dir.file("conv/conv.safetensors")) << "x";
  std::ofstream(dir.file("conv.safetensors")) << "x";
  std::ofstream(dir.file("mlp.safetensors")) << "x";
  CHECK(dae::find_checkpoint(dir.path(), "conv") == dir.file("conv") + "/conv.safetensors");
  CHECK(dae::find_checkpoint(dir.path(), "mlp") == dir.file("mlp.safetensors"));
  REQUIRE_ERROR(dae::find_checkpoint(dir.path(), "linear"), "no checkpoint of the linear model",
                "linear/linear.safetensors", dir.file("linear.safetensors"), "mnist_dae all --out");
}

TEST_CASE("compare: the findings are computed from the numbers", "[compare]") {
  const std::vector<std::string> findings = dae::comparison_findings(made_up_results());
  auto has = [&](const std::string& sentence) {
    INFO(sentence);
    CHECK(std::find(findings.begin(), findings.end(), sentence) != findings.end());
  };
  has("conv has the highest test PSNR at noise std 0.1, 24.00 dB, ahead of mlp (21.00 dB) by 3.00 dB and of linear "
      "(19.50 dB) by 4.50 dB; the noisy input scores 20.00 dB.");
  has("PSNR gained over the noisy input: linear -0.50 dB (worse than its input), mlp +1.00 dB, conv +4.00 dB.");
  has("mlp has the highest test SSIM, 0.8000, ahead of conv (0.7800) by 0.0200 and of linear (0.7000) by 0.1000; "
      "the noisy input scores 0.7500: SSIM and PSNR disagree on the best model.");
  has("Best test PSNR at each input noise: std 0: conv (27.00 dB); std 0.1: conv (24.00 dB); std 0.5: mlp (14.00 dB).");
  has("Higher PSNR than the noisy input: linear at std 0.5; mlp at every std above 0; conv at every std above 0.");
  has("Test PSNR from the training noise (std 0.1) to std 0.5: linear -7.50 dB, mlp -7.00 dB, conv -11.00 dB; the "
      "noisy input -13.98 dB.");
  has("Linear probe accuracy on the codes: conv 97.00% (+7.00 points), mlp 91.00% (+1.00 points), linear 88.00% "
      "(-2.00 points) against 90.00% on raw pixels; the three codes span 9.00 points.");
  has("Hardest digit (highest test MSE): linear 8 (MSE 0.020000), mlp 8 (MSE 0.020000), conv 2 (MSE 0.020000). "
      "Easiest: linear 1 (0.005000), mlp 1 (0.005000), conv 1 (0.005000).");
  has("conv costs the most per image: 156.00 MFLOP forward, 167.7 times mlp's 0.93 MFLOP and 390.0 times linear's "
      "0.40 MFLOP.");
  has("linear trains fastest, 20,000 images/s; mlp 10,000 (2.0 times slower), conv 100 (200.0 times slower).");
}

TEST_CASE("compare: the report has every section, and figures of the documented sizes", "[compare]") {
  const dae::ComparisonResults results = made_up_results();
  const dae::Report report = dae::build_comparison_report(results);
  const std::string markdown = report.markdown(), html = report.html();
  for (const std::string& section : dae::comparison_sections()) {
    INFO(section);
    CHECK_THAT(markdown, Catch::Contains("\n## " + section + "\n"));
    CHECK_THAT(html, Catch::Contains("<h2>" + section + "</h2>"));
  }
  CHECK_THAT(markdown, Catch::Contains("| noisy input (baseline) |"));
  CHECK_THAT(markdown, Catch::Contains("| conv | 1,000 | 156.00 | 2 | 0.025000 | 0.003981 | 24.00 | 0.7800 | 10.00 | 100 | host 95.4 MiB |"));
  CHECK(count_of(html, "src=\"data:image/png;base64,") == 3);
  CHECK(count_of(html, "src=") == 3);

  CHECK(png_size(dae::encode_png(dae::draw_loss_comparison(results))).width == 800);
  CHECK(png_size(dae::encode_png(dae::draw_noise_sweep(results))).height == 500);
  const PngSize grid = png_size(dae::encode_png(dae::draw_sample_grid(results)));
  CHECK(grid.height == sample_grid_height(5));
  CHECK(grid.width >= sample_grid_min_width(10));
}

TEST_CASE("compare: end to end on a small subset, then again from its checkpoints", "[compare][app]") {
  if (!have_mnist()) {
    WARN("MNIST not found in " DAE_MNIST_DIR "; skipping");
    return;
  }
  TempDir dir;
  const std::string out = dir.file("trained"), again = dir.file("loaded");
  const std::vector<std::string> common = {"compare", "--device", "cpu", "--data", DAE_MNIST_DIR, "--test-limit", "128",
                                           "--batch-size", "64", "--probe-train", "256"};
  std::vector<std::string> train_args = common;
  train_args.insert(train_args.end(), {"--out", out, "--train-limit", "256", "--epochs", "1"});
  REQUIRE(dae::run_compare_command(dae::parse_options(train_args)) == 0);

  for (const char* file : {"report.md", "report.html", "loss.png", "samples.png", "noise_sweep.png",
                           "checkpoints/linear.safetensors", "checkpoints/mlp.safetensors", "checkpoints/conv.safetensors"}) {
    INFO(file);
    CHECK(std::filesystem::is_regular_file(out + "/" + file));
  }
  const std::string markdown = read_text(out + "/report.md"), html = read_text(out + "/report.html");
  for (const std::string& section : dae::comparison_sections()) {
    INFO(section);
    CHECK_THAT(markdown, Catch::Contains("\n## " + section + "\n"));
    CHECK_THAT(html, Catch::Contains("<h2>" + section + "</h2>"));
  }
  for (const char* row : {"| linear | 201,616 |", "| mlp | 468,368 |", "| conv | 771,425 |", "| noisy input (baseline) |",
                          "| raw pixels | 784 |", "| linear code | 128 |", "| mlp code | 128 |", "| conv code | 12,544 |"})
    CHECK_THAT(markdown, Catch::Contains(row));
  CHECK(count_of(html, "src=\"data:image/png;base64,") == 3);
  CHECK(count_of(html, "src=") == 3);
  CHECK(png_file_size(out + "/loss.png").width == 800);
  CHECK(png_file_size(out + "/noise_sweep.png").height == 500);
  const PngSize grid = png_file_size(out + "/samples.png");
  CHECK(grid.height == sample_grid_height(5));
  CHECK(grid.width >= sample_grid_min_width(10));  // the first 128 test images hold every digit

  // The report's test MSE is the one the epoch printed (the same noise draws as TrainingRun::evaluate).
  dae::safetensors::Metadata metadata;
  dae::safetensors::load(out + "/checkpoints/mlp.safetensors", &metadata);
  const double test_loss = nlohmann::json::parse(metadata.at("history")).back().at("test_loss").get<double>();
  char cell[32];
  std::snprintf(cell, sizeof cell, " | %.6f | ", test_loss);
  const size_t mlp_row = markdown.find("| mlp | 468,368 |");
  REQUIRE(mlp_row != std::string::npos);
  CHECK_THAT(markdown.substr(mlp_row, markdown.find('\n', mlp_row) - mlp_row), Catch::Contains(cell));

  std::vector<std::string> load_args = common;
  load_args.insert(load_args.end(), {"--out", again, "--load-dir", out + "/checkpoints"});
  REQUIRE(dae::run_compare_command(dae::parse_options(load_args)) == 0);
  CHECK(measurements_of(read_text(again + "/report.md")) == measurements_of(markdown));
  CHECK_FALSE(std::filesystem::exists(again + "/checkpoints"));
}

TEST_CASE("mnist_dae compare: a --load-dir without checkpoints exits 1 naming what is missing", "[compare][cli]") {
  if (!have_mnist()) {
    WARN("MNIST not found in " DAE_MNIST_DIR "; skipping");
    return;
  }
  TempDir dir;
  const std::string command = std::string(DAE_MNIST_DAE_BINARY) + " compare --device cpu --data " + DAE_MNIST_DIR +
                              " --load-dir " + dir.file("nowhere") + " --out " + dir.file("out") + " > " +
                              dir.file("log") + " 2>&1";
  const int status = std::system(command.c_str());
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 1);
  CHECK_THAT(read_text(dir.file("log")), Catch::Contains("no checkpoint of the linear model"));
}
