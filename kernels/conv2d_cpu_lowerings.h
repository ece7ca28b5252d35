// The two ways the CPU computes a convolution (kernels/conv2d.h), for conv2d_cpu.cpp to choose
// from by shape. Same arguments and contract as the cpu:: functions of conv2d.h.
#pragma once

#include <algorithm>

#include "kernels/conv2d.h"
#include "kernels/cpu_threads.h"

namespace dae::cpu {

// Both split the batch into chunks of images that the threads take in turn (Winograd: groups
// of 16; im2col: at least kMinChunks where the batch allows, enough for two cores to even each
// other out), set by the shape alone, so that no result depends on the thread count. A weight
// gradient sums its chunks in kGradientParts consecutive runs, each into its own buffer, and
// adds the runs in order.
constexpr int64_t kMinChunks = 4;
constexpr int64_t kGradientParts = 4;

// Calls body(part, chunk, first) for every chunk: the parts in parallel, the chunks of each part
// in order on one thread, `first` for the first chunk of its part (which overwrites the part's
// sums; the others add to them). Returns the number of parts.
template <typename Body>
int64_t for_each_chunk_by_part(int64_t chunks, Body body) {
  const int64_t parts = std::min(chunks, kGradientParts);
  parallel_for(parts, [&](int64_t part) {
    const int64_t first = chunks * part / parts;
    for (int64_t chunk = first; chunk < chunks * (part + 1) / parts; ++chunk) body(part, chunk, chunk == first);
  });
  return parts;
}

namespace im2col {  // any geometry: columns + sgemm (conv2d_im2col_cpu.cpp)
void forward(const float* x, const float* weight, float* y, const Conv2dShape& shape);
void backward_input(const float* dy, const float* weight, float* dx, const Conv2dShape& shape);
void backward_weight(const float* dy, const float* x, float* dweight, const Conv2dShape& shape);
}  // namespace im2col

namespace winograd {  // 3x3 kernels, stride 1, padding 0-2: F(4x4, 3x3) (conv2d_winograd_cpu.cpp)
bool applies(const Conv2dShape& shape);
void forward(const float* x, const float* weight, float* y, const Conv2dShape& shape);
void backward_input(const float* dy, const float* weight, float* dx, const Conv2dShape& shape);
void backward_weight(const float* dy, const float* x, float* dweight, const Conv2dShape& shape);
}  // namespace winograd

}  // namespace dae::cpu
