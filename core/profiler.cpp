#include "core/profiler.h"

#ifdef DAE_WITH_CUDA
#include "kernels/cuda_runtime.h"
#endif

namespace dae {

namespace {
bool g_enabled = false;
std::map<std::string, OpStats> g_stats;
std::vector<LayerOpStats> g_layer_stats;

void add(OpStats& s, double seconds, double flops, double bytes) {
  s.calls += 1;
  s.seconds += seconds;
  s.flops += flops;
  s.bytes += bytes;
}

OpStats& layer_entry(const std::string& layer, const char* op) {
  for (LayerOpStats& entry : g_layer_stats)
    if (entry.layer == layer && entry.op == op) return entry.stats;
  g_layer_stats.push_back({layer, op, {}});
  return g_layer_stats.back().stats;
}

void wait_for(Device device) {
#ifdef DAE_WITH_CUDA
  if (device == Device::CUDA) cuda::synchronize();
#else
  (void)device;
#endif
}
}  // namespace

namespace profiler {
void enable(bool on) { g_enabled = on; }
bool enabled() { return g_enabled; }
void reset() {
  g_stats.clear();
  g_layer_stats.clear();
}
const std::map<std::string, OpStats>& stats() { return g_stats; }
const std::vector<LayerOpStats>& layer_stats() { return g_layer_stats; }
}  // namespace profiler

OpScope::OpScope(const char* name, Device device, double flops, double bytes)
    : name_(name), device_(device), flops_(flops), bytes_(bytes), active_(g_enabled) {
  if (!active_) return;
  wait_for(device_);  // so that earlier queued work is not billed to this op
  start_ = std::chrono::steady_clock::now();
}

OpScope::~OpScope() {
  if (!active_) return;
  cpu::enable_pass_timing(false);
  try {
    wait_for(device_);
  } catch (...) {  // a failed op reports its own error; the profile entry is just skipped
    return;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  add(g_stats[name_], seconds, flops_, bytes_);
  if (layer_.empty()) return;
  OpStats& layer = layer_entry(layer_, name_);
  add(layer, seconds, flops_, bytes_);
  for (const auto& [pass, totals] : cpu::take_pass_times()) {
    cpu::PassTotals& sum = layer.passes[pass];
    sum.calls += totals.calls;
    sum.seconds += totals.seconds;
    sum.flops += totals.flops;
    if (totals.product.flops() > sum.product.flops()) sum.product = totals.product;
  }
}

void OpScope::start_layer(std::string layer) {
  layer_ = std::move(layer);
  cpu::take_pass_times();  // drops passes of unlabelled work before this op
  cpu::enable_pass_timing(device_ == Device::CPU);
}

}  // namespace dae
