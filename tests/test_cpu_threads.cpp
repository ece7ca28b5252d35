// Tests of the CPU thread pool (kernels/cpu_threads.h): every index runs exactly once for any
// count and thread count, a parallel_for inside another runs serially, and the kernels that
// split their work over the threads give the same bits on one thread as on several (the
// chunks of a convolution and the parts of its weight gradient are set by the shape alone).
#include <catch2/catch.hpp>

#include <atomic>
#include <vector>

#include "kernels/batch_norm2d.h"
#include "kernels/conv2d.h"
#include "kernels/cpu_gemm.h"
#include "kernels/cpu_threads.h"
#include "tests/reference.h"

using namespace dae;
using namespace dae::test;

TEST_CASE("parallel_for calls every index exactly once", "[kernels][threads]") {
  ThreadCountGuard restore;
  for (int threads : {1, 2, 3}) {
    cpu::set_num_threads(threads);
    REQUIRE(cpu::num_threads() == threads);
    for (int64_t count : {0, 1, 2, 7, 1000}) {
      INFO(threads << " threads, " << count << " indices");
      std::vector<std::atomic<int>> calls(static_cast<size_t>(count));
      std::atomic<int> nested_serial{0};
      cpu::parallel_for(count, [&](int64_t i) {
        calls[static_cast<size_t>(i)]++;
        // A nested loop runs on the calling thread: all of it, in order.
        int64_t next = 0;
        bool in_order = true;
        cpu::parallel_for(3, [&](int64_t j) { in_order = in_order && j == next++; });
        if (in_order && next == 3 && (count == 1 || threads == 1 || cpu::in_parallel())) nested_serial++;
      });
      int wrong = 0;
      for (const auto& c : calls) wrong += c.load() != 1;
      CHECK(wrong == 0);
      CHECK(nested_serial.load() == count);
      CHECK_FALSE(cpu::in_parallel());
    }
  }
}

namespace {

// Runs `kernel` on one thread and on two and checks that it wrote the same bits.
template <typename Kernel>
void check_same_on_one_and_two_threads(const char* what, Kernel kernel) {
  ThreadCountGuard restore;
  cpu::set_num_threads(1);
  const std::vector<float> one = kernel();
  cpu::set_num_threads(2);
  const std::vector<float> two = kernel();
  INFO(what);
  CHECK(same_bits(one, two));
}

}  // namespace

TEST_CASE("kernels split over threads give the same bits on one thread and on two", "[kernels][threads]") {
  // Winograd (3x3 stride 1, 70 images: 5 groups of 16, the last one short) and im2col (stride 2).
  for (const Conv2dShape& s : {Conv2dShape{70, 6, 7, 7, 5, 3, 3, 1, 1}, Conv2dShape{37, 6, 9, 9, 5, 3, 3, 2, 1}}) {
    const std::vector<float> x = random_values(s.batch * s.in_channels * s.in_height * s.in_width, 70);
    const std::vector<float> w = random_values(s.out_channels * s.in_channels * 9, 71);
    const std::vector<float> dy = random_values(s.batch * s.out_channels * s.out_height() * s.out_width(), 72);
    check_same_on_one_and_two_threads("conv2d_forward", [&] {
      std::vector<float> y(dy.size());
      cpu::conv2d_forward(x.data(), w.data(), y.data(), s);
      return y;
    });
    check_same_on_one_and_two_threads("conv2d_backward_input", [&] {
      std::vector<float> dx(x.size());
      cpu::conv2d_backward_input(dy.data(), w.data(), dx.data(), s);
      return dx;
    });
    check_same_on_one_and_two_threads("conv2d_backward_weight", [&] {
      std::vector<float> dw(w.size());
      cpu::conv2d_backward_weight(dy.data(), x.data(), dw.data(), s);
      return dw;
    });
  }
  // A product split into blocks of rows (m >= n) and of columns.
  for (const cpu::ProductShape& p :
       {cpu::ProductShape{300, 40, 200, true, false}, cpu::ProductShape{40, 300, 200, false, true}}) {
    const std::vector<float> a = random_values(p.m * p.k, 73), b = random_values(p.k * p.n, 74);
    check_same_on_one_and_two_threads("sgemm", [&] {
      std::vector<float> c(static_cast<size_t>(p.m * p.n), 1.0f);
      cpu::sgemm(p, a.data(), b.data(), 0.5f, c.data());
      return c;
    });
  }
  // Batch norm over enough elements to run in parallel (the statistics per channel).
  const BatchNormShape bn{8, 16, 28 * 28};
  const std::vector<float> x = random_values(bn.batch * bn.channels * bn.spatial, 75);
  check_same_on_one_and_two_threads("batch_norm2d_forward_train", [&] {
    std::vector<float> y(x.size()), mean(16), inv_std(16), running_mean(16, 0.0f), running_var(16, 1.0f);
    const std::vector<float> weight(16, 1.5f), bias(16, 0.25f);
    cpu::batch_norm2d_forward_train(x.data(), weight.data(), bias.data(), y.data(), {mean.data(), inv_std.data()},
                                    running_mean.data(), running_var.data(), bn, 0.1f, 1e-5f);
    y.insert(y.end(), running_var.begin(), running_var.end());
    return y;
  });
}
