// Tests of the progress display (apps/progress.h): the clock's format, and a line that fits
// the terminal whatever its width, giving up its parts in order.
#include <catch2/catch.hpp>

#include "apps/progress.h"

TEST_CASE("progress: the clock is m:ss, or h:mm:ss past an hour", "[app][progress]") {
  CHECK(dae::format_clock(0) == "0:00");
  CHECK(dae::format_clock(42.4) == "0:42");
  CHECK(dae::format_clock(725) == "12:05");
  CHECK(dae::format_clock(3723) == "1:02:03");
  CHECK(dae::format_clock(-3) == "0:00");
}

TEST_CASE("progress: the line is never wider than the terminal", "[app][progress]") {
  const std::string details = "loss 0.01234  412 img/s";
  for (int columns = 1; columns <= 200; ++columns) {
    INFO("columns " << columns);
    const std::string line = dae::progress_line("epoch 3/10", 117, 234, details, 61, columns);
    CHECK(static_cast<int>(line.size()) <= std::max(columns - 1, 1));
  }
  const std::string wide = dae::progress_line("epoch 3/10", 117, 234, details, 61, 120);
  CHECK(wide ==
        "epoch 3/10 [###############...............] 117/234  loss 0.01234  412 img/s  1:01 elapsed, 1:01 left");
  // Narrower: the details go first, then the clock; the bar shrinks before either.
  CHECK(dae::progress_line("epoch 3/10", 117, 234, details, 61, 80) ==
        "epoch 3/10 [####....] 117/234  loss 0.01234  412 img/s  1:01 elapsed, 1:01 left");
  CHECK(dae::progress_line("epoch 3/10", 117, 234, details, 61, 60) ==
        "epoch 3/10 [######.......] 117/234  1:01 elapsed, 1:01 left");
  CHECK(dae::progress_line("epoch 3/10", 117, 234, details, 61, 45) == "epoch 3/10 [###########............] 117/234");
  CHECK(dae::progress_line("epoch 3/10", 0, 234, "", 0, 120).find("? left") != std::string::npos);
}
