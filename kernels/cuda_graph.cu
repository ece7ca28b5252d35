// CUDA graph capture and launch on the one stream (cuda_graph.h). Capture mode global: a call
// that is not allowed while a stream captures fails in any thread, so nothing unrecordable
// slips into a graph unnoticed. While a graph lives the scratch workspace it recorded must
// not move: cuda_context.cu keeps a grown-out-of workspace alive until the last graph goes.
// Test: tests/test_cuda_graph.cpp (graph and eager training give the same bits).
#include "kernels/cuda_check.h"
#include "kernels/cuda_context.h"
#include "kernels/cuda_graph.h"

namespace dae::cuda {

Graph::Graph(const std::function<void()>& enqueue) {
  DAE_CUDA_CHECK(cudaStreamBeginCapture(stream(), cudaStreamCaptureModeGlobal));
  try {
    enqueue();
  } catch (...) {
    // Leave capture mode whatever happened, or the stream stays unusable; the partial graph
    // (or the invalidated capture's error) is dropped, the enqueue's own error goes on.
    cudaGraph_t partial = nullptr;
    if (cudaStreamEndCapture(stream(), &partial) == cudaSuccess && partial) cudaGraphDestroy(partial);
    cudaGetLastError();
    throw;
  }
  cudaGraph_t graph = nullptr;
  DAE_CUDA_CHECK(cudaStreamEndCapture(stream(), &graph));
  graph_ = graph;
  cudaGraphExec_t executable = nullptr;
  const cudaError_t status = cudaGraphInstantiate(&executable, graph, 0);
  if (status != cudaSuccess) {
    cudaGraphDestroy(graph);
    DAE_CUDA_CHECK(status);
  }
  executable_ = executable;
  detail::graph_created();
}

Graph::~Graph() {
  DAE_CUDA_WARN(cudaGraphExecDestroy(static_cast<cudaGraphExec_t>(executable_)));
  DAE_CUDA_WARN(cudaGraphDestroy(static_cast<cudaGraph_t>(graph_)));
  detail::graph_destroyed();
}

void Graph::launch() const { DAE_CUDA_CHECK(cudaGraphLaunch(static_cast<cudaGraphExec_t>(executable_), stream())); }

}  // namespace dae::cuda
