// Per-op accounting for benchmarks: how often each op ran, for how long, and how many FLOPs
// and bytes it had to move, forward and backward apart ("conv2d", "conv2d.backward").
// FLOPs count the multiply-adds of the products (2 per MAC) and one per element otherwise;
// bytes count each input read and each output written once: together they give the floor
// an op cannot beat on a given machine.
//
// Off by default, when an OpScope costs one branch. On, a CUDA op's scope waits for the GPU
// at its end so the time is the op's own (which slows the run: profile in a separate pass).
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "core/device.h"

namespace dae {

struct OpStats {
  int64_t calls = 0;
  double seconds = 0, flops = 0, bytes = 0;
};

namespace profiler {
void enable(bool on);
bool enabled();
void reset();
const std::map<std::string, OpStats>& stats();
}  // namespace profiler

class OpScope {
 public:
  OpScope(const char* name, Device device, double flops, double bytes);
  ~OpScope();
  OpScope(const OpScope&) = delete;
  OpScope& operator=(const OpScope&) = delete;

 private:
  const char* name_;
  Device device_;
  double flops_, bytes_;
  bool active_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace dae
