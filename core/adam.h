// The Adam optimizer (formulas in kernels/adam.h), over all parameters of a model at once.
//
// At construction every parameter is moved into one flat buffer (Tensor::set_data, so the
// model's handles stay valid) and its gradient becomes a view of one flat gradient buffer.
// zero_grad() is then one fill and step() one kernel over all of them: on the GPU a training
// step's optimizer part is two launches, whatever the number of layers. Each parameter starts
// on a 256-byte boundary of the buffer (kAlignmentBytes; the gaps hold zeros), so that a layer
// of any size hands cuBLAS and cuDNN aligned pointers; the constructor checks it on the GPU.
// The step count lives with the buffers too (kernels/adam.h: AdamStepState), in the device's
// memory, and step() advances it there: no step passes its count from the host, so one
// captured CUDA graph replays every step (core/captured_step.h). step_count() reads it back.
// Create the optimizer after the model has been moved to its device.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/tensor.h"
#include "kernels/adam.h"

namespace dae {

class Adam {
 public:
  static constexpr int64_t kAlignmentBytes = 256;
  static constexpr int64_t kAlignmentFloats = kAlignmentBytes / sizeof(float);

  Adam(std::vector<Tensor> parameters, const AdamHyperparameters& hyperparameters);

  void zero_grad();
  void step();

  const AdamHyperparameters& hyperparameters() const { return hyperparameters_; }
  // Updates done so far; on the GPU reading it waits for the queued work.
  int64_t step_count() const;
  void set_step_count(int64_t steps);
  // The count in the memory of the parameters' device, for the kernels of a step that read it
  // (the training step's noise draw, NoiseParams::stream_offset): the updates done before it.
  const int64_t* device_step_count() const;

  // Moment estimates of parameter i, viewed with its shape (for checkpoints).
  Tensor exp_avg(size_t i) const;
  Tensor exp_avg_sq(size_t i) const;
  size_t size() const { return parameters_.size(); }

 private:
  Tensor segment_of(const Tensor& flat, size_t i) const;

  std::vector<Tensor> parameters_;
  std::vector<int64_t> offsets_;
  AdamHyperparameters hyperparameters_;
  Tensor flat_params_, flat_grads_, exp_avg_, exp_avg_sq_;
  std::shared_ptr<Storage> state_;  // one AdamStepState
  AdamStepState* state() const { return static_cast<AdamStepState*>(state_->data()); }
};

}  // namespace dae
