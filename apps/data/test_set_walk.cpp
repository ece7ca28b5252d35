#include "apps/data/test_set_walk.h"

#include <algorithm>

#include "apps/data/noise_streams.h"
#include "core/error.h"

namespace dae {

void walk_test_set(const DeviceDataset& test, int64_t batch_size, const EvaluationNoise& noise,
                   const std::function<void(int64_t first, const ops::NoisyBatch& batch)>& visit) {
  DAE_CHECK(batch_size > 0, "walk_test_set: batch size " << batch_size);
  const auto order = test.upload_order(identity_order(test.count()));
  uint64_t draw = 0;
  for (int64_t first = 0; first < test.count(); first += batch_size, ++draw) {
    const int64_t size = std::min(batch_size, test.count() - first);
    visit(first, test.batch(*order, first, size, NoiseParams{noise.seed, kEvaluationNoiseStream + draw, noise.sigma}));
  }
}

}  // namespace dae
