// The time of each pass inside a CPU kernel (im2col, the matrix products, transforms, ...), for
// `mnist_dae bench --profile`: it shows how much of a layer's time the products take, how fast
// they run against the same product timed alone, and what every other pass costs.
//
// Off by default, when a PassTimer costs one branch. A pass's time is the CPU time of the
// thread that ran it (time spent descheduled while another program held the core is not
// counted), and when several threads run passes at once (chunks of images in parallel) their
// times add up: a product's rate (its FLOPs over its thread-seconds) is the rate of one core,
// comparable with product_seconds_alone on one thread. Not covered by tests (it only reads
// clocks); the bench prints it.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "kernels/cpu_gemm.h"

namespace dae::cpu {

struct PassTotals {
  int64_t calls = 0;
  double seconds = 0;    // summed over threads
  double flops = 0;      // products only
  ProductShape product;  // the largest product of this pass (the chunks' shape)
};

// CPU time of the calling thread: what a pass is billed (not the time its thread waited for a
// core that another program held).
double thread_seconds();

void enable_pass_timing(bool on);
bool pass_timing_enabled();
// The passes timed since the last call, by name; clears them.
std::map<std::string, PassTotals> take_pass_times();

// Times the enclosing block as pass `name` (a string literal) when timing is on. Safe to use
// from several threads at once.
class PassTimer {
 public:
  explicit PassTimer(const char* name, const ProductShape& product = {});
  ~PassTimer();
  PassTimer(const PassTimer&) = delete;
  PassTimer& operator=(const PassTimer&) = delete;

 private:
  const char* name_;
  ProductShape product_;
  bool active_;
  double start_ = 0;
};

}  // namespace dae::cpu
