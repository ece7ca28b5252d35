// Writing an output file (checkpoint, PNG, CSV) so that a crash, a full disk, a file-size
// limit or a signal in the middle never leaves a half-written file behind: readers see the old
// file or the new one, and no temporary file is left over. Tested by tests/test_atomic_file.cpp.
#pragma once

#include <cstddef>
#include <string>

namespace dae {

// Writes `data` to a temporary file in the same directory (so the same file system), fsyncs
// it, rename()s it over `path` (which POSIX makes atomic) and fsyncs the directory, so that
// the rename too survives a power cut. The temporary name is ".<name>.<pid>.<n>.tmp", the
// name cut short so that it stays within the 255-byte limit of a file name: any legal `path`
// works. On failure the temporary file is removed, the target is left as it was, and
// dae::Error names the path, the system's reason and a hint.
//
// A write past the file-size limit (ulimit -f) raises SIGXFSZ, whose default action ends the
// process without a word. So each call sets SIGXFSZ to ignored when the program has left it
// at its default (a handler the program installed is kept): the write then fails with EFBIG,
// reported as "file size limit reached".
void write_file_atomically(const std::string& path, const void* data, size_t size);
void write_file_atomically(const std::string& path, const std::string& contents);

// Removes the temporary files of the writes in progress in this process. Async-signal-safe
// (no allocation, no lock): it is meant for the program's SIGINT/SIGTERM/SIGHUP handler, called
// just before the handler ends the process, so that a write cut by a signal leaves nothing
// behind. A write that goes on after its temporary file was removed fails with "interrupted
// by a signal" and leaves the target as it was. Nothing calls it by default.
void remove_temporary_files() noexcept;

}  // namespace dae
