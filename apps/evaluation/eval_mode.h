// Eval mode for a scope (BatchNorm on its running statistics), then each model back in the
// mode it was in, even when the scope is left by an exception.
#pragma once

#include <vector>

#include "models/autoencoder.h"

namespace dae {

class EvalMode {
 public:
  explicit EvalMode(std::vector<Autoencoder*> models) : models_(std::move(models)) {
    for (Autoencoder* m : models_) {
      was_training_.push_back(m->is_training());
      m->eval();
    }
  }
  ~EvalMode() {
    for (size_t i = 0; i < models_.size(); ++i) models_[i]->train(was_training_[i]);
  }
  EvalMode(const EvalMode&) = delete;
  EvalMode& operator=(const EvalMode&) = delete;

 private:
  std::vector<Autoencoder*> models_;
  std::vector<bool> was_training_;
};

}  // namespace dae
