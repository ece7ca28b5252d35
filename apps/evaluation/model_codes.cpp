#include "apps/evaluation/model_codes.h"

#include <algorithm>

#include "apps/evaluation/eval_mode.h"
#include "core/autograd.h"
#include "core/error.h"
#include "core/profiler.h"

namespace dae {

Codes encode_examples(Autoencoder& model, const DeviceDataset& split, int64_t first, int64_t count,
                      int64_t batch_size) {
  DAE_CHECK(first >= 0 && count > 0 && first + count <= split.count(),
            "encode_examples: examples [" << first << ", " << first + count << ") of a split of " << split.count());
  NoGradGuard no_grad;
  EvalMode eval({&model});
  Codes codes;
  codes.count = count;
  for (int64_t at = first; at < first + count; at += batch_size) {
    const int64_t size = std::min(batch_size, first + count - at);
    const Tensor code = model.encode(split.images(at, size));
    codes.size = code.numel() / size;
    if (codes.values.empty()) codes.values.reserve(static_cast<size_t>(count * codes.size));
    const std::vector<float> values = code.to_vector();
    codes.values.insert(codes.values.end(), values.begin(), values.end());
  }
  return codes;
}

double forward_flops_per_image(Autoencoder& model, const DeviceDataset& split, int64_t batch_size) {
  NoGradGuard no_grad;
  EvalMode eval({&model});
  const int64_t count = std::min(batch_size, split.count());
  const Tensor images = split.images(0, count);
  struct Counting {  // the profiler on for this scope only, even if the forward pass throws
    Counting() {
      profiler::reset();
      profiler::enable(true);
    }
    ~Counting() {
      profiler::enable(false);
      profiler::reset();
    }
  };
  double flops = 0;
  {
    Counting counting;
    model.forward(images);
    for (const auto& entry : profiler::stats()) flops += entry.second.flops;
  }
  return flops / static_cast<double>(count);
}

}  // namespace dae
