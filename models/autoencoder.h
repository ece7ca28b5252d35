// An autoencoder: code = encoder(x), reconstruction = decoder(code). The three networks of
// the study (linear_autoencoder.cpp, mlp_autoencoder.cpp, conv_autoencoder.cpp) are built
// from layers/ and differ only in their encoder, decoder and the layout they want the image in.
// All take and return a batch of flattened images [N, 784]: the trainer need not know which
// network it trains, and state_dict keys stay exactly PyTorch's ("encoder.…", "decoder.…").
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/torch_cpu_generator.h"
#include "layers/module.h"

namespace dae {

// The images the networks take: 28 x 28 gray pixels, MNIST's (a flattened image is 784 numbers).
constexpr int64_t kImageSide = 28;
constexpr int64_t kImagePixels = kImageSide * kImageSide;

class Autoencoder : public Module {
 public:
  // image_shape: how each image is viewed by the encoder: {784} or {1, 28, 28}.
  Autoencoder(std::string name, std::shared_ptr<Module> encoder, std::shared_ptr<Module> decoder,
              std::vector<int64_t> image_shape);

  Tensor forward(const Tensor& images) override;  // [N, 784] -> [N, 784]
  Tensor encode(const Tensor& images);            // [N, 784] -> the code
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::shared_ptr<Module> encoder_, decoder_;
  std::vector<int64_t> image_shape_;
};

// "linear", "mlp" or "conv"; weights drawn from `generator` as PyTorch would (layers/init.h).
std::shared_ptr<Autoencoder> make_autoencoder(const std::string& name, TorchCpuGenerator& generator);
const std::vector<std::string>& autoencoder_names();

std::shared_ptr<Autoencoder> make_linear_autoencoder(TorchCpuGenerator& generator);
std::shared_ptr<Autoencoder> make_mlp_autoencoder(TorchCpuGenerator& generator);
std::shared_ptr<Autoencoder> make_conv_autoencoder(TorchCpuGenerator& generator);

}  // namespace dae
