#include "apps/evaluation/memory_usage.h"

#include <sys/resource.h>

#include <fstream>
#include <sstream>

namespace dae {

double host_peak_rss_bytes() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) != 0) continue;
    std::istringstream fields(line.substr(6));
    double kib = 0;
    if (fields >> kib) return kib * 1024.0;
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) * 1024.0;  // Linux reports KiB
}

bool reset_host_peak_rss() {
  std::ofstream clear_refs("/proc/self/clear_refs");
  clear_refs << "5";  // "reset the peak resident set size" (proc(5))
  clear_refs.flush();
  return static_cast<bool>(clear_refs);
}

}  // namespace dae
