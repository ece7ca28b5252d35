#include "models/autoencoder.h"

#include "core/error.h"
#include "core/ops.h"

namespace dae {

Autoencoder::Autoencoder(std::string name, std::shared_ptr<Module> encoder, std::shared_ptr<Module> decoder,
                         std::vector<int64_t> image_shape)
    : name_(std::move(name)),
      encoder_(register_module("encoder", std::move(encoder))),
      decoder_(register_module("decoder", std::move(decoder))),
      image_shape_(std::move(image_shape)) {}

Tensor Autoencoder::encode(const Tensor& images) {
  DAE_CHECK(images.rank() == 2,
            name_ << " autoencoder: expected a batch of flattened images [N, 784], got " << images.shape());
  std::vector<int64_t> dims{images.dim(0)};
  dims.insert(dims.end(), image_shape_.begin(), image_shape_.end());
  return encoder_->forward(ops::reshape(images, Shape(dims)));
}

Tensor Autoencoder::forward(const Tensor& images) {
  const Tensor reconstruction = decoder_->forward(encode(images));
  return ops::reshape(reconstruction, images.shape());
}

const std::vector<std::string>& autoencoder_names() {
  static const std::vector<std::string> names{"linear", "mlp", "conv"};
  return names;
}

std::shared_ptr<Autoencoder> make_autoencoder(const std::string& name, TorchCpuGenerator& generator) {
  if (name == "linear") return make_linear_autoencoder(generator);
  if (name == "mlp") return make_mlp_autoencoder(generator);
  if (name == "conv") return make_conv_autoencoder(generator);
  DAE_THROW("unknown model '" << name << "' (expected linear, mlp or conv)");
}

}  // namespace dae
