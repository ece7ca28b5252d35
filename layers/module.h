// Module: the base of every layer and model, after torch.nn.Module.
//
// A module owns named parameters (trained), buffers (state that is saved but not trained,
// like BatchNorm's running statistics), integer counters (num_batches_tracked) and child
// modules. Names compose with dots exactly as PyTorch's state_dict keys do
// ("encoder.layer1.2.running_mean"), so a checkpoint is interchangeable with PyTorch's.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/safetensors.h"
#include "core/tensor.h"

namespace dae {

class Module {
 public:
  virtual ~Module() = default;
  Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  virtual Tensor forward(const Tensor& x) = 0;
  Tensor operator()(const Tensor& x) { return forward(x); }

  using NamedTensors = std::vector<std::pair<std::string, Tensor>>;
  NamedTensors named_parameters() const;
  NamedTensors named_buffers() const;
  std::vector<std::pair<std::string, int64_t*>> named_counters() const;
  std::vector<Tensor> parameters() const;
  int64_t parameter_count() const;

  // Training mode (batch statistics in BatchNorm) vs evaluation mode (running statistics).
  void train(bool training = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }

  // Zeroes the gradients in place (they may be views of the optimizer's flat buffer).
  void zero_grad();
  // Moves parameters and buffers in place: handles held elsewhere follow.
  void to(Device device);

  // Parameters, buffers and counters by their PyTorch state_dict names.
  safetensors::Dict state_dict() const;
  // Strict: every tensor of the model must be present with its exact shape and dtype, and
  // nothing else; the error lists each missing, unexpected and mis-shaped name. `origin`
  // (a file name) goes into the message.
  void load_state_dict(const safetensors::Dict& state, const std::string& origin);

 protected:
  Tensor register_parameter(const std::string& name, Tensor tensor);
  Tensor register_buffer(const std::string& name, Tensor tensor);
  void register_counter(const std::string& name, int64_t* counter);
  template <typename M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> module) {
    children_.emplace_back(name, module);
    return module;
  }

 private:
  template <typename Visit>
  void visit_tensors(const std::string& prefix, bool parameters, Visit visit) const;

  NamedTensors parameters_;
  NamedTensors buffers_;
  std::vector<std::pair<std::string, int64_t*>> counters_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;
};

}  // namespace dae
