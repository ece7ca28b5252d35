// Tests of a split on the device (apps/data/device_dataset.h) and the one walk over the test
// set (apps/data/test_set_walk.h).
#include <catch2/catch.hpp>

#include "apps/data/test_set_walk.h"
#include "tests/test_support.h"

namespace {

dae::MnistSplit split_of(int64_t count) {
  dae::MnistSplit split;
  split.count = count;
  split.rows = split.cols = dae::kMnistSide;
  split.images.assign(static_cast<size_t>(count * dae::kMnistPixels), 0);
  for (int64_t i = 0; i < count; ++i)
    split.images[static_cast<size_t>(i * dae::kMnistPixels)] = static_cast<uint8_t>(i);
  split.labels.assign(static_cast<size_t>(count), 0);
  return split;
}

}  // namespace

TEST_CASE("a split with no images is refused, not divided by", "[data]") {
  REQUIRE_ERROR(dae::DeviceDataset(split_of(0), 0, dae::Device::CPU), "no images");
}

TEST_CASE("the test-set walk visits every image once, in order, the last batch smaller", "[data]") {
  const dae::DeviceDataset test(split_of(10), 0, dae::Device::CPU);
  std::vector<int64_t> firsts, sizes;
  std::vector<float> first_pixels;
  dae::walk_test_set(test, 4, {7, 0.0f}, [&](int64_t first, const dae::ops::NoisyBatch& batch) {
    firsts.push_back(first);
    sizes.push_back(batch.clean.dim(0));
    const std::vector<float> values = batch.noisy.to_vector();
    for (int64_t i = 0; i < batch.clean.dim(0); ++i)
      first_pixels.push_back(values[static_cast<size_t>(i * dae::kMnistPixels)]);
  });
  CHECK(firsts == std::vector<int64_t>{0, 4, 8});
  CHECK(sizes == std::vector<int64_t>{4, 4, 2});
  REQUIRE(first_pixels.size() == 10);
  for (size_t i = 0; i < first_pixels.size(); ++i) CHECK(first_pixels[i] == static_cast<float>(i) / 255.0f);
  // The same noise at every call: evaluations of two models see the same images.
  std::vector<float> a, b;
  dae::walk_test_set(test, 4, {7, 0.1f}, [&](int64_t, const dae::ops::NoisyBatch& batch) {
    const auto v = batch.noisy.to_vector();
    a.insert(a.end(), v.begin(), v.end());
  });
  dae::walk_test_set(test, 4, {7, 0.1f}, [&](int64_t, const dae::ops::NoisyBatch& batch) {
    const auto v = batch.noisy.to_vector();
    b.insert(b.end(), v.begin(), v.end());
  });
  CHECK(a == b);
}
