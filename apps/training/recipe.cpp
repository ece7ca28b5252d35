#include "apps/training/recipe.h"

#include <functional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace dae {

namespace {

// A stream writes a double as printf's %g does: "0.0002", "1e-08".
std::string shortest(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

// Each field once: its name in the JSON and how it reads as text.
struct Field {
  const char* name;
  std::function<std::string(const Recipe&)> text;
};

const std::vector<Field>& fields() {
  static const std::vector<Field> list = {
      {"model", [](const Recipe& r) { return r.model; }},
      {"batch_size", [](const Recipe& r) { return std::to_string(r.batch_size); }},
      {"lr", [](const Recipe& r) { return shortest(r.lr); }},
      {"noise_std", [](const Recipe& r) { return shortest(r.noise_std); }},
      {"seed", [](const Recipe& r) { return std::to_string(r.seed); }},
      {"target", [](const Recipe& r) { return std::string(r.target_noisy ? "noisy" : "clean"); }},
      {"shuffle", [](const Recipe& r) { return std::string(r.shuffle ? "on" : "off"); }},
      {"train_images", [](const Recipe& r) { return std::to_string(r.train_images); }},
      {"test_images", [](const Recipe& r) { return std::to_string(r.test_images); }},
  };
  return list;
}

}  // namespace

Recipe recipe_of(const TrainingRun& run) {
  const TrainingConfig& c = run.config();
  return {c.model,          c.batch_size, c.lr, c.noise_std, c.seed, c.target_noisy, c.shuffle, run.train_set().count(),
          run.test_images()};
}

std::string recipe_json(const Recipe& r) {
  return nlohmann::json{{"model", r.model},
                        {"batch_size", r.batch_size},
                        {"lr", r.lr},
                        {"noise_std", r.noise_std},
                        {"seed", r.seed},
                        {"target_noisy", r.target_noisy},
                        {"shuffle", r.shuffle},
                        {"train_images", r.train_images},
                        {"test_images", r.test_images}}
      .dump();
}

Recipe recipe_from_json(const std::string& text, const std::string& origin) {
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    Recipe r;
    r.model = j.at("model").get<std::string>();
    r.batch_size = j.at("batch_size").get<int64_t>();
    r.lr = j.at("lr").get<double>();
    r.noise_std = j.at("noise_std").get<double>();
    r.seed = j.at("seed").get<uint64_t>();
    r.target_noisy = j.at("target_noisy").get<bool>();
    r.shuffle = j.at("shuffle").get<bool>();
    r.train_images = j.at("train_images").get<int64_t>();
    r.test_images = j.at("test_images").get<int64_t>();
    return r;
  } catch (const nlohmann::json::exception& e) {
    DAE_THROW(origin << ": the recipe in the metadata is not valid: " << e.what());
  }
}

std::vector<std::string> recipe_differences(const Recipe& checkpoint, const Recipe& now) {
  std::vector<std::string> differences;
  for (const Field& field : fields()) {
    const std::string was = field.text(checkpoint), is = field.text(now);
    if (was != is) differences.push_back(std::string(field.name) + ": " + was + " in the checkpoint, " + is + " now");
  }
  return differences;
}

}  // namespace dae
