// 2-D convolution on the GPU with cuDNN's legacy API (still in cuDNN 9's cudnn_cnn.h):
//   forward          y [N, O, Ho, Wo] = x * W          cudnnConvolutionForward
//   backward input   dx [N, C, H, W] from dy and W     cudnnConvolutionBackwardData
//   backward weight  dW [O, C, kH, kW] from x and dy   cudnnConvolutionBackwardFilter
// NCHW float, CUDNN_CROSS_CORRELATION (PyTorch's nn.Conv2d; CUDNN_CONVOLUTION would flip the
// kernel), the shape's padding and stride on both axes, dilation 1; alpha = 1, beta = 0, so
// each call overwrites its output. cuDNN sizes the output as 1 + (H + 2p - kH) / s, the same
// floor as Conv2dShape, so the backward passes also serve shapes where H + 2p - kH is not a
// multiple of s (conv_transpose2d with output_padding, core/ops_conv.cpp): input rows that no
// window reaches get a zero gradient. Formulas: conv2d.h; reference: conv2d_cpu.cpp.
// Tests: test_cuda_ops.cpp (against the CPU, including odd stride-2 shapes).
#include "kernels/conv2d.h"
#include "kernels/cuda_check.h"
#include "kernels/cuda_context.h"
#include "kernels/cudnn_descriptors.h"

namespace dae::cuda {

namespace {

constexpr size_t kMaxWorkspaceBytes = size_t{256} << 20;
constexpr int kMaxRankedAlgorithms = 16;  // more than cuDNN has in any direction

struct Tensors {
  explicit Tensors(const Conv2dShape& s)
      : x(nchw_descriptor(s.batch, s.in_channels, s.in_height, s.in_width)),
        y(nchw_descriptor(s.batch, s.out_channels, s.out_height(), s.out_width())) {
    DAE_CUDA_CHECK(cudnnSetFilter4dDescriptor(weight.get(), CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW,
                                              cudnn_int(s.out_channels), cudnn_int(s.in_channels),
                                              cudnn_int(s.kernel_height), cudnn_int(s.kernel_width)));
  }
  TensorDescriptor x, y;  // y also describes dy, x also dx
  FilterDescriptor weight;
};

// One direction's algorithm. Each direction has its own convolution descriptor because cuDNN
// reads the math type from it, and that must be the math type the algorithm was chosen for.
template <typename Algorithm>
struct Plan {
  ConvolutionDescriptor convolution;
  Algorithm algorithm{};
  size_t workspace_bytes = 0;
};

// cuDNN's heuristic ranking (cudnnGet*Algorithm_v7: no trial runs, no buffers) and the exact
// workspace of one algorithm, for each direction; the overloads differ only in argument order.
void rank(const Tensors& t, cudnnConvolutionDescriptor_t c, int* count, cudnnConvolutionFwdAlgoPerf_t* out) {
  DAE_CUDA_CHECK(cudnnGetConvolutionForwardAlgorithm_v7(cudnn(), t.x.get(), t.weight.get(), c, t.y.get(),
                                                        kMaxRankedAlgorithms, count, out));
}
void rank(const Tensors& t, cudnnConvolutionDescriptor_t c, int* count, cudnnConvolutionBwdDataAlgoPerf_t* out) {
  DAE_CUDA_CHECK(cudnnGetConvolutionBackwardDataAlgorithm_v7(cudnn(), t.weight.get(), t.y.get(), c, t.x.get(),
                                                             kMaxRankedAlgorithms, count, out));
}
void rank(const Tensors& t, cudnnConvolutionDescriptor_t c, int* count, cudnnConvolutionBwdFilterAlgoPerf_t* out) {
  DAE_CUDA_CHECK(cudnnGetConvolutionBackwardFilterAlgorithm_v7(cudnn(), t.x.get(), t.y.get(), c, t.weight.get(),
                                                               kMaxRankedAlgorithms, count, out));
}
void workspace_size(const Tensors& t, cudnnConvolutionDescriptor_t c, cudnnConvolutionFwdAlgo_t a, size_t* bytes) {
  DAE_CUDA_CHECK(cudnnGetConvolutionForwardWorkspaceSize(cudnn(), t.x.get(), t.weight.get(), c, t.y.get(), a, bytes));
}
void workspace_size(const Tensors& t, cudnnConvolutionDescriptor_t c, cudnnConvolutionBwdDataAlgo_t a, size_t* bytes) {
  DAE_CUDA_CHECK(
      cudnnGetConvolutionBackwardDataWorkspaceSize(cudnn(), t.weight.get(), t.y.get(), c, t.x.get(), a, bytes));
}
void workspace_size(const Tensors& t, cudnnConvolutionDescriptor_t c, cudnnConvolutionBwdFilterAlgo_t a,
                    size_t* bytes) {
  DAE_CUDA_CHECK(
      cudnnGetConvolutionBackwardFilterWorkspaceSize(cudnn(), t.x.get(), t.y.get(), c, t.weight.get(), a, bytes));
}

// How much we want a ranked result (lower is better; -1: not usable). Usable: status success
// and a workspace within kMaxWorkspaceBytes, never ALLOW_CONVERSION's fp16 down-conversion.
// With TF32 off, cuDNN reports plain-fp32 kernels as FMA_MATH, but algorithms that have no
// tensor-core form come back as DEFAULT_MATH whatever the descriptor said ("returned as
// such", in cuDNN's words): those are accepted after the FMA ones, and make_plan pins the
// descriptor to FMA_MATH so TF32 cannot creep in. Deterministic algorithms are preferred, so
// that a seeded GPU run repeats bit for bit (the others use atomics in backward-weight).
template <typename Perf>
int preference(const Perf& p, bool tf32) {
  if (p.status != CUDNN_STATUS_SUCCESS || p.memory > kMaxWorkspaceBytes ||
      p.mathType == CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION)
    return -1;
  const bool exact_math = p.mathType == CUDNN_FMA_MATH;
  if (!tf32 && !exact_math && p.mathType != CUDNN_DEFAULT_MATH) return -1;
  return (tf32 || exact_math ? 0 : 2) + (p.determinism == CUDNN_DETERMINISTIC ? 0 : 1);
}

// The most preferred result, the best-ranked among equals (cuDNN lists them fastest first).
template <typename Perf>
const Perf& choose(const Perf* ranked, int count, bool tf32, const Conv2dShape& s) {
  const Perf* best = nullptr;
  int best_preference = 0;
  for (int i = 0; i < count; ++i) {
    const int p = preference(ranked[i], tf32);
    if (p >= 0 && (!best || p < best_preference)) {
      best = &ranked[i];
      best_preference = p;
    }
  }
  DAE_CHECK(best, "conv2d: cuDNN offers no usable algorithm for input ["
                      << s.batch << ", " << s.in_channels << ", " << s.in_height << ", " << s.in_width << "], kernel "
                      << s.kernel_height << "x" << s.kernel_width << ", stride " << s.stride << ", padding "
                      << s.padding);
  return *best;
}

template <typename Perf>
auto make_plan(const Tensors& t, const Conv2dShape& s, bool tf32) {
  Plan<decltype(Perf::algo)> plan;
  const int pad = cudnn_int(s.padding), stride = cudnn_int(s.stride);
  DAE_CUDA_CHECK(cudnnSetConvolution2dDescriptor(plan.convolution.get(), pad, pad, stride, stride, 1, 1,
                                                 CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
  // CUDNN_DEFAULT_MATH lets fp32 use TF32 tensor cores on Ampere and later; FMA_MATH forbids it.
  DAE_CUDA_CHECK(cudnnSetConvolutionMathType(plan.convolution.get(), tf32 ? CUDNN_DEFAULT_MATH : CUDNN_FMA_MATH));
  Perf ranked[kMaxRankedAlgorithms];
  int count = 0;
  rank(t, plan.convolution.get(), &count, ranked);
  const Perf& chosen = choose(ranked, count, tf32, s);
  // With TF32 on, the math type the algorithm was ranked with; off, always plain fp32.
  DAE_CUDA_CHECK(cudnnSetConvolutionMathType(plan.convolution.get(), tf32 ? chosen.mathType : CUDNN_FMA_MATH));
  plan.algorithm = chosen.algo;
  workspace_size(t, plan.convolution.get(), chosen.algo, &plan.workspace_bytes);
  return plan;
}

// Everything a shape needs, built once: descriptors and one algorithm per direction.
struct Convolution {
  Convolution(const Conv2dShape& s, bool tf32)
      : tensors(s),
        forward(make_plan<cudnnConvolutionFwdAlgoPerf_t>(tensors, s, tf32)),
        backward_input(make_plan<cudnnConvolutionBwdDataAlgoPerf_t>(tensors, s, tf32)),
        backward_weight(make_plan<cudnnConvolutionBwdFilterAlgoPerf_t>(tensors, s, tf32)) {}
  Tensors tensors;
  Plan<cudnnConvolutionFwdAlgo_t> forward;
  Plan<cudnnConvolutionBwdDataAlgo_t> backward_input;
  Plan<cudnnConvolutionBwdFilterAlgo_t> backward_weight;
};

// The TF32 switch is part of the key: it changes the math type, hence the algorithms.
const Convolution& convolution_for(const Conv2dShape& s) {
  static ShapeCache<10, Convolution> cache;
  const bool tf32 = tf32_enabled();
  return cache.get({s.batch, s.in_channels, s.in_height, s.in_width, s.out_channels, s.kernel_height, s.kernel_width,
                    s.stride, s.padding, tf32 ? 1 : 0},
                   s, tf32);
}

}  // namespace

void conv2d_forward(const float* x, const float* weight, float* y, const Conv2dShape& s) {
  const Convolution& c = convolution_for(s);
  const auto& plan = c.forward;
  DAE_CUDA_CHECK(cudnnConvolutionForward(cudnn(), &kAlphaOne, c.tensors.x.get(), x, c.tensors.weight.get(), weight,
                                         plan.convolution.get(), plan.algorithm, workspace(plan.workspace_bytes),
                                         plan.workspace_bytes, &kBetaZero, c.tensors.y.get(), y));
}

void conv2d_backward_input(const float* dy, const float* weight, float* dx, const Conv2dShape& s) {
  const Convolution& c = convolution_for(s);
  const auto& plan = c.backward_input;
  DAE_CUDA_CHECK(cudnnConvolutionBackwardData(cudnn(), &kAlphaOne, c.tensors.weight.get(), weight, c.tensors.y.get(),
                                              dy, plan.convolution.get(), plan.algorithm,
                                              workspace(plan.workspace_bytes), plan.workspace_bytes, &kBetaZero,
                                              c.tensors.x.get(), dx));
}

void conv2d_backward_weight(const float* dy, const float* x, float* dweight, const Conv2dShape& s) {
  const Convolution& c = convolution_for(s);
  const auto& plan = c.backward_weight;
  DAE_CUDA_CHECK(cudnnConvolutionBackwardFilter(cudnn(), &kAlphaOne, c.tensors.x.get(), x, c.tensors.y.get(), dy,
                                                plan.convolution.get(), plan.algorithm, workspace(plan.workspace_bytes),
                                                plan.workspace_bytes, &kBetaZero, c.tensors.weight.get(), dweight));
}

}  // namespace dae::cuda
