// The study's model 1: one linear map down to a 128-number code and one back, no activation.
//   encoder = Linear(784, 128)
//   decoder = Linear(128, 784)
// 201,616 parameters. Without a nonlinearity it can at best learn a projection onto a
// 128-dimensional subspace, which is what PCA would give.
#include "layers/linear.h"
#include "models/autoencoder.h"

namespace dae {

std::shared_ptr<Autoencoder> make_linear_autoencoder(TorchCpuGenerator& generator) {
  auto encoder = std::make_shared<Linear>(kImagePixels, 128, generator);
  auto decoder = std::make_shared<Linear>(128, kImagePixels, generator);
  return std::make_shared<Autoencoder>("linear", encoder, decoder, std::vector<int64_t>{kImagePixels});
}

}  // namespace dae
