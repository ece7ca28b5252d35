// Which draws of the counter-based noise generator (kernels/noise.h) each use of noise takes.
// A draw is (seed, counter); the counters below keep the uses apart, so that adding a picture
// or an evaluation never changes the noise training sees, on any device or after a resume:
//   training step t                 draw t (t = Adam's step count before the step)
//   evaluation batch b of the test  draw kEvaluationNoiseStream + b
//   the pictures of a run           draw kSampleNoiseStream (+1 for the test split)
#pragma once

#include <cstdint>

namespace dae {

constexpr uint64_t kEvaluationNoiseStream = uint64_t{1} << 62;
constexpr uint64_t kSampleNoiseStream = uint64_t{1} << 61;

}  // namespace dae
