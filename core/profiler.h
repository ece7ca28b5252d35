// Per-op accounting for benchmarks: how often each op ran, for how long, and how many FLOPs
// and bytes it had to move, forward and backward apart ("conv2d", "conv2d.backward").
// FLOPs count the multiply-adds of the products (2 per MAC) and one per element otherwise;
// bytes count each input read and each output written once: together they give the floor
// an op cannot beat on a given machine.
//
// An op may also name its layer (e.g. "conv2d 32->64 28x28"): its calls are then counted a
// second time under (layer, op), with the time of each pass inside its CPU kernel
// (kernels/cpu_pass_timer.h), for the per-layer table of `mnist_dae bench conv --profile`.
//
// Off by default, when an OpScope costs one branch. On, a CUDA op's scope waits for the GPU
// at its end so the time is the op's own (which slows the run: profile in a separate pass).
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "core/device.h"
#include "kernels/cpu_pass_timer.h"

namespace dae {

struct OpStats {
  int64_t calls = 0;
  double seconds = 0, flops = 0, bytes = 0;
  std::map<std::string, cpu::PassTotals> passes;  // layer entries of CPU ops only
};

struct LayerOpStats {
  std::string layer, op;
  OpStats stats;
};

namespace profiler {
void enable(bool on);
bool enabled();
void reset();
const std::map<std::string, OpStats>& stats();
// In the order the (layer, op) pairs first ran.
const std::vector<LayerOpStats>& layer_stats();
}  // namespace profiler

class OpScope {
 public:
  OpScope(const char* name, Device device, double flops, double bytes);
  // `layer` is only read when the profiler is on: pass a function that builds it.
  template <typename LayerName>
  OpScope(const char* name, Device device, double flops, double bytes, LayerName layer)
      : OpScope(name, device, flops, bytes) {
    if (active_) start_layer(layer());
  }
  ~OpScope();
  OpScope(const OpScope&) = delete;
  OpScope& operator=(const OpScope&) = delete;

 private:
  void start_layer(std::string layer);

  const char* name_;
  Device device_;
  double flops_, bytes_;
  bool active_;
  std::string layer_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace dae
