#include "apps/evaluation/linear_probe.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <numeric>

#include "core/error.h"
#include "kernels/linear.h"

namespace dae {

namespace {

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  return std::inner_product(a.begin(), a.end(), b.begin(), 0.0);
}

// The regularized mean cross-entropy of softmax regression on standardized features, and its
// gradient, for theta = [W (classes x dim, row-major), b (classes)].
class SoftmaxObjective {
 public:
  SoftmaxObjective(const LabelledFeatures& data, int classes, double l2)
      : data_(data), classes_(classes), l2_(l2), mean_(data.dim, 0.0), scale_(data.dim, 0.0) {
    const int64_t n = data.count, d = data.dim;
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < d; ++j) mean_[j] += data.features[i * d + j];
    for (double& m : mean_) m /= static_cast<double>(n);
    std::vector<double> variance(d, 0.0);  // two passes: no cancellation for features far from 0
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < d; ++j) {
        const double centered = data.features[i * d + j] - mean_[j];
        variance[j] += centered * centered;
      }
    for (int64_t j = 0; j < d; ++j) {
      const double deviation = std::sqrt(variance[j] / static_cast<double>(n));
      scale_[j] = deviation > 1e-12 ? 1.0 / deviation : 0.0;
    }
    weight_.resize(static_cast<size_t>(classes * d));
    logits_.resize(static_cast<size_t>(n * classes));
    product_.resize(static_cast<size_t>(classes * d));
  }

  int64_t size() const { return classes_ * (data_.dim + 1); }

  // The weights and biases of the same classifier acting on raw features.
  void raw_parameters(const std::vector<double>& theta, std::vector<float>& weight, std::vector<double>& bias) const {
    const int64_t d = data_.dim;
    weight.resize(static_cast<size_t>(classes_ * d));
    bias.assign(classes_, 0.0);
    for (int k = 0; k < classes_; ++k) {
      double shift = 0;
      for (int64_t j = 0; j < d; ++j) {
        const double w = theta[k * d + j] * scale_[j];
        weight[k * d + j] = static_cast<float>(w);
        shift += w * mean_[j];
      }
      bias[k] = theta[classes_ * d + k] - shift;
    }
  }

  // The inverse of raw_parameters: the parameters on standardized features of a classifier
  // given on raw ones.
  std::vector<double> standardized_parameters(const std::vector<float>& weight, const std::vector<float>& bias) const {
    const int64_t d = data_.dim;
    std::vector<double> theta(static_cast<size_t>(size()), 0.0);
    for (int k = 0; k < classes_; ++k) {
      double shift = 0;
      for (int64_t j = 0; j < d; ++j) {
        const double w = weight[k * d + j];
        if (scale_[j] > 0) theta[k * d + j] = w / scale_[j];
        shift += w * mean_[j];
      }
      theta[classes_ * d + k] = bias[k] + shift;
    }
    return theta;
  }

  double evaluate(const std::vector<double>& theta, std::vector<double>& gradient) {
    const int64_t n = data_.count, d = data_.dim;
    std::vector<double> bias;
    raw_parameters(theta, weight_, bias);
    const LinearShape shape{n, d, classes_};
    cpu::linear_forward(data_.features, weight_.data(), logits_.data(), shape);
    // logits_ becomes d(mean loss)/d(logits) = (softmax - one_hot) / n, row by row.
    double loss = 0;
    std::vector<double> column_sum(classes_, 0.0), row(classes_);
    for (int64_t i = 0; i < n; ++i) {
      float* logits = &logits_[i * classes_];
      double top = -INFINITY;
      for (int k = 0; k < classes_; ++k) top = std::max(top, row[k] = logits[k] + bias[k]);
      double total = 0;
      for (int k = 0; k < classes_; ++k) total += row[k] = std::exp(row[k] - top);
      const int label = data_.labels[i];
      loss -= std::log(row[label] / total);
      for (int k = 0; k < classes_; ++k) {
        const double grad = (row[k] / total - (k == label ? 1.0 : 0.0)) / static_cast<double>(n);
        logits[k] = static_cast<float>(grad);
        column_sum[k] += grad;
      }
    }
    cpu::linear_backward_weight(logits_.data(), data_.features, product_.data(), shape);
    gradient.assign(static_cast<size_t>(size()), 0.0);
    double penalty = 0;
    for (int k = 0; k < classes_; ++k) {
      for (int64_t j = 0; j < d; ++j) {
        const double w = theta[k * d + j];
        gradient[k * d + j] = scale_[j] * (product_[k * d + j] - column_sum[k] * mean_[j]) + l2_ * w;
        penalty += w * w;
      }
      gradient[classes_ * d + k] = column_sum[k];
    }
    return loss / static_cast<double>(n) + 0.5 * l2_ * penalty;
  }

 private:
  LabelledFeatures data_;
  int classes_;
  double l2_;
  std::vector<double> mean_, scale_;
  std::vector<float> weight_, logits_, product_;
};

// The L-BFGS direction -H g from the stored pairs (the two-loop recursion), scaled initially by
// s.y / y.y of the newest pair.
std::vector<double> lbfgs_direction(const std::vector<double>& gradient, const std::deque<std::vector<double>>& s,
                                    const std::deque<std::vector<double>>& y) {
  std::vector<double> q = gradient, alpha(s.size());
  for (size_t i = s.size(); i-- > 0;) {
    alpha[i] = dot(s[i], q) / dot(y[i], s[i]);
    for (size_t p = 0; p < q.size(); ++p) q[p] -= alpha[i] * y[i][p];
  }
  const double gamma =
      s.empty() ? 1.0 / std::sqrt(dot(gradient, gradient)) : dot(s.back(), y.back()) / dot(y.back(), y.back());
  for (double& v : q) v *= gamma;
  for (size_t i = 0; i < s.size(); ++i) {
    const double beta = dot(y[i], q) / dot(y[i], s[i]);
    for (size_t p = 0; p < q.size(); ++p) q[p] += s[i][p] * (alpha[i] - beta);
  }
  for (double& v : q) v = -v;
  return q;
}

}  // namespace

SoftmaxRegression SoftmaxRegression::train(const LabelledFeatures& data, const SoftmaxRegressionOptions& options,
                                           const SoftmaxRegression* start) {
  check_labelled_features(data, options.classes, "softmax regression");
  DAE_CHECK(!start || (start->dim_ == data.dim && start->classes_ == options.classes),
            "softmax regression: the warm start has " << start->dim_ << " features and " << start->classes_
                                                      << " classes, not " << data.dim << " and " << options.classes);
  SoftmaxObjective objective(data, options.classes, options.l2);
  std::vector<double> theta = start ? objective.standardized_parameters(start->weight_, start->bias_)
                                    : std::vector<double>(static_cast<size_t>(objective.size()), 0.0);
  std::vector<double> gradient, next, next_gradient;
  double loss = objective.evaluate(theta, gradient);
  std::deque<std::vector<double>> s_history, y_history;
  int iteration = 0;
  for (; iteration < options.max_iterations; ++iteration) {
    const double largest = std::abs(*std::max_element(gradient.begin(), gradient.end(),
                                                      [](double a, double b) { return std::abs(a) < std::abs(b); }));
    if (largest < options.gradient_tolerance) break;
    std::vector<double> direction = lbfgs_direction(gradient, s_history, y_history);
    double slope = dot(gradient, direction);
    if (!(slope < 0)) {  // not a descent direction (rounding): restart from steepest descent
      s_history.clear();
      y_history.clear();
      direction = lbfgs_direction(gradient, s_history, y_history);
      slope = dot(gradient, direction);
    }
    // Backtracking until the Armijo condition f(x + t d) <= f(x) + 1e-4 t g.d holds.
    double step = 1.0, next_loss = loss;
    bool accepted = false;
    for (int halvings = 0; halvings < 40 && !accepted; ++halvings, step *= 0.5) {
      next = theta;
      for (size_t p = 0; p < next.size(); ++p) next[p] += step * direction[p];
      next_loss = objective.evaluate(next, next_gradient);
      accepted = next_loss <= loss + 1e-4 * step * slope;
    }
    if (!accepted) break;  // no decrease left at float precision: converged
    std::vector<double> s(theta.size()), y(theta.size());
    for (size_t p = 0; p < s.size(); ++p) {
      s[p] = next[p] - theta[p];
      y[p] = next_gradient[p] - gradient[p];
    }
    if (dot(s, y) > 1e-12 * std::sqrt(dot(s, s) * dot(y, y))) {  // keeps H positive definite
      s_history.push_back(std::move(s));
      y_history.push_back(std::move(y));
      if (static_cast<int>(s_history.size()) > options.history) {
        s_history.pop_front();
        y_history.pop_front();
      }
    }
    const double decrease = loss - next_loss;
    theta.swap(next);
    gradient.swap(next_gradient);
    loss = next_loss;
    if (decrease <= options.decrease_tolerance * std::max(1.0, std::abs(loss))) {
      ++iteration;
      break;
    }
  }

  SoftmaxRegression model;
  model.dim_ = data.dim;
  model.classes_ = options.classes;
  std::vector<double> bias;
  objective.raw_parameters(theta, model.weight_, bias);
  model.bias_.assign(bias.begin(), bias.end());
  model.iterations_ = iteration;
  model.final_loss_ = loss;
  return model;
}

std::vector<int> SoftmaxRegression::predict(const float* features, int64_t count) const {
  std::vector<float> logits(static_cast<size_t>(count * classes_));
  if (count > 0) cpu::linear_forward(features, weight_.data(), logits.data(), LinearShape{count, dim_, classes_});
  std::vector<int> predicted(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) {
    int best = 0;
    for (int k = 1; k < classes_; ++k)
      if (logits[i * classes_ + k] + bias_[k] > logits[i * classes_ + best] + bias_[best]) best = k;
    predicted[i] = best;
  }
  return predicted;
}

ValidatedProbe train_validated_probe(const LabelledFeatures& data, const std::vector<double>& penalties,
                                     double validation_fraction, SoftmaxRegressionOptions options) {
  DAE_CHECK(!penalties.empty(), "train_validated_probe: no penalties to choose from");
  const int64_t held_out = static_cast<int64_t>(std::llround(validation_fraction * static_cast<double>(data.count)));
  DAE_CHECK(held_out >= 1 && held_out < data.count, "train_validated_probe: holding out "
                                                        << validation_fraction << " of " << data.count
                                                        << " rows leaves no training or no validation rows");
  const LabelledFeatures fit{data.features, data.labels, data.count - held_out, data.dim};
  const float* validation = data.features + fit.count * data.dim;
  std::vector<double> strongest_first = penalties;
  std::sort(strongest_first.rbegin(), strongest_first.rend());
  ValidatedProbe best;
  best.validation_accuracy = -1;
  SoftmaxRegression previous, chosen;
  for (size_t i = 0; i < strongest_first.size(); ++i) {
    options.l2 = strongest_first[i];
    previous = SoftmaxRegression::train(fit, options, i > 0 ? &previous : nullptr);
    const double score = accuracy(previous.predict(validation, held_out), data.labels + fit.count);
    if (score > best.validation_accuracy) {  // strictly: a tie keeps the stronger penalty
      best.l2 = options.l2;
      best.validation_accuracy = score;
      chosen = previous;
    }
  }
  options.l2 = best.l2;
  best.model = SoftmaxRegression::train(data, options, &chosen);
  return best;
}

}  // namespace dae
