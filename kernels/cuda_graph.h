// CUDA graphs: the work a function enqueues on the stream, recorded once and then launched as
// many times as wanted with one call each (the same kernels, arguments and pointers every
// time). What a replay must not depend on, and how a training step is made replayable:
// core/captured_step.h. Declared for every build; defined in cuda_graph.cu only when the CUDA
// backend is built (core/ calls it only then).
#pragma once

#include <functional>

namespace dae::cuda {

class Graph {
 public:
  // Runs `enqueue` with the stream in capture mode: what it enqueues is recorded, not run (it
  // runs at launch()). Capture mode forbids what cannot be replayed (a host synchronization,
  // a host-to-device copy, a device-wide allocation): such a call fails, and the error names
  // the capture. Allocations and frees on the stream are recorded as graph memory, which each
  // launch allocates and frees again.
  explicit Graph(const std::function<void()>& enqueue);
  ~Graph();
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  // Enqueues the recorded work on the stream (asynchronous, like any kernel launch).
  void launch() const;

 private:
  void* graph_ = nullptr;       // cudaGraph_t
  void* executable_ = nullptr;  // cudaGraphExec_t
};

}  // namespace dae::cuda
