// The folder a run or a report writes into, and the files it writes there.
#pragma once

#include <string>

namespace dae {

// Creates the directory (and its parents) and checks that a file can be written there;
// throws naming it when either fails, so that no training time is spent before finding out.
void prepare_output_dir(const std::string& dir);

// Checks, before any work, that `path` can be written as a file (`flag` names the option it
// came from, for the message): its folder exists and takes files, and it is not a folder.
void check_output_file(const std::string& path, const std::string& flag);

// Holds an exclusive lock on a directory for the lifetime of the object (flock on
// DIR/.mnist_dae.lock, released by the system even if the process dies), so that two runs
// writing into one folder cannot mix one's checkpoint with the other's CSV and pictures.
// Throws, naming the folder and the other process, when another holds it.
class OutputDirLock {
 public:
  explicit OutputDirLock(const std::string& dir);
  ~OutputDirLock();
  OutputDirLock(const OutputDirLock&) = delete;
  OutputDirLock& operator=(const OutputDirLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace dae
