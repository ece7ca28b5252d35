// The random numbers of a run that are neither noise nor weight initialization (which draws
// as PyTorch does, core/torch_cpu_generator.h): the shuffling of each epoch, and test data.
// Philox4x32-10 on a running counter, so the whole state is two integers (seed, counter)
// that a checkpoint stores to make a resumed run draw exactly what an uninterrupted one would.
#pragma once

#include <cstdint>

namespace dae {

class Generator {
 public:
  explicit Generator(uint64_t seed = 0, uint64_t counter = 0) : seed_(seed), counter_(counter) {}

  uint32_t next_u32();
  // Uniform in [low, high): 24 random bits, like torch.rand for float32.
  float uniform(float low, float high);
  // Uniform integer in [0, bound) without modulo bias.
  uint64_t below(uint64_t bound);

  uint64_t seed() const { return seed_; }
  uint64_t counter() const { return counter_; }

 private:
  uint64_t seed_;
  uint64_t counter_;  // words drawn so far
};

}  // namespace dae
