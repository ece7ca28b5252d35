// CapturedStep: a training step replayed as one CUDA graph (the --cuda-graph option).
//
// On the GPU a training step of the small models is about 21 short kernels, and each launch
// costs the host 2-3 us: more than the kernels themselves take. A graph records the step's
// launches once and replays them all with one call. run():
//   1st call  runs the step as usual: it creates what it needs once (the cuBLAS and cuDNN
//             handles and plans, the scratch workspace at its largest);
//   2nd call  captures the step (cuda::Graph: its work is recorded, not run) and launches it;
//   later     launches the graph again, and nothing else.
// A replay repeats the recorded kernels with the recorded arguments and pointers, so:
// - what changes from step to step is read from device memory by the kernels themselves: the
//   optimizer's step count and bias corrections (kernels/adam.h: AdamStepState) and the
//   noise draw (NoiseParams::stream_offset);
// - new inputs are copied into the same buffers before each run (TrainingRun copies the
//   batch's example indices into one buffer);
// - no buffer the step uses may be freed or moved while the graph lives (parameters, Adam's
//   buffers, the data set); the step must not free memory it did not allocate itself;
// - host state the step changes does not change in a replay: `host_counters` (BatchNorm's
//   num_batches_tracked) are advanced at each replay by what the captured call added to them.
// The step's result (the loss) is copied into one tensor that every run returns, overwritten
// by the next run: use it (or enqueue work on it) before then.
// Nothing is captured on the CPU, and a run while the profiler is on runs the step as usual
// (the profiler synchronizes around each op, which a capture forbids and a replay would hide).
// Test: tests/test_cuda_graph.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/tensor.h"

namespace dae {

namespace cuda {
class Graph;
}  // namespace cuda

class CapturedStep {
 public:
  CapturedStep(std::function<Tensor()> step, std::vector<int64_t*> host_counters);
  CapturedStep(const CapturedStep&) = delete;
  CapturedStep& operator=(const CapturedStep&) = delete;

  // One step: its result tensor (see above for whose it is).
  Tensor run();
  // True once the step has been captured (from the second run on, on the GPU).
  bool captured() const { return graph_ != nullptr; }

 private:
  void capture();

  std::function<Tensor()> step_;
  std::vector<int64_t*> host_counters_;
  std::vector<int64_t> increments_;  // what the captured call added to each counter
  int64_t runs_ = 0;
  Device device_ = Device::CPU;         // the step's, seen at the first run
  Tensor result_;                       // the graph's copy of the step's result
  std::shared_ptr<cuda::Graph> graph_;  // shared_ptr: deletable where cuda::Graph is incomplete
};

}  // namespace dae
