#include "apps/report/loss_curves.h"

namespace dae {

void add_loss_points(const std::vector<EpochResult>& history, Series& train, Series& test) {
  for (const EpochResult& r : history) {
    train.x.push_back(static_cast<double>(r.epoch));
    train.y.push_back(r.train_loss);
    test.x.push_back(static_cast<double>(r.epoch));
    test.y.push_back(r.test_loss);
  }
}

ChartOptions loss_chart_options(const std::string& title) {
  ChartOptions options;
  options.title = title;
  options.x_label = "epoch";
  options.y_label = "MSE";
  options.log_y = true;
  return options;
}

}  // namespace dae
