#include "apps/run_folder.h"

#include <filesystem>

#include "core/error.h"
#include "models/autoencoder.h"

namespace dae {

namespace {

// Every file a run of `model` writes into its folder.
std::vector<std::string> run_files(const std::string& model) {
  return {model + ".safetensors", "epochs.csv",        "steps.csv",
          "metrics.json",         model + "-loss.png", model + "-reconstructions.png"};
}

bool same_file(const std::string& a, const std::string& b) {
  std::error_code error;
  return std::filesystem::equivalent(a, b, error);
}

}  // namespace

RunFolder claim_run_folder(const Options& options, const std::string& model) {
  RunFolder folder;
  folder.dir = output_dir_for(options, model);
  folder.checkpoint = folder.dir + "/" + model + ".safetensors";
  prepare_output_dir(folder.dir);
  folder.lock = std::make_unique<OutputDirLock>(folder.dir);

  std::string found;
  for (const std::string& name : run_files(model))
    if (found.empty() && std::filesystem::exists(folder.dir + "/" + name)) found = folder.dir + "/" + name;
  const bool continuing = !options.load_path.empty() && same_file(options.load_path, folder.checkpoint);
  if (found.empty() || continuing) return folder;
  if (!options.overwrite) {
    Options resume = options;
    resume.model = model;
    resume.load_path = folder.checkpoint;
    resume.out_dir = folder.dir;
    DAE_THROW(folder.dir << " already holds a run of the " << model << " model (" << found
                         << "); nothing was changed. To continue it: " << equivalent_command(resume)
                         << " (--epochs is the total to reach); to start over: add --overwrite; or write elsewhere "
                            "with --out DIR");
  }
  for (const std::string& name : run_files(model)) {
    const std::string path = folder.dir + "/" + name;
    if (!options.load_path.empty() && same_file(options.load_path, path)) continue;
    std::error_code error;
    std::filesystem::remove(path, error);
    DAE_CHECK(!error, "--overwrite: cannot remove " << path << ": " << error.message());
  }
  return folder;
}

std::unique_ptr<OutputDirLock> claim_report_folder(const Options& options, const std::string& dir) {
  prepare_output_dir(dir);
  auto lock = std::make_unique<OutputDirLock>(dir);
  std::vector<std::string> found;
  for (const char* name : {"report.md", "report.html"})
    if (std::filesystem::exists(dir + "/" + name)) found.push_back(dir + "/" + name);
  if (options.load_dir.empty())
    for (const std::string& model : autoencoder_names())
      if (std::filesystem::exists(dir + "/checkpoints/" + model + ".safetensors"))
        found.push_back(dir + "/checkpoints/" + model + ".safetensors");
  DAE_CHECK(found.empty() || options.overwrite,
            dir << " already holds a comparison (" << found.front() << "); nothing was changed. Replace it with "
                << "--overwrite, write elsewhere with --out DIR, or rebuild the report from its models with "
                << "--load-dir " << dir << "/checkpoints --out DIR");
  return lock;
}

}  // namespace dae
