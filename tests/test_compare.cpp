// Tests of `mnist_dae compare`: its options; where --load-dir looks; the report built from
// made-up numbers (findings first and computed from the numbers, every section in order, the
// figures as SVG with the series and labels they must show); and the command end to end on a
// small MNIST subset, then again from the checkpoints it wrote, which must give the same
// measurements.
#include <sys/wait.h>
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include <nlohmann/json.hpp>

#include "apps/compare_command.h"
#include "apps/option_mapping.h"
#include "apps/report/comparison_figures.h"
#include "apps/report/comparison_findings.h"
#include "apps/report/comparison_report.h"
#include "apps/report/loss_curves.h"
#include "apps/report/text_format.h"
#include "core/safetensors.h"
#include "tests/picture_checks.h"
#include "tests/test_support.h"
#include "tests/xml_check.h"

// A private copy of the decoder (static linkage, as in test_drawing.cpp). GCC's inliner sees
// a "maybe uninitialized" read inside stb_image.h that cannot happen for in-memory input.
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <stb_image.h>
#pragma GCC diagnostic pop

namespace {

using dae::test::has_text;
using dae::test::TempDir;

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
  const std::string text = dae::test::read_file(path);
  return png_size(std::vector<uint8_t>(text.begin(), text.end()));
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
  m.untrained = m.classifiers;
  m.untrained.probe_iterations = 17;
  return m;
}

// linear is worse than its input at the training noise, and training made its code worse for
// the linear probe; conv has the best PSNR, mlp the best SSIM.
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
  const double untrained[3][2] = {{0.89, 0.92}, {0.85, 0.90}, {0.96, 0.95}};
  for (size_t m = 0; m < 3; ++m) {
    r.models[m].untrained.probe_accuracy = untrained[m][0];
    r.models[m].untrained.knn_accuracy = untrained[m][1];
  }
  r.models[2].steps = {{1, 0, 0.2}, {1, 5, 0.08}, {2, 0, 0.03}, {2, 5, 0.02}};
  r.models[2].steps_per_epoch = 10;
  r.samples.indices = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  r.samples.clean.assign(10 * 784, 0.5f);
  r.samples.noisy.assign(10 * 784, 0.6f);
  r.samples.outputs.assign(3, std::vector<float>(10 * 784, 0.4f));
  r.sample_labels = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  r.stage_seconds = {{"train linear", 1.5}, {"train conv", 6.0}, {"classifiers on raw pixels", 2.5}};
  return r;
}

// The report's measurements only, no timings, memory or dates: from its "## Noise robustness"
// heading to its "## Time per stage".
std::string measurements_of(const std::string& markdown) {
  const size_t from = markdown.find("## Noise robustness"), to = markdown.find("## Time per stage");
  REQUIRE(from != std::string::npos);
  REQUIRE(to != std::string::npos);
  return markdown.substr(from, to - from);
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
  CHECK(dae::study_settings(o).probe_train == 500);
  // The classifiers learn from 10,000 images by default, or from the autoencoders' training
  // limit when it is smaller; a --probe-train given wins.
  auto probe_train = [](std::vector<std::string> args) {
    return dae::study_settings(dae::parse_options(args)).probe_train;
  };
  CHECK(probe_train({"compare"}) == 10000);
  CHECK(probe_train({"compare", "--train-limit", "2000"}) == 2000);
  CHECK(probe_train({"compare", "--train-limit", "30000"}) == 10000);
  CHECK(probe_train({"compare", "--train-limit", "2000", "--probe-train", "5000"}) == 5000);
  CHECK_THAT(dae::equivalent_compare_command(dae::parse_options({"compare", "--train-limit", "2000"})),
             Catch::Contains("--train-limit 2000") && Catch::Contains("--probe-train 2000"));
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

TEST_CASE("compare: the findings are computed from the numbers, the unfavourable first", "[compare]") {
  const dae::ComparisonFindings all = dae::comparison_findings(made_up_results());
  const std::vector<std::string>& findings = all.headline;
  REQUIRE(findings.size() == 7);  // nothing lowered the 5-NN accuracy
  CHECK(findings[0] ==
        "linear is worse than its own noisy input at noise std 0.1: test PSNR linear 19.50 dB (-0.50 dB) against the "
        "input's 20.00 dB.");
  CHECK(findings[1] ==
        "Training lowered the linear probe accuracy: linear's code 88.00% trained against 89.00% untrained (-1.00 "
        "points).");
  CHECK(findings[2] ==
        "conv has the highest test PSNR at noise std 0.1, 24.00 dB, ahead of mlp (21.00 dB) by 3.00 dB and of linear "
        "(19.50 dB) by 4.50 dB; the noisy input scores 20.00 dB.");
  auto has = [&](const std::string& sentence) {
    INFO(sentence);
    CHECK(std::find(findings.begin(), findings.end(), sentence) != findings.end());
  };
  has("mlp and conv beat their noisy input: mlp +1.00 dB, conv +4.00 dB of PSNR.");
  has("mlp has the highest test SSIM, 0.8000, ahead of conv (0.7800) by 0.0200 and of linear (0.7000) by 0.1000; "
      "the noisy input scores 0.7500: SSIM and PSNR disagree on the best model.");
  has("The linear probe on the codes: conv 97.00% (untrained 96.00%, +1.00 points from training); mlp 91.00% "
      "(untrained 85.00%, +6.00 points from training); linear 88.00% (untrained 89.00%, -1.00 points from training); "
      "raw pixels 90.00%. conv's code leads raw pixels by +7.00 points, of which +6.00 points are there before "
      "training: the architecture, not the training, carries most of it.");
  has("The 5-NN on the codes: conv 96.00% (untrained 95.00%, +1.00 points from training); mlp 94.00% (untrained "
      "90.00%, +4.00 points from training); linear 93.00% (untrained 92.00%, +1.00 points from training); raw pixels "
      "95.00%. conv's code leads raw pixels by +1.00 points, of which +0.00 points are there before training: the "
      "training carries most of it.");
  // The rest sum up the evidence of their own sections.
  using Sentences = std::vector<std::string>;
  CHECK(all.noise ==
        Sentences{"Best test PSNR at each input noise: std 0: conv (27.00 dB); std 0.1: conv (24.00 dB); std 0.5: mlp "
                  "(14.00 dB).",
                  "Higher PSNR than the noisy input: linear at std 0.5; mlp at every std above 0; conv at every std "
                  "above 0.",
                  "Test PSNR from the training noise (std 0.1) to std 0.5: linear -7.50 dB, mlp -7.00 dB, conv -11.00 "
                  "dB; the noisy input -13.98 dB."});
  CHECK(all.digits ==
        Sentences{"Hardest digit (highest test MSE): linear 8 (MSE 0.020000), mlp 8 (MSE 0.020000), conv "
                  "2 (MSE 0.020000). Easiest: linear 1 (0.005000), mlp 1 (0.005000), conv 1 (0.005000)."});
  CHECK(all.costs ==
        Sentences{
            "conv costs the most per image: 156.00 MFLOP forward, 167.7 times mlp's 0.93 MFLOP and 390.0 times "
            "linear's 0.40 MFLOP.",
            "linear trains fastest, 20,000 images/s; mlp 10,000 (2.0 times slower), conv 100 (200.0 times slower)."});
}

TEST_CASE("compare: with nothing unfavourable the findings open with the best model", "[compare]") {
  dae::ComparisonResults r = made_up_results();
  r.models[0].test = quality(std::pow(10.0, -2.05), 20.5, 0.76);
  r.models[0].untrained.probe_accuracy = 0.80;
  const std::vector<std::string> findings = dae::comparison_findings(r).headline;
  CHECK_THAT(findings[0], Catch::StartsWith("conv has the highest test PSNR"));
  CHECK(findings[1] == "Every model beats its noisy input: linear +0.50 dB, mlp +1.00 dB, conv +4.00 dB of PSNR.");
  for (const std::string& finding : findings) {
    CHECK_THAT(finding, !Catch::Contains("worse than") && !Catch::Contains("lowered"));
  }

  // All below their input, and an untrained code ahead of its trained one.
  for (auto& m : r.models) m.test = quality(0.02, 17.0, 0.5);
  r.models[2].untrained.probe_accuracy = 0.99;
  const std::vector<std::string> bad = dae::comparison_findings(r).headline;
  CHECK(bad[0] ==
        "linear, mlp and conv are all worse than their own noisy input at noise std 0.1: test PSNR linear 17.00 dB "
        "(-3.00 dB), mlp 17.00 dB (-3.00 dB), conv 17.00 dB (-3.00 dB) against the input's 20.00 dB; none of them "
        "denoises yet.");
  r.models[2].test = quality(0.005, 23.01, 0.8);
  CHECK(dae::comparison_findings(r).headline[3] == "conv beats its noisy input by +3.01 dB of PSNR.");
  CHECK(bad[1] ==
        "Training lowered the linear probe accuracy: conv's code 97.00% trained against 99.00% untrained "
        "(-2.00 points).");
  CHECK(std::find_if(bad.begin(), bad.end(), [](const std::string& f) {
          return f.find(
                     "conv's code leads raw pixels by +7.00 points, and its untrained code already by +9.00 points: "
                     "the architecture, not the training, carries all of it.") != std::string::npos;
        }) != bad.end());
}

TEST_CASE("compare: the report leads with its findings, then every section in order", "[compare]") {
  const dae::ComparisonResults results = made_up_results();
  const dae::Report report = dae::build_comparison_report(results);
  const std::string markdown = report.markdown(), html = report.html();
  CHECK(markdown.find("\n## ") == markdown.find("\n## Findings\n"));
  size_t previous = 0;
  for (const std::string& section : dae::comparison_sections()) {
    INFO(section);
    const size_t at = markdown.find("\n## " + section + "\n");
    REQUIRE(at != std::string::npos);
    CHECK(at >= previous);
    previous = at;
    CHECK_THAT(html, Catch::Contains("\">" + section + "</h2>"));
  }
  CHECK(html.find("<h2") == html.find("<h2 id=\"findings\">Findings</h2>"));
  CHECK_THAT(html, Catch::Contains("<h2 id=\"classification-from-the-codes\">"));
  CHECK_THAT(markdown, Catch::Contains("- linear is worse than its own noisy input"));
  // Each section's own summary sits under its evidence.
  CHECK(markdown.find("- conv costs the most per image") > markdown.find("| noisy input (baseline) |"));
  CHECK(markdown.find("- Best test PSNR at each input noise") > markdown.find("](noise_sweep.png)"));
  CHECK(markdown.find("- Hardest digit") > markdown.find("\n## Per-class test MSE\n"));
  CHECK_THAT(markdown, Catch::Contains("| noisy input (baseline) |"));
  CHECK_THAT(markdown,
             Catch::Contains(
                 "| conv | 1,000 | 156.00 | 2 | 0.025000 | 0.003981 | 24.00 | 0.7800 | 10.00 | 100 | host 95.4 MiB |"));
  // The controls: each code untrained, then trained against it.
  CHECK_THAT(markdown, Catch::Contains("| raw pixels | 784 | 90.00% |  |  | 95.00% |  |  | 0.01 | 0 |"));
  CHECK_THAT(
      markdown,
      Catch::Contains(
          "| linear code, untrained | 128 | 89.00% | -1.00 points |  | 92.00% | -3.00 points |  | 0.001 | 17 |"));
  CHECK_THAT(markdown, Catch::Contains("| linear code, trained | 128 | 88.00% | -2.00 points | -1.00 points | 93.00% | "
                                       "-2.00 points | +1.00 points | 0.001 | 42 |"));
  CHECK_THAT(markdown, Catch::Contains("| train conv | 6.0 | 60.0% |"));
  for (const char* file : {"loss.png", "samples.png", "noise_sweep.png", "classifiers.png"})
    CHECK_THAT(markdown, Catch::Contains(std::string("](") + file + ")"));

  // Charts inline as SVG, whole and with ids no other figure uses; the digits as a PNG.
  CHECK(count_of(html, "<svg") == 3);
  CHECK(count_of(html, "<img class=\"pixels\" src=\"data:image/png;base64,") == 1);
  CHECK(count_of(html, "src=") == 1);
  std::set<std::string> ids;
  for (size_t at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1)) {
    const size_t end = html.find("</svg>", at) + 6;
    CHECK(dae::test::xml_problem(html.substr(at, end - at)) == "");
  }
  const std::regex id("id=\"([^\"]*)\"");
  for (std::sregex_iterator it(html.begin(), html.end(), id), end; it != end; ++it) {
    INFO((*it)[1]);
    CHECK(ids.insert((*it)[1]).second);
  }
}

TEST_CASE("compare: each figure shows its series and names them", "[compare]") {
  const dae::ComparisonResults r = made_up_results();
  auto require_texts = [](const dae::Picture& picture, std::vector<std::string> texts) {
    for (const std::string& text : texts) {
      INFO(text);
      CHECK(has_text(picture, text));
    }
  };
  const dae::Picture loss = dae::draw_loss_comparison(r);
  require_texts(loss, {"Train and test MSE by epoch", "linear", "mlp", "conv", "train: mean of the epoch's batches",
                       "test: noisy test input vs clean", "train: batch loss at each logged step",
                       "noisy input, no denoising: MSE 0.010000", "MSE, log scale", "epoch"});
  CHECK(dae::test::x_tick_labels(loss) == std::vector<std::string>{"0", "1", "2"});
  require_texts(dae::draw_noise_sweep(r), {"linear", "mlp", "conv", "noisy input, no denoising", "trained at std 0.1",
                                           "test PSNR (dB)", "noise std of the test input"});
  require_texts(dae::draw_classifier_comparison(r),
                {"raw pixels", "linear code", "mlp code", "conv code", "untrained: initial weights, seed 0", "trained",
                 "linear probe", "5-NN", "test accuracy (%)"});
  const dae::Picture grid = dae::draw_sample_grid(r);
  require_texts(grid, {"clean", "noisy input", "linear", "mlp", "conv"});
  CHECK(grid.holds_pixels());

  // A training run's own loss picture is the same chart for one model, in that model's colour.
  const dae::Picture single = dae::draw_loss_chart({{"conv", r.models[2].history, {}, 0}}, 0.01, "conv");
  require_texts(single, {"train: mean of the epoch's batches", "test: noisy test input vs clean", "MSE, log scale"});
  CHECK_FALSE(has_text(single, "conv code"));
  CHECK_FALSE(has_text(single, "train: batch loss at each logged step"));
  CHECK(dae::model_color("conv") == dae::series_color(2));
}

TEST_CASE("compare: the equivalent command wraps before its options", "[compare]") {
  const std::string command =
      "mnist_dae compare --data data/mnist --out reports/compare --epochs 2 --lr 0.001 --train-limit 2000 "
      "--batch-size 64 --noise-std 0.1 --seed 0 --test-limit 500 --probe-train 2000 --device cpu";
  const std::string wrapped = dae::wrap_command(command, 60);
  CHECK(wrapped ==
        "mnist_dae compare --data data/mnist --out reports/compare \\\n"
        "  --epochs 2 --lr 0.001 --train-limit 2000 --batch-size 64 \\\n"
        "  --noise-std 0.1 --seed 0 --test-limit 500 \\\n"
        "  --probe-train 2000 --device cpu");
  std::string lines = wrapped + "\n";
  for (size_t at = 0, end; (end = lines.find('\n', at)) != std::string::npos; at = end + 1) CHECK(end - at <= 60);
  CHECK(dae::wrap_command("mnist_dae compare", 60) == "mnist_dae compare");
}

TEST_CASE("compare: end to end on a small subset, then again from its checkpoints", "[compare][app][dataset]") {
  TempDir dir;
  const std::string out = dir.file("trained"), again = dir.file("loaded");
  // clang-format off
  const std::vector<std::string> common = {"compare", "--device", "cpu", "--data", DAE_MNIST_DIR,
                                           "--test-limit", "128", "--batch-size", "64", "--probe-train", "256"};
  // clang-format on
  std::vector<std::string> train_args = common;
  train_args.insert(train_args.end(), {"--out", out, "--train-limit", "256", "--epochs", "1"});
  REQUIRE(dae::run_compare_command(dae::parse_options(train_args)) == 0);
  // A second comparison into the same folder is refused before it trains, unless --overwrite.
  REQUIRE_ERROR(dae::run_compare_command(dae::parse_options(train_args)), "already holds a comparison", "--overwrite",
                "--load-dir " + out + "/checkpoints");

  for (const char* file : {"report.md", "report.html", "loss.png", "loss.svg", "samples.png", "noise_sweep.png",
                           "noise_sweep.svg", "classifiers.png", "classifiers.svg", "checkpoints/linear.safetensors",
                           "checkpoints/mlp.safetensors", "checkpoints/conv.safetensors"}) {
    INFO(file);
    CHECK(std::filesystem::is_regular_file(out + "/" + file));
  }
  const std::string markdown = dae::test::read_file(out + "/report.md"),
                    html = dae::test::read_file(out + "/report.html");
  for (const std::string& section : dae::comparison_sections()) {
    INFO(section);
    CHECK_THAT(markdown, Catch::Contains("\n## " + section + "\n"));
    CHECK_THAT(html, Catch::Contains("\">" + section + "</h2>"));
  }
  for (const char* row :
       {"| linear | 201,616 |", "| mlp | 468,368 |", "| conv | 771,425 |", "| noisy input (baseline) |",
        "| raw pixels | 784 |", "| linear code, untrained | 128 |", "| linear code, trained | 128 |",
        "| mlp code, trained | 128 |", "| conv code, untrained | 12,544 |", "| conv code, trained | 12,544 |",
        "| train conv (1 epoch, each with its test MSE) |", "| classifiers on the untrained conv code |"})
    CHECK_THAT(markdown, Catch::Contains(row));
  CHECK(count_of(html, "<svg") == 3);
  CHECK(count_of(html, "src=") == 1);
  CHECK(png_file_size(out + "/loss.png").width == 800);
  CHECK(png_file_size(out + "/noise_sweep.png").height == 480);
  // The first 128 test images hold every digit: ten columns of 28 x 3 pixels.
  CHECK(png_file_size(out + "/samples.png").width > 10 * 28 * dae::kSampleGridScale);
  CHECK(dae::test::read_file(out + "/loss.svg").find("<svg") != std::string::npos);

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
  CHECK(measurements_of(dae::test::read_file(again + "/report.md")) == measurements_of(markdown));
  CHECK_FALSE(std::filesystem::exists(again + "/checkpoints"));
}

TEST_CASE("mnist_dae compare: a --load-dir without checkpoints exits 1 naming what is missing",
          "[compare][cli][dataset]") {
  TempDir dir;
  const std::string command = std::string(DAE_MNIST_DAE_BINARY) + " compare --device cpu --data " + DAE_MNIST_DIR +
                              " --load-dir " + dir.file("nowhere") + " --out " + dir.file("out") + " > " +
                              dir.file("log") + " 2>&1";
  const int status = std::system(command.c_str());
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 1);
  CHECK_THAT(dae::test::read_file(dir.file("log")), Catch::Contains("no checkpoint of the linear model"));
}
