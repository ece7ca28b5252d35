#include "layers/module.h"

#include <set>
#include <sstream>

#include "core/dispatch.h"
#include "core/error.h"
#include "kernels/accumulate.h"

namespace dae {

Tensor Module::register_parameter(const std::string& name, Tensor tensor) {
  tensor.set_requires_grad(true);
  parameters_.emplace_back(name, tensor);
  return tensor;
}

Tensor Module::register_buffer(const std::string& name, Tensor tensor) {
  buffers_.emplace_back(name, tensor);
  return tensor;
}

void Module::register_counter(const std::string& name, int64_t* counter) { counters_.emplace_back(name, counter); }

template <typename Visit>
void Module::visit_tensors(const std::string& prefix, bool parameters, Visit visit) const {
  for (const auto& [name, tensor] : parameters ? parameters_ : buffers_) visit(prefix + name, tensor);
  for (const auto& [name, child] : children_) child->visit_tensors(prefix + name + ".", parameters, visit);
}

Module::NamedTensors Module::named_parameters() const {
  NamedTensors result;
  visit_tensors("", true, [&](const std::string& name, const Tensor& t) { result.emplace_back(name, t); });
  return result;
}

Module::NamedTensors Module::named_buffers() const {
  NamedTensors result;
  visit_tensors("", false, [&](const std::string& name, const Tensor& t) { result.emplace_back(name, t); });
  return result;
}

std::vector<std::pair<std::string, int64_t*>> Module::named_counters() const {
  std::vector<std::pair<std::string, int64_t*>> result(counters_.begin(), counters_.end());
  for (const auto& [name, child] : children_)
    for (const auto& [child_name, counter] : child->named_counters())
      result.emplace_back(name + "." + child_name, counter);
  return result;
}

std::vector<Tensor> Module::parameters() const {
  std::vector<Tensor> result;
  for (const auto& named : named_parameters()) result.push_back(named.second);
  return result;
}

int64_t Module::parameter_count() const {
  int64_t count = 0;
  for (const auto& named : named_parameters()) count += named.second.numel();
  return count;
}

void Module::train(bool training) {
  training_ = training;
  for (const auto& child : children_) child.second->train(training);
}

void Module::zero_grad() {
  for (const auto& named : named_parameters()) {
    const Tensor grad = named.second.grad();
    if (grad.defined()) DAE_DISPATCH(grad.device(), fill, grad.data(), 0.0f, grad.numel());
  }
}

void Module::to(Device device) {
  for (const auto& list : {named_parameters(), named_buffers()})
    for (const auto& named : list) named.second.set_data(named.second.to(device));
}

safetensors::Dict Module::state_dict() const {
  safetensors::Dict state;
  for (const auto& list : {named_parameters(), named_buffers()}) {
    for (const auto& [name, tensor] : list) {
      const std::vector<float> values = tensor.to_vector();
      state[name] = safetensors::make_f32(tensor.shape().to_vector(), values.data());
    }
  }
  for (const auto& [name, counter] : named_counters()) state[name] = safetensors::make_i64({}, counter);
  return state;
}

void Module::load_state_dict(const safetensors::Dict& state, const std::string& origin) {
  std::vector<std::string> missing, mismatched;
  std::set<std::string> expected;
  auto check = [&](const std::string& name, safetensors::DType dtype, const Shape& shape) {
    expected.insert(name);
    const auto found = state.find(name);
    if (found == state.end()) {
      missing.push_back(name);
    } else if (found->second.dtype != dtype || Shape(found->second.shape) != shape) {
      std::ostringstream what;
      what << name << " (expected " << safetensors::dtype_name(dtype) << " " << shape << ", found "
           << safetensors::dtype_name(found->second.dtype) << " " << Shape(found->second.shape) << ")";
      mismatched.push_back(what.str());
    }
  };
  const NamedTensors params = named_parameters(), buffers = named_buffers();
  const auto counters = named_counters();
  for (const auto& list : {params, buffers})
    for (const auto& [name, tensor] : list) check(name, safetensors::DType::F32, tensor.shape());
  for (const auto& [name, counter] : counters) check(name, safetensors::DType::I64, Shape{});
  std::vector<std::string> unexpected;
  for (const auto& entry : state)
    if (!expected.count(entry.first)) unexpected.push_back(entry.first);

  if (!missing.empty() || !unexpected.empty() || !mismatched.empty()) {
    std::ostringstream message;
    message << origin << " does not match this model:";
    auto list = [&](const char* title, const std::vector<std::string>& names) {
      if (names.empty()) return;
      message << "\n  " << title << " (" << names.size() << "):";
      for (const auto& n : names) message << " " << n;
    };
    list("missing", missing);
    list("unexpected", unexpected);
    list("wrong shape or dtype", mismatched);
    throw Error(message.str());
  }
  for (const auto& list : {params, buffers}) {
    for (const auto& [name, tensor] : list) {
      const std::vector<float> values = safetensors::to_f32(state.at(name), name);
      tensor.copy_from(Tensor::from_vector(tensor.shape(), values));
    }
  }
  for (const auto& [name, counter] : counters) *counter = safetensors::to_i64(state.at(name), name)[0];
}

}  // namespace dae
