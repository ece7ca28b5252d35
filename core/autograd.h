// Reverse-mode automatic differentiation on a dynamic tape, as in PyTorch.
//
// Each differentiable op, after computing its output, calls record(): if gradients are
// enabled and one of its inputs requires them, a Node is attached to the output holding the
// inputs and a closure that maps the output's gradient to the inputs' gradients. The graph is
// therefore built as the forward runs, and its shape is whatever the code did.
//
// Tensor::backward() on a one-element loss runs the closures from the loss back to the
// leaves, each node once all of its consumers have contributed (a topological order), sums
// the gradients of tensors used more than once, and adds the result into each leaf's grad().
// Each node is freed as soon as it has run, so a training step's memory does not outlive it.
#pragma once

#include <functional>
#include <vector>

#include "core/tensor.h"

namespace dae {

// Gradients for each input, in order; an undefined Tensor where an input needs none. Each
// must be a fresh tensor (or a view of grad_output) that nothing else holds: the engine takes
// it as the running sum and adds later contributions into it in place.
using BackwardFunction = std::function<std::vector<Tensor>(const Tensor& grad_output)>;

struct Node {
  const char* name;            // the op, for error messages
  std::vector<Tensor> inputs;  // the op's inputs
  BackwardFunction backward;   // released after it has run
};

// Gradient recording is on by default; NoGradGuard turns it off for a scope (evaluation).
bool grad_enabled();
class NoGradGuard {
 public:
  NoGradGuard();
  ~NoGradGuard();
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};

// True when an op on these inputs must record a node.
bool should_record(const std::vector<Tensor>& inputs);

// Attaches a node to `output` if should_record(inputs); `backward` captures what it needs
// (use detach() for a saved output, so the node does not keep itself alive).
void record(Tensor& output, const char* name, std::vector<Tensor> inputs, BackwardFunction backward);

// destination += addition (same shape and device).
void accumulate(const Tensor& destination, const Tensor& addition, const char* context);

void run_backward(const Tensor& root);

}  // namespace dae
