// The study's model 2: a multi-layer perceptron, 784-256-128-256-784 with ReLUs.
//   encoder = Sequential(Linear(784, 256), ReLU, Linear(256, 128))
//   decoder = Sequential(Linear(128, 256), ReLU, Linear(256, 784))
// 468,368 parameters.
#include "layers/activation.h"
#include "layers/linear.h"
#include "layers/sequential.h"
#include "models/autoencoder.h"

namespace dae {

std::shared_ptr<Autoencoder> make_mlp_autoencoder(TorchCpuGenerator& g) {
  auto encoder = std::make_shared<Sequential>();
  encoder->add(std::make_shared<Linear>(kImagePixels, 256, g))
      .add(std::make_shared<ReLU>())
      .add(std::make_shared<Linear>(256, 128, g));
  auto decoder = std::make_shared<Sequential>();
  decoder->add(std::make_shared<Linear>(128, 256, g))
      .add(std::make_shared<ReLU>())
      .add(std::make_shared<Linear>(256, kImagePixels, g));
  return std::make_shared<Autoencoder>("mlp", encoder, decoder, std::vector<int64_t>{kImagePixels});
}

}  // namespace dae
