// The benchmark's synthetic data set: as many images as the steps use, up to a cap.
#include "apps/bench_command.h"

#include <catch2/catch.hpp>

#include <limits>

TEST_CASE("bench holds steps x batch synthetic images, at most MNIST's 60,000, at least one batch", "[app][bench]") {
  CHECK(dae::synthetic_image_count(256, 10) == 2560);
  CHECK(dae::synthetic_image_count(256, 234) == 59904);
  // --steps 1000000 at batch 256 asked for 256 million images (200 GB) before the cap.
  CHECK(dae::synthetic_image_count(256, 1000000) == dae::kMaxSyntheticImages);
  CHECK(dae::synthetic_image_count(256, 235) == dae::kMaxSyntheticImages);
  CHECK(dae::synthetic_image_count(1, std::numeric_limits<int64_t>::max()) == dae::kMaxSyntheticImages);
  // One batch larger than the cap is still one batch.
  CHECK(dae::synthetic_image_count(100000, 5) == 100000);
  CHECK(dae::synthetic_image_count(100000, 1000000) == 100000);
}
