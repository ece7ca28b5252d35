#include "apps/training/checkpoint_history.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace dae {

namespace {

// A finite number in [min, max] read from `row`; a JSON null (how a NaN is written) or a
// string is refused by name.
double number_field(const nlohmann::json& row, const char* name, double min, double max, size_t index,
                    const std::string& origin) {
  DAE_CHECK(row.contains(name), origin << ": history row " << index << " has no '" << name << "'");
  const nlohmann::json& value = row.at(name);
  DAE_CHECK(value.is_number(),
            origin << ": history row " << index << ", '" << name << "': expected a number, found " << value.dump());
  const double number = value.get<double>();
  DAE_CHECK(std::isfinite(number) && number >= min && number <= max,
            origin << ": history row " << index << ", '" << name << "' = " << number << " is outside [" << min << ", "
                   << max << "]");
  return number;
}

}  // namespace

std::string history_json(const std::vector<EpochResult>& history) {
  nlohmann::json rows = nlohmann::json::array();
  for (const EpochResult& r : history) {
    rows.push_back({{"epoch", r.epoch},
                    {"train_loss", r.train_loss},
                    {"first_batch_loss", r.first_batch_loss},
                    {"test_loss", r.test_loss},
                    {"test_psnr", r.test_psnr},
                    {"seconds", r.seconds},
                    {"images_per_s", r.images_per_second}});
  }
  return rows.dump();
}

std::vector<EpochResult> history_from_json(const std::string& text, int64_t epochs_done, const std::string& origin) {
  nlohmann::json rows;
  try {
    rows = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    DAE_THROW(origin << ": the training history in the metadata is not valid JSON: " << e.what());
  }
  DAE_CHECK(rows.is_array(), origin << ": the training history in the metadata is not a list");
  DAE_CHECK(static_cast<int64_t>(rows.size()) == epochs_done,
            origin << ": the training history has " << rows.size() << " epochs, trainer.epoch says " << epochs_done);
  constexpr double kLargest = 1e300;
  std::vector<EpochResult> history;
  for (size_t i = 0; i < rows.size(); ++i) {
    const nlohmann::json& row = rows[i];
    DAE_CHECK(row.is_object(), origin << ": history row " << i << " is not an object");
    EpochResult r;
    const double epoch = number_field(row, "epoch", 1, static_cast<double>(kMaxEpochs), i, origin);
    DAE_CHECK(epoch == static_cast<double>(i + 1),
              origin << ": history row " << i << " is epoch " << epoch << ", expected " << i + 1);
    r.epoch = static_cast<int64_t>(i + 1);
    r.train_loss = number_field(row, "train_loss", 0, kLargest, i, origin);
    r.first_batch_loss = number_field(row, "first_batch_loss", 0, kLargest, i, origin);
    r.test_loss = number_field(row, "test_loss", 0, kLargest, i, origin);
    r.test_psnr = number_field(row, "test_psnr", -kLargest, kLargest, i, origin);
    r.seconds = number_field(row, "seconds", 0, kLargest, i, origin);
    r.images_per_second = number_field(row, "images_per_s", 0, kLargest, i, origin);
    history.push_back(r);
  }
  return history;
}

}  // namespace dae
