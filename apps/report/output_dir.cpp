#include "apps/report/output_dir.h"

#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"

namespace dae {

void prepare_output_dir(const std::string& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  DAE_CHECK(!error, "cannot create the output directory " << dir << ": " << error.message()
                                                          << " (choose another with --out)");
  const std::string probe = dir + "/.write-test";
  try {
    write_file_atomically(probe, std::string("ok"));
  } catch (const Error& e) {
    DAE_THROW("the output directory " << dir << " is not writable: " << e.what() << " (choose another with --out)");
  }
  std::filesystem::remove(probe, error);
}

}  // namespace dae
