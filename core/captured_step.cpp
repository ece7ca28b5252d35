#include "core/captured_step.h"

#include "core/error.h"
#include "core/profiler.h"
#ifdef DAE_WITH_CUDA
#include "kernels/cuda_graph.h"
#endif

namespace dae {

CapturedStep::CapturedStep(std::function<Tensor()> step, std::vector<int64_t*> host_counters)
    : step_(std::move(step)), host_counters_(std::move(host_counters)) {}

Tensor CapturedStep::run() {
  if (!graph_ || profiler::enabled()) {
    if (runs_++ == 0 || device_ != Device::CUDA || profiler::enabled()) {
      Tensor result = step_();
      device_ = result.device();
      // Where the graph will copy its result. Allocated in the capture, it would be graph memory,
      // freed again at the end of every replay.
      if (device_ == Device::CUDA && !result_.defined()) result_ = Tensor::empty(result.shape(), device_);
      return result;
    }
    capture();  // the capture ran the step's host code: the counters are advanced already
  } else {
    for (size_t i = 0; i < host_counters_.size(); ++i) *host_counters_[i] += increments_[i];
  }
#ifdef DAE_WITH_CUDA
  graph_->launch();
#endif
  return result_;
}

void CapturedStep::capture() {
#ifdef DAE_WITH_CUDA
  std::vector<int64_t> before;
  for (const int64_t* counter : host_counters_) before.push_back(*counter);
  try {
    graph_ = std::make_shared<cuda::Graph>([this] { result_.copy_from(step_()); });
  } catch (const Error& error) {
    DAE_THROW("capturing the training step as a CUDA graph failed: " << error.what());
  }
  increments_.clear();
  for (size_t i = 0; i < host_counters_.size(); ++i) increments_.push_back(*host_counters_[i] - before[i]);
#else
  DAE_THROW("CapturedStep: a CUDA step in a build without CUDA support");
#endif
}

}  // namespace dae
