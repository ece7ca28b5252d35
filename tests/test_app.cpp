// Tests of the mnist_dae program through the real binary: the exit codes and messages of bad
// input, a short training run on real MNIST whose loss falls, the files a run writes, what
// happens to a folder that already holds a run, resuming (exactly, to a total of epochs, with
// the recipe checked), evaluation-only runs, the output-folder lock and Ctrl-C. And the
// exact-resume property of checkpoints is tested in test_checkpoint.cpp.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include <nlohmann/json.hpp>

#include "apps/options.h"
#include "apps/report/output_dir.h"
#include "apps/training/checkpoint.h"
#include "apps/training/training_run.h"
#include "core/safetensors.h"
#include "tests/test_support.h"

namespace {

using dae::test::TempDir;

struct ProcessResult {
  int exit_code;
  std::string output;  // stdout and stderr together
};

ProcessResult run_program(const std::string& arguments) {
  const std::string command = std::string(DAE_MNIST_DAE_BINARY) + " " + arguments + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

// A short mlp run on real MNIST into `out`, with `extra` options.
std::string short_run(const std::string& out, const std::string& extra = "") {
  return "mlp --device cpu --batch-size 32 --lr 1e-3 --train-limit 128 --test-limit 32 --data " +
         std::string(DAE_MNIST_DIR) + " --out " + out + " " + extra;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("mnist_dae: exit codes and messages of bad input", "[app][cli]") {
  SECTION("--help lists every option with its default and exits 0") {
    const ProcessResult r = run_program("--help");
    CHECK(r.exit_code == 0);
    for (const char* flag : {"--data", "--out", "--epochs", "--batch-size", "--lr", "--noise-std", "--seed", "--device",
                             "--threads", "--train-limit", "--test-limit", "--target", "--no-shuffle", "--log-every",
                             "--load", "--save", "--tf32", "--cuda-graph", "--steps"})
      CHECK_THAT(r.output, Catch::Contains(flag));
    CHECK_THAT(r.output, Catch::Contains("default 2e-4"));
  }
  SECTION("usage errors exit 2 with one message") {
    for (const char* args : {"", "resnet", "conv --batch-size 0", "conv --lr -1", "conv --lr nan", "conv --bogus"}) {
      INFO(args);
      const ProcessResult r = run_program(args);
      CHECK(r.exit_code == 2);
      CHECK_THAT(r.output, Catch::StartsWith("mnist_dae: "));
    }
  }
  SECTION("a missing data directory exits 1 naming the file and what to do") {
    TempDir dir;
    const ProcessResult r =
        run_program("linear --device cpu --data " + dir.file("nowhere") + " --out " + dir.file("out"));
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.output, Catch::Contains("train-images-idx3-ubyte") && Catch::Contains("fetch_mnist.sh"));
  }
  SECTION("an output directory that cannot be created exits 1 naming it") {
    TempDir dir;
    std::ofstream(dir.file("a-file")) << "x";
    const ProcessResult r =
        run_program("linear --device cpu --data " + std::string(DAE_MNIST_DIR) + " --out " + dir.file("a-file/sub"));
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.output, Catch::Contains("cannot create the output directory") && Catch::Contains("a-file/sub"));
  }
  SECTION("--cuda-graph on the CPU exits 1 saying it needs the GPU") {
    const ProcessResult r = run_program("linear --device cpu --cuda-graph");
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.output, Catch::Contains("--cuda-graph") && Catch::Contains("uses the CPU"));
  }
  if (!dae::cuda_status().available) {
    SECTION("--device cuda without a usable GPU exits 1 saying why") {
      const ProcessResult r = run_program("linear --device cuda");
      CHECK(r.exit_code == 1);
      // A CUDA build on a machine without a GPU says "no NVIDIA driver/GPU found"; a CPU-only
      // build (the sanitizer suite's) says that it was built without the backend.
      CHECK_THAT(r.output, Catch::Contains(dae::built_with_cuda() ? "--device cuda: no"
                                                                  : "--device cuda: built without CUDA support;"));
    }
  }
}

TEST_CASE("training on a few hundred MNIST images lowers the loss and writes every output", "[app][train][dataset]") {
  TempDir dir;
  const ProcessResult r = run_program(
      "mlp --device cpu --epochs 3 --batch-size 32 --lr 1e-3 --train-limit 320 "
      "--test-limit 64 --log-every 5 --data " +
      std::string(DAE_MNIST_DIR) + " --out " + dir.path() + " --save " + dir.file("weights.safetensors"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(dir.names() == std::vector<std::string>{".mnist_dae.lock", "epochs.csv", "mlp-loss.png",
                                                "mlp-reconstructions.png", "mlp.safetensors", "steps.csv",
                                                "weights.safetensors"});
  std::ifstream csv(dir.file("epochs.csv"));
  std::string header, line;
  std::getline(csv, header);
  CHECK(header == "epoch,train_loss,first_batch_loss,test_loss,test_psnr,seconds,images_per_s");
  std::vector<double> test_losses;
  while (std::getline(csv, line)) {
    std::vector<double> fields;
    std::stringstream row(line);
    for (std::string field; std::getline(row, field, ',');) fields.push_back(std::stod(field));
    REQUIRE(fields.size() == 7);
    test_losses.push_back(fields[3]);
  }
  REQUIRE(test_losses.size() == 3);
  CHECK(test_losses[2] < test_losses[0]);
  // steps.csv: 10 steps per epoch, logged every 5 -> steps 0 and 5 of each epoch.
  std::ifstream steps(dir.file("steps.csv"));
  int rows = 0;
  for (std::string l; std::getline(steps, l);) ++rows;
  CHECK(rows == 1 + 3 * 2);
  // The weights-only file holds the state_dict and nothing else.
  const auto weights = dae::safetensors::load(dir.file("weights.safetensors"));
  CHECK(weights.size() == 8);
  CHECK(weights.count("encoder.0.weight") == 1);
}

TEST_CASE("mnist_dae: a folder holding a run is never overwritten silently", "[app][cli][dataset]") {
  TempDir dir;
  const std::string out = dir.file("run");
  REQUIRE(run_program(short_run(out, "--epochs 2")).exit_code == 0);
  const std::string before = read_file(out + "/epochs.csv");

  const ProcessResult again = run_program(short_run(out, "--epochs 1"));
  CHECK(again.exit_code == 1);
  CHECK_THAT(again.output, Catch::Contains("already holds a run") &&
                               Catch::Contains("--load " + out + "/mlp.safetensors") &&
                               Catch::Contains("--overwrite") && Catch::Contains("--out DIR"));
  CHECK_THAT(again.output, !Catch::Contains("epoch 1/"));  // refused before training
  CHECK(read_file(out + "/epochs.csv") == before);

  // Continuing: --epochs is the total to reach.
  const ProcessResult resumed = run_program(short_run(out, "--epochs 3 --load " + out + "/mlp.safetensors"));
  INFO(resumed.output);
  CHECK(resumed.exit_code == 0);
  CHECK_THAT(resumed.output, Catch::Contains("2 of 3 epochs done, 1 to go") && Catch::Contains("epoch 3/3"));
  const auto history =
      dae::safetensors::to_i64(dae::safetensors::load(out + "/mlp.safetensors").at("trainer.epoch"), "epoch");
  CHECK(history.at(0) == 3);

  // --overwrite starts over, and removes the files the new run would not rewrite.
  const ProcessResult over = run_program(short_run(out, "--epochs 1 --overwrite"));
  CHECK(over.exit_code == 0);
  CHECK_THAT(over.output, Catch::Contains("epoch 1/1"));
  CHECK(std::count(std::istreambuf_iterator<char>(*std::make_unique<std::ifstream>(out + "/epochs.csv")), {}, '\n') ==
        2);
}

TEST_CASE("mnist_dae: resuming with another recipe is refused, listing what differs", "[app][cli][dataset]") {
  TempDir dir;
  const std::string out = dir.file("run");
  REQUIRE(run_program(short_run(out, "--epochs 1")).exit_code == 0);
  const std::string load = " --load " + out + "/mlp.safetensors --epochs 2";
  const ProcessResult changed = run_program(short_run(out, "--noise-std 0.3" + load));
  CHECK(changed.exit_code == 1);
  CHECK_THAT(changed.output, Catch::Contains("was trained with another recipe") &&
                                 Catch::Contains("noise_std: 0.1 in the checkpoint, 0.3 now") &&
                                 Catch::Contains("--allow-recipe-change"));
  const ProcessResult allowed = run_program(short_run(out, "--noise-std 0.3 --allow-recipe-change" + load));
  CHECK(allowed.exit_code == 0);
  CHECK_THAT(allowed.output, Catch::Contains("continuing with a changed recipe"));
}

TEST_CASE("mnist_dae: an evaluation-only run writes its figures to metrics.json", "[app][cli][dataset]") {
  TempDir dir;
  const std::string out = dir.file("run");
  REQUIRE(run_program(short_run(out, "--epochs 1")).exit_code == 0);
  const ProcessResult r = run_program(short_run(out, "--epochs 0 --load " + out + "/mlp.safetensors"));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const nlohmann::json metrics = nlohmann::json::parse(read_file(out + "/metrics.json"));
  CHECK(metrics.at("model") == "mlp");
  CHECK(metrics.at("epochs_done") == 1);
  CHECK(metrics.at("test_images") == 32);
  const double mse = metrics.at("test_mse").get<double>();
  CHECK(mse > 0);
  char printed[64];
  std::snprintf(printed, sizeof printed, "test %.9g", mse);
  CHECK_THAT(r.output, Catch::Contains(printed));
}

TEST_CASE("mnist_dae: what can be refused is refused before training", "[app][cli]") {
  TempDir dir;
  SECTION("--save into a folder that does not exist") {
    const ProcessResult r =
        run_program("linear --device cpu --out " + dir.file("out") + " --save " + dir.file("missing/w.safetensors"));
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.output, Catch::Contains("--save") && Catch::Contains("does not exist"));
    CHECK_THAT(r.output, !Catch::Contains("data "));  // before the data is read
  }
  SECTION("a folder another mnist_dae is writing into") {
    std::filesystem::create_directories(dir.file("busy"));
    const dae::OutputDirLock held(dir.file("busy"));
    const ProcessResult r = run_program("linear --device cpu --out " + dir.file("busy"));
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.output, Catch::Contains("another mnist_dae (process " + std::to_string(getpid()) + ")") &&
                             Catch::Contains(dir.file("busy")));
  }
  SECTION("a machine without an NVIDIA driver says so in words") {
#ifndef DAE_WITH_CUDA
    return;  // a build without the CUDA backend says that instead
#endif
    if (dae::cuda_status().available) return;
    const ProcessResult r =
        run_program("linear --device auto --out " + dir.file("out") + " --data " + dir.file("none"));
    CHECK_THAT(r.output, Catch::Contains("device   cpu (no NVIDIA") && !Catch::Contains("(cudaError"));
  }
}

TEST_CASE("mnist_dae: Ctrl-C stops at a step, says how to resume and exits 130, and twice quits at once",
          "[app][cli][dataset]") {
  TempDir dir;
  const std::string out = dir.file("run");
  // Started by hand (not popen) to know its process id.
  auto start = [&](int pipe_fds[2], const std::string& arguments) {
    REQUIRE(pipe(pipe_fds) == 0);
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      dup2(pipe_fds[1], STDOUT_FILENO);
      dup2(pipe_fds[1], STDERR_FILENO);
      close(pipe_fds[0]);
      const std::string command = std::string("exec ") + DAE_MNIST_DAE_BINARY + " " + arguments;
      execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(pipe_fds[1]);
    return pid;
  };
  // Reads the program's output until `text` appears (or it ends).
  auto read_until = [](int fd, std::string& output, const std::string& text) {
    char buffer[4096];
    while (output.find(text) == std::string::npos) {
      const ssize_t n = read(fd, buffer, sizeof buffer);
      if (n <= 0) return;
      output.append(buffer, static_cast<size_t>(n));
    }
  };
  SECTION("once") {
    int fds[2];
    const pid_t pid = start(fds, short_run(out, "--epochs 100000 --train-limit 2048"));
    std::string output;
    read_until(fds[0], output, "epoch 1/100000  train");
    kill(pid, SIGINT);
    read_until(fds[0], output, "\x01");  // to the end
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    INFO(output);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 130);
    CHECK_THAT(output, Catch::Contains("interrupted during epoch 2: " + out +
                                       "/mlp.safetensors holds 1 epoch; to resume: "
                                       "mnist_dae mlp --data") &&
                           Catch::Contains("--load " + out + "/mlp.safetensors"));
  }
  SECTION("twice") {
    // conv steps of 256 images take seconds on the CPU: the second Ctrl-C comes during the
    // step after the first, so only it can end the program.
    int fds[2];
    const pid_t pid = start(fds, "conv --device cpu --batch-size 256 --train-limit 2048 --test-limit 32 --data " +
                                     std::string(DAE_MNIST_DIR) + " --out " + out);
    std::string output;
    read_until(fds[0], output, "output in");
    usleep(200000);
    kill(pid, SIGINT);
    read_until(fds[0], output, "Ctrl-C again");
    kill(pid, SIGINT);
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGINT);
  }
}
