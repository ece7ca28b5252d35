// Peak memory of the process, for the summaries of the training commands and the report.
#pragma once

namespace dae {

// The process's peak resident set size in bytes: Linux's VmHWM (since the start, or since the
// last reset_host_peak_rss), else getrusage's maximum.
double host_peak_rss_bytes();

// Lowers the peak to the current resident set size, so that the next reading is the peak of
// what runs in between (Linux 4.0 and later, through /proc/self/clear_refs). Returns false
// where that is not possible; the peak then counts from the start of the process.
bool reset_host_peak_rss();

}  // namespace dae
