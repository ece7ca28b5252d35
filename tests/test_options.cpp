// Tests of the command line (apps/options.h): defaults, every option, the messages of bad
// input, --name=value, help, per-command options, and the equivalent command as the inverse
// of parsing.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "apps/options.h"

TEST_CASE("options: the study's defaults, and every option parsed", "[app][options]") {
  const dae::Options defaults = dae::parse_options({"conv"});
  CHECK(defaults.model == "conv");
  CHECK(defaults.epochs == 10);
  CHECK(defaults.batch_size == 256);
  CHECK(defaults.lr == 2e-4);
  CHECK(defaults.noise_std == 0.1);
  CHECK(defaults.seed == 0);
  CHECK(defaults.shuffle);
  CHECK(defaults.target == dae::Target::Clean);
  CHECK(dae::output_dir_for(defaults, "conv") == "runs/conv");

  // One flag and its value per line (clang-format would lay the words out in columns).
  // clang-format off
  const dae::Options o = dae::parse_options({
      "--epochs", "3",
      "mlp",
      "--batch-size", "64",
      "--lr", "1e-3",
      "--noise-std", "0.3",
      "--seed", "5",
      "--device", "cpu",
      "--threads", "1",
      "--train-limit", "100",
      "--test-limit", "50",
      "--target", "noisy",
      "--no-shuffle",
      "--log-every", "2",
      "--out", "x",
      "--data", "d",
      "--tf32"});
  // clang-format on
  CHECK(o.model == "mlp");
  CHECK(o.epochs == 3);
  CHECK(o.batch_size == 64);
  CHECK(o.lr == 1e-3);
  CHECK(o.noise_std == 0.3);
  CHECK(o.seed == 5);
  CHECK(o.device == dae::DeviceChoice::CPU);
  CHECK(o.threads == 1);
  CHECK(o.train_limit == 100);
  CHECK(o.test_limit == 50);
  CHECK(o.target == dae::Target::Noisy);
  CHECK_FALSE(o.shuffle);
  CHECK(o.log_every == 2);
  CHECK(o.out_dir == "x");
  CHECK(o.data_dir == "d");
  CHECK(o.tf32);
  CHECK(dae::models_of(dae::parse_options({"all"})) == std::vector<std::string>{"linear", "mlp", "conv"});
  CHECK(dae::output_dir_for(dae::parse_options({"all"}), "mlp") == "runs/mlp");
}

TEST_CASE("options: bad values are usage errors naming the flag", "[app][options]") {
  using Args = std::vector<std::string>;
  const std::vector<std::pair<Args, std::string>> cases = {
      {{}, "missing the model"},
      {{"resnet"}, "expected one of linear|mlp|conv|all"},
      {{"conv", "--frobnicate"}, "unknown option '--frobnicate'"},
      {{"conv", "--batch-size", "0"}, "--batch-size: expected a value in [1, 60000], got 0"},
      {{"conv", "--batch-size"}, "--batch-size: missing value"},
      {{"conv", "--epochs", "3x"}, "--epochs: expected an integer, got '3x'"},
      {{"conv", "--seed", "18446744073709551616"},
       "--seed: expected a value in [0, 9223372036854775807], got 18446744073709551616"},
      {{"conv", "--lr", "-1e-3"}, "--lr: expected a value in (0, 10], got -1e-3"},
      {{"conv", "--lr", "nan"}, "--lr: expected a finite number, got nan"},
      {{"conv", "--noise-std", "inf"}, "--noise-std: expected a finite number"},
      {{"conv", "--device", "tpu"}, "--device: expected one of auto|cpu|cuda, got 'tpu'"},
      {{"conv", "--target", "x"}, "--target: expected one of clean|noisy"},
      {{"conv", "mlp"}, "unexpected argument 'mlp'"},
      {{"all", "--load", "x.safetensors"}, "--load and --save name one model's file"},
      // Misspellings get the closest name.
      {{"conv", "--epoch", "3"}, "unknown option '--epoch' (did you mean --epochs?)"},
      {{"conv", "--bach-size", "3"}, "(did you mean --batch-size?)"},
      {{"cnov"}, "got 'cnov' (did you mean conv?)"},
      {{"-e", "conv"}, "unknown option '-e'"},
      // An option of another command is an error, not ignored.
      {{"mlp", "--steps", "5"}, "--steps is for 'bench', not for 'mnist_dae mlp'"},
      {{"mlp", "--profile"}, "--profile is for 'bench'"},
      {{"bench", "linear", "--load", "F"}, "--load is for 'mnist_dae <model>', not for 'mnist_dae bench linear'"},
      {{"compare", "--save", "F"}, "--save is for 'mnist_dae <model>'"},
      {{"compare", "conv"}, "compare works on the three models"},
      // Empty values and values that are the next option.
      {{"conv", "--out", ""}, "--out: expected DIR, got an empty value"},
      {{"conv", "--load="}, "--load: expected FILE, got an empty value"},
      {{"conv", "--data", ""}, "--data: expected DIR, got an empty value"},
      {{"conv", "--load", "--epochs", "3"}, "--load: missing value (FILE) before '--epochs'"},
      {{"conv", "--tf32=yes"}, "--tf32 takes no value"},
  };
  for (const auto& [args, message] : cases) {
    INFO("arguments: " << Catch::Detail::stringify(args));
    REQUIRE_THROWS_WITH(dae::parse_options(args), Catch::Contains(message));
  }
}

TEST_CASE("options: --name=value, help anywhere, and the commands' own option lists", "[app][options]") {
  const dae::Options o = dae::parse_options({"mlp", "--lr=1e-3", "--epochs=3", "--out=a=b"});
  CHECK(o.lr == 1e-3);
  CHECK(o.epochs == 3);
  CHECK(o.out_dir == "a=b");
  CHECK(o.given == std::set<std::string>{"--lr", "--epochs", "--out"});
  // A value may start with -- when written with '='.
  CHECK(dae::parse_options({"mlp", "--out=--odd"}).out_dir == "--odd");
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"-h"}, {"conv", "--epochs", "3", "-h"}, {"help"}, {"--help", "conv"}, {"compare", "--help"}}) {
    INFO(Catch::Detail::stringify(args));
    CHECK(dae::parse_options(args).help);
  }
  CHECK(dae::parse_options({"bench", "--help"}).command == "bench");
  // The option list, after the introduction (which names some options of other commands).
  auto option_list = [](const std::string& command) {
    const std::string text = dae::usage_text(command);
    return text.substr(text.find("options of"));
  };
  const std::string bench = option_list("bench");
  CHECK_THAT(bench, Catch::Contains("--steps") && Catch::Contains("--profile") && !Catch::Contains("--load-dir") &&
                        !Catch::Contains("--save"));
  const std::string train = option_list("train");
  CHECK_THAT(train, Catch::Contains("--load") && Catch::Contains("--overwrite") && !Catch::Contains("--steps"));
}

TEST_CASE("options: the equivalent command parses back to the same options", "[app][options]") {
  using Args = std::vector<std::string>;
  for (const Args& args : {Args{"conv"},
                           Args{"mlp", "--epochs", "3", "--lr", "0.001", "--no-shuffle", "--out", "my runs", "--seed",
                                "7", "--target", "noisy", "--device", "cpu", "--load", "it's.st"},
                           Args{"bench", "all", "--steps", "4", "--profile", "--json", "x.json"},
                           Args{"compare", "--load-dir", "runs", "--probe-train", "500", "--tf32"}}) {
    INFO(Catch::Detail::stringify(args));
    const dae::Options o = dae::parse_options(args);
    const std::string command = dae::equivalent_command(o);
    INFO(command);
    // Split the command as a POSIX shell would (words, single quotes, backslash).
    Args words;
    std::string word;
    bool quoted = false, in_word = false;
    for (size_t i = 0; i < command.size(); ++i) {
      const char c = command[i];
      if (c == '\\' && !quoted && i + 1 < command.size()) {
        word += command[++i];
        in_word = true;
      } else if (c == '\'') {
        quoted = !quoted;
        in_word = true;
      } else if (c == ' ' && !quoted) {
        if (in_word) words.push_back(word);
        word.clear();
        in_word = false;
      } else {
        word += c;
        in_word = true;
      }
    }
    if (in_word) words.push_back(word);
    REQUIRE(words.front() == "mnist_dae");
    const dae::Options back = dae::parse_options(Args(words.begin() + 1, words.end()));
    CHECK(dae::equivalent_command(back) == command);
    CHECK(back.out_dir == o.out_dir);
    CHECK(back.load_path == o.load_path);
    CHECK(back.lr == o.lr);
    CHECK(back.shuffle == o.shuffle);
    CHECK(back.steps == o.steps);
    CHECK(back.load_dir == o.load_dir);
  }
  CHECK(dae::equivalent_command(dae::parse_options({"conv"})) == "mnist_dae conv");
  CHECK_THAT(dae::equivalent_command(dae::parse_options({"compare"}), true), Catch::Contains("--epochs 10") &&
                                                                                 Catch::Contains("--batch-size 256") &&
                                                                                 Catch::Contains("--data data/mnist"));
}
