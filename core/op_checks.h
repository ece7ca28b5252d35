// Input checks shared by the ops in core/: each failure names the op and the shapes involved.
#pragma once

#include <initializer_list>

#include "core/error.h"
#include "core/tensor.h"

namespace dae::ops::detail {

inline void check_rank(const char* op, const char* what, const Tensor& t, int rank) {
  DAE_CHECK(t.defined(), op << ": " << what << " is undefined");
  DAE_CHECK(t.rank() == rank, op << ": " << what << " must have " << rank << " dimensions, got shape " << t.shape());
}

inline void check_shape(const char* op, const char* what, const Tensor& t, const Shape& expected) {
  DAE_CHECK(t.shape() == expected, op << ": " << what << " has shape " << t.shape() << ", expected " << expected);
}

inline void check_same_device(const char* op, std::initializer_list<const Tensor*> tensors) {
  const Tensor* first = nullptr;
  for (const Tensor* t : tensors) {
    if (!t->defined()) continue;
    if (!first) first = t;
    DAE_CHECK(t->device() == first->device(),
              op << ": tensors on different devices (" << first->device() << " and " << t->device() << ")");
  }
}

inline bool wants_grad(const Tensor& t) { return t.defined() && t.requires_grad(); }

}  // namespace dae::ops::detail
