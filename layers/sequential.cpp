#include "layers/sequential.h"

namespace dae {

Sequential& Sequential::add(std::shared_ptr<Module> layer) {
  return add(std::to_string(layers_.size()), std::move(layer));
}

Sequential& Sequential::add(const std::string& name, std::shared_ptr<Module> layer) {
  layers_.push_back(register_module(name, std::move(layer)));
  return *this;
}

Tensor Sequential::forward(const Tensor& x) {
  Tensor y = x;
  for (const auto& layer : layers_) y = layer->forward(y);
  return y;
}

}  // namespace dae
