#include "core/autograd.h"

#include <unordered_map>

#include "core/dispatch.h"
#include "core/error.h"
#include "core/profiler.h"
#include "kernels/accumulate.h"

namespace dae {

namespace {
thread_local bool g_grad_enabled = true;
}  // namespace

bool grad_enabled() { return g_grad_enabled; }
NoGradGuard::NoGradGuard() : previous_(g_grad_enabled) { g_grad_enabled = false; }
NoGradGuard::~NoGradGuard() { g_grad_enabled = previous_; }

bool should_record(const std::vector<Tensor>& inputs) {
  if (!g_grad_enabled) return false;
  for (const Tensor& input : inputs)
    if (input.defined() && input.requires_grad()) return true;
  return false;
}

void record(Tensor& output, const char* name, std::vector<Tensor> inputs, BackwardFunction backward) {
  if (!should_record(inputs)) return;
  auto node = std::make_shared<Node>();
  node->name = name;
  node->inputs = std::move(inputs);
  node->backward = std::move(backward);
  output.impl().grad_fn = std::move(node);
  output.impl().requires_grad = true;
}

void accumulate(const Tensor& destination, const Tensor& addition, const char* context) {
  DAE_CHECK(destination.shape() == addition.shape(), context << ": gradient shape " << addition.shape()
                                                             << " does not match tensor shape " << destination.shape());
  DAE_CHECK(destination.device() == addition.device(),
            context << ": gradient on " << addition.device() << ", tensor on " << destination.device());
  const double n = static_cast<double>(destination.numel());
  OpScope scope("accumulate", destination.device(), n, 12 * n);
  DAE_DISPATCH(destination.device(), accumulate, destination.data(), addition.data(), destination.numel());
}

namespace {

// How many edges lead into each node from the nodes reachable from `root`.
std::unordered_map<Node*, int> count_consumers(Node* root) {
  std::unordered_map<Node*, int> consumers{{root, 0}};
  std::vector<Node*> stack{root};
  while (!stack.empty()) {
    Node* node = stack.back();
    stack.pop_back();
    for (const Tensor& input : node->inputs) {
      if (!input.defined() || !input.grad_fn()) continue;
      Node* producer = input.grad_fn().get();
      if (consumers[producer]++ == 0) stack.push_back(producer);
    }
  }
  return consumers;
}

void add_gradient(std::unordered_map<Node*, Tensor>& grads, Node* node, const Tensor& gradient, const char* context) {
  auto [slot, inserted] = grads.try_emplace(node, gradient);
  if (!inserted) accumulate(slot->second, gradient, context);
}

void add_leaf_gradient(const Tensor& leaf, const Tensor& gradient, const char* context) {
  if (leaf.grad().defined()) {
    accumulate(leaf.grad(), gradient, context);
  } else {
    DAE_CHECK(leaf.shape() == gradient.shape(),
              context << ": gradient shape " << gradient.shape() << " for a tensor of shape " << leaf.shape());
    leaf.set_grad(gradient);
  }
}

}  // namespace

void run_backward(const Tensor& root) {
  DAE_CHECK(root.numel() == 1, "backward: expected a one-element loss, got shape " << root.shape());
  DAE_CHECK(root.requires_grad(),
            "backward: the tensor does not require grad (was it computed "
            "under NoGradGuard, or from inputs that need no gradient?)");
  const Tensor seed = Tensor::full(root.shape(), 1.0f, root.device());
  if (!root.grad_fn()) {
    add_leaf_gradient(root, seed, "backward");
    return;
  }
  const std::shared_ptr<Node>& start = root.grad_fn();
  DAE_CHECK(start->backward, "backward: " << start->name
                                          << "'s graph was already freed by an "
                                             "earlier backward()");
  auto consumers = count_consumers(start.get());
  std::unordered_map<Node*, Tensor> grads{{start.get(), seed}};
  // Owning pointers: once a node has run it lets go of its inputs, and a producer waiting in
  // this list may then have no other owner.
  std::vector<std::shared_ptr<Node>> ready{start};
  while (!ready.empty()) {
    const std::shared_ptr<Node> node = ready.back();
    ready.pop_back();
    const Tensor grad_output = grads.at(node.get());
    grads.erase(node.get());
    const std::vector<Tensor> input_grads = node->backward(grad_output);
    for (size_t i = 0; i < node->inputs.size(); ++i) {
      const Tensor& input = node->inputs[i];
      if (!input.defined() || !input.requires_grad() || !input_grads[i].defined()) continue;
      if (const std::shared_ptr<Node>& producer = input.grad_fn()) {
        add_gradient(grads, producer.get(), input_grads[i], node->name);
        if (--consumers[producer.get()] == 0) ready.push_back(producer);
      } else {
        add_leaf_gradient(input, input_grads[i], node->name);
      }
    }
    node->backward = nullptr;  // frees the saved tensors of this step
    node->inputs.clear();
  }
}

}  // namespace dae
