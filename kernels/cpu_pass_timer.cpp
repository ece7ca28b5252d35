#include "kernels/cpu_pass_timer.h"

#include <time.h>

#include <atomic>
#include <mutex>

namespace dae::cpu {

namespace {
std::atomic<bool> g_enabled{false};
std::mutex g_mutex;
std::map<std::string, PassTotals> g_totals;
}  // namespace

double thread_seconds() {
  timespec now;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

void enable_pass_timing(bool on) { g_enabled = on; }
bool pass_timing_enabled() { return g_enabled; }

std::map<std::string, PassTotals> take_pass_times() {
  std::lock_guard<std::mutex> lock(g_mutex);
  std::map<std::string, PassTotals> taken;
  taken.swap(g_totals);
  return taken;
}

PassTimer::PassTimer(const char* name, const ProductShape& product)
    : name_(name), product_(product), active_(g_enabled) {
  if (active_) start_ = thread_seconds();
}

PassTimer::~PassTimer() {
  if (!active_) return;
  const double seconds = thread_seconds() - start_;
  std::lock_guard<std::mutex> lock(g_mutex);  // a pass takes microseconds at least: the lock is noise
  PassTotals& totals = g_totals[name_];
  totals.calls += 1;
  totals.seconds += seconds;
  totals.flops += product_.flops();
  if (product_.flops() > totals.product.flops()) totals.product = product_;
}

}  // namespace dae::cpu
