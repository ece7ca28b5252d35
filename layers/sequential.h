// nn.Sequential: children applied in order, named "0", "1", ... by position, or given names
// (like nn.Sequential(OrderedDict(...)), e.g. a conv encoder's "layer1", "layer2").
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "layers/module.h"

namespace dae {

class Sequential : public Module {
 public:
  Sequential() = default;
  Tensor forward(const Tensor& x) override;

  // Appends a layer named by its position / by `name`; returns the sequence for chaining.
  Sequential& add(std::shared_ptr<Module> layer);
  Sequential& add(const std::string& name, std::shared_ptr<Module> layer);
  size_t size() const { return layers_.size(); }
  const std::shared_ptr<Module>& operator[](size_t i) const { return layers_[i]; }

 private:
  std::vector<std::shared_ptr<Module>> layers_;
};

}  // namespace dae
