#include "core/profiler.h"

#ifdef DAE_WITH_CUDA
#include "kernels/cuda_runtime.h"
#endif

namespace dae {

namespace {
bool g_enabled = false;
std::map<std::string, OpStats> g_stats;

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
void reset() { g_stats.clear(); }
const std::map<std::string, OpStats>& stats() { return g_stats; }
}  // namespace profiler

OpScope::OpScope(const char* name, Device device, double flops, double bytes)
    : name_(name), device_(device), flops_(flops), bytes_(bytes), active_(g_enabled) {
  if (!active_) return;
  wait_for(device_);  // so that earlier queued work is not billed to this op
  start_ = std::chrono::steady_clock::now();
}

OpScope::~OpScope() {
  if (!active_) return;
  try {
    wait_for(device_);
  } catch (...) {  // a failed op reports its own error; the profile entry is just skipped
    return;
  }
  OpStats& s = g_stats[name_];
  s.calls += 1;
  s.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  s.flops += flops_;
  s.bytes += bytes_;
}

}  // namespace dae
