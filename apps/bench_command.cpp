#include "apps/bench_command.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "apps/data/random_images.h"
#include "apps/device_setup.h"
#include "apps/option_mapping.h"
#include "apps/training/training_run.h"
#include "core/atomic_file.h"
#include "core/profiler.h"
#include "kernels/cpu_gemm.h"

namespace dae {

namespace {

struct BenchResult {
  std::string model;
  double median_seconds = 0, min_seconds = 0, max_seconds = 0;
  double images_per_second = 0;
  double flops_per_step = 0, bytes_per_step = 0;
};

// `count` random images on `device`.
std::shared_ptr<const DeviceDataset> synthetic_split(int64_t count, Generator& generator, Device device) {
  return std::make_shared<const DeviceDataset>(random_images(count, generator), 0, device);
}

double run_steps(TrainingRun& run, const Storage& order, int64_t steps) {
  const auto start = std::chrono::steady_clock::now();
  const int64_t batch = run.config().batch_size, batches = run.train_set().count() / batch;
  Tensor loss;
  for (int64_t s = 0; s < steps; ++s) loss = run.train_step(order, (s % batches) * batch);
  loss.item();  // waits for the device
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string format_fixed(double value, int decimals) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

void print_profile(int64_t steps, double step_seconds) {
  std::printf("  %-28s %7s %10s %9s %10s %9s %9s\n", "op", "calls", "ms/step", "share", "GFLOP/step", "GFLOP/s",
              "GB/s");
  double total = 0;
  for (const auto& entry : profiler::stats()) total += entry.second.seconds;
  std::vector<std::pair<std::string, OpStats>> rows(profiler::stats().begin(), profiler::stats().end());
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second.seconds > b.second.seconds; });
  for (const auto& [name, s] : rows) {
    std::printf("  %-28s %7lld %10.3f %8.1f%% %10.4f %9.1f %9.1f\n", name.c_str(),
                static_cast<long long>(s.calls / steps), 1e3 * s.seconds / static_cast<double>(steps),
                100.0 * s.seconds / total, s.flops / 1e9 / static_cast<double>(steps), s.flops / 1e9 / s.seconds,
                s.bytes / 1e9 / s.seconds);
  }
  std::printf("  ops total %.3f ms/step of %.3f ms/step measured (the rest: autograd, allocation, gaps)\n\n",
              1e3 * total / static_cast<double>(steps), 1e3 * step_seconds);
}

// The columns of one (layer, pass) row after its time and FLOPs: the products inside it
// (thread-ms, rate per thread, the rate of the same product alone on one thread, its shape), all
// its passes' thread-ms together, and each other pass's.
struct PassColumns {
  std::string product = "-", rate = "-", alone = "-", shape = "-", cpu, others;
};

PassColumns pass_columns(const OpStats& s, double per_step) {
  PassColumns c;
  double cpu_seconds = 0;
  for (const auto& [name, t] : s.passes) {
    cpu_seconds += t.seconds;
    if (name == "product") {
      c.product = format_fixed(1e3 * t.seconds * per_step, 1);
      c.rate = format_fixed(t.flops / t.seconds / 1e9, 1);
      c.alone = format_fixed(t.product.flops() / cpu::product_seconds_alone(t.product) / 1e9, 1);
      c.shape = std::to_string(t.product.m) + " x " + std::to_string(t.product.n) + " x " +
                std::to_string(t.product.k) + (t.product.transpose_a ? " Aᵀ" : "") +
                (t.product.transpose_b ? " Bᵀ" : "");
    } else {
      c.others += (c.others.empty() ? "" : ", ") + name + " " + format_fixed(1e3 * t.seconds * per_step, 1);
    }
  }
  c.cpu = format_fixed(1e3 * cpu_seconds * per_step, 1);
  return c;
}

// One row per (layer, pass) of the layers that name themselves (the convolutions), layers in
// the order the forward runs them. Markdown, for docs/benchmarks.md.
void print_layer_profile(int64_t steps) {
  const auto& entries = profiler::layer_stats();
  if (entries.empty()) return;
  std::vector<std::string> layers;
  for (const LayerOpStats& e : entries)
    if (std::find(layers.begin(), layers.end(), e.layer) == layers.end()) layers.push_back(e.layer);
  const double per_step = 1.0 / static_cast<double>(steps);
  std::printf(
      "| layer | pass | ms | GFLOP | GFLOP/s | passes, thread-ms | product thread-ms | product GFLOP/s "
      "| alone GFLOP/s | product m x n x k | other passes, thread-ms |\n");
  std::printf("|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
  double total = 0;
  for (const std::string& layer : layers) {
    std::vector<const LayerOpStats*> rows;  // forward, backward_input, backward_weight
    for (const LayerOpStats& e : entries)
      if (e.layer == layer) rows.push_back(&e);
    std::sort(rows.begin(), rows.end(), [](auto* a, auto* b) {
      return a->op.size() < b->op.size() || (a->op.size() == b->op.size() && a->op < b->op);
    });
    for (const LayerOpStats* e : rows) {
      const OpStats& s = e->stats;
      total += s.seconds * per_step;
      const auto dot = e->op.find('.');
      const PassColumns c = pass_columns(s, per_step);
      std::printf("| %s | %s | %.1f | %.2f | %.1f | %s | %s | %s | %s | %s | %s |\n", layer.c_str(),
                  dot == std::string::npos ? "forward" : e->op.substr(dot + 1).c_str(), 1e3 * s.seconds * per_step,
                  s.flops * per_step / 1e9, s.flops / s.seconds / 1e9, c.cpu.c_str(), c.product.c_str(), c.rate.c_str(),
                  c.alone.c_str(), c.shape.c_str(), c.others.c_str());
    }
  }
  std::printf(
      "\n  the layers above: %.1f ms/step. ms: wall time of the op; GFLOP: the direct convolution's;\n"
      "  thread-ms: CPU time of the threads that ran a pass, summed; a product's GFLOP/s: its own\n"
      "  multiply-adds (Winograd's are 2.25-4x fewer) per thread-second\n\n",
      1e3 * total);
}

BenchResult bench_model(const Options& options, const std::string& model, Device device) {
  Generator generator(options.seed);
  const auto train = synthetic_split(synthetic_image_count(options.batch_size, options.steps), generator, device);
  TrainingRun run(training_config(options, model), train, synthetic_split(1, generator, device));
  const auto order = run.train_set().upload_order(identity_order(run.train_set().count()));

  if (options.warmup > 0) run_steps(run, *order, std::min(options.warmup, options.steps));
  std::vector<double> seconds;
  for (int64_t r = 0; r < options.repeats; ++r) seconds.push_back(run_steps(run, *order, options.steps));
  std::sort(seconds.begin(), seconds.end());

  BenchResult result;
  result.model = model;
  result.median_seconds = seconds[seconds.size() / 2];
  result.min_seconds = seconds.front();
  result.max_seconds = seconds.back();
  result.images_per_second = static_cast<double>(options.steps * options.batch_size) / result.median_seconds;

  // Counting pass: one step (or --steps with --profile), op by op.
  const int64_t counted_steps = options.profile ? options.steps : 1;
  profiler::reset();
  profiler::enable(true);
  run_steps(run, *order, counted_steps);
  profiler::enable(false);
  for (const auto& entry : profiler::stats()) {
    result.flops_per_step += entry.second.flops / static_cast<double>(counted_steps);
    result.bytes_per_step += entry.second.bytes / static_cast<double>(counted_steps);
  }
  const double step = result.median_seconds / static_cast<double>(options.steps);
  std::printf(
      "%-7s %10.0f img/s   %8.3f ms/step (min %.3f, max %.3f)   %7.3f GFLOP/step  %7.1f GFLOP/s  %7.3f GB/step\n",
      model.c_str(), result.images_per_second, 1e3 * step,
      1e3 * result.min_seconds / static_cast<double>(options.steps),
      1e3 * result.max_seconds / static_cast<double>(options.steps), result.flops_per_step / 1e9,
      result.flops_per_step / 1e9 / step, result.bytes_per_step / 1e9);
  std::fflush(stdout);
  if (options.profile) {
    print_profile(counted_steps, step);
    print_layer_profile(counted_steps);
  }
  return result;
}

}  // namespace

int64_t synthetic_image_count(int64_t batch_size, int64_t steps) {
  // With steps below the cap, steps x batch_size cannot overflow for any batch the options accept.
  if (steps >= kMaxSyntheticImages) return std::max(batch_size, kMaxSyntheticImages);
  return std::max(batch_size, std::min(batch_size * steps, kMaxSyntheticImages));
}

int run_bench_command(const Options& options) {
  std::printf("mnist_dae bench: %lld timed steps x %lld repeats after %lld warm-up steps, batch %lld\n",
              static_cast<long long>(options.steps), static_cast<long long>(options.repeats),
              static_cast<long long>(options.warmup), static_cast<long long>(options.batch_size));
  const Device device = set_up_device(options);
  std::printf("\n");
  nlohmann::json results = nlohmann::json::array();
  for (const std::string& model : models_of(options)) {
    const BenchResult r = bench_model(options, model, device);
    results.push_back({{"model", r.model},
                       {"device", device_name(device)},
                       {"threads", cpu_threads()},
                       {"batch_size", options.batch_size},
                       {"steps", options.steps},
                       {"repeats", options.repeats},
                       {"images_per_s", r.images_per_second},
                       {"ms_per_step_median", 1e3 * r.median_seconds / static_cast<double>(options.steps)},
                       {"ms_per_step_min", 1e3 * r.min_seconds / static_cast<double>(options.steps)},
                       {"ms_per_step_max", 1e3 * r.max_seconds / static_cast<double>(options.steps)},
                       {"gflop_per_step", r.flops_per_step / 1e9},
                       {"gb_per_step", r.bytes_per_step / 1e9},
                       {"peak_device_bytes", cuda_peak_memory_bytes()}});
  }
  if (!options.json_path.empty()) write_file_atomically(options.json_path, results.dump(2) + "\n");
  return 0;
}

}  // namespace dae
