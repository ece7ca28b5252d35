// The random numbers of weight initialization, drawn exactly as PyTorch draws them on the CPU:
// torch.manual_seed(seed) seeds a 32-bit Mersenne Twister, and Tensor.uniform_ on float32
// turns each 32-bit word into one value. So `mnist_dae conv --seed N` starts from bit for bit
// the weights that torch.manual_seed(N) followed by building the same nn.Module gives, and a
// run here can be held against a PyTorch run from the same seed (scripts/torch_init_check.py).
#pragma once

#include <cstdint>
#include <random>

namespace dae {

class TorchCpuGenerator {
 public:
  // torch keeps only the low 32 bits of the seed for the Mersenne Twister.
  explicit TorchCpuGenerator(uint64_t seed) : engine_(static_cast<uint32_t>(seed)) {}

  // One float32 of tensor.uniform_(low, high), with low and high given as Python floats
  // (double) as torch.nn.init passes them.
  float uniform(double low, double high);

 private:
  std::mt19937 engine_;  // the standard fixes its output sequence; torch's matches it
};

}  // namespace dae
