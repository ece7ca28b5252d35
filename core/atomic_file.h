// Writing an output file (checkpoint, PNG, CSV) so that a crash, a full disk or a kill in the
// middle never leaves a half-written file behind: readers see the old file or the new one.
#pragma once

#include <cstddef>
#include <string>

namespace dae {

// Writes `data` to "<path>.tmp.<pid>" (same directory, so the same file system), fsyncs it and
// rename()s it over `path`, which POSIX makes atomic. On failure the temp file is removed, the
// target is left as it was, and dae::Error names the path, the system's reason and a hint.
void write_file_atomically(const std::string& path, const void* data, size_t size);
void write_file_atomically(const std::string& path, const std::string& contents);

}  // namespace dae
