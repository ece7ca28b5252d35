// Errors of the framework: one exception type, and a check macro that builds its message
// with stream syntax so call sites read like the sentence they print:
//   DAE_CHECK(a.shape() == b.shape(), "add: shapes differ: " << a.shape() << " vs " << b.shape());
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>

namespace dae {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace dae

#define DAE_THROW(message_stream)                \
  do {                                           \
    std::ostringstream dae_error_stream_;        \
    dae_error_stream_ << message_stream;         \
    throw ::dae::Error(dae_error_stream_.str()); \
  } while (0)

#define DAE_CHECK(condition, message_stream)     \
  do {                                           \
    if (!(condition)) DAE_THROW(message_stream); \
  } while (0)
