#include "core/random.h"

#include "kernels/philox.h"

namespace dae {

uint32_t Generator::next_u32() {
  const uint64_t group = counter_ / 4;
  const Philox4 counter{{static_cast<uint32_t>(group), static_cast<uint32_t>(group >> 32), 0u,
                         0xFFFFFFFFu}};  // stream words distinct from the noise draws'
  const Philox4 bits = philox4x32_10(counter, static_cast<uint32_t>(seed_), static_cast<uint32_t>(seed_ >> 32));
  return bits.v[counter_++ % 4];
}

float Generator::uniform(float low, float high) {
  const float unit = static_cast<float>(next_u32() >> 8) * (1.0f / 16777216.0f);
  return low + (high - low) * unit;
}

uint64_t Generator::below(uint64_t bound) {
  // Rejection: draw 64 bits, discard the top partial range so every residue is equally likely.
  const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  uint64_t value;
  do {
    value = (static_cast<uint64_t>(next_u32()) << 32) | next_u32();
  } while (value >= limit);
  return value % bound;
}

}  // namespace dae
