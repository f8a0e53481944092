// Report: one run's figures as one line of text, or as one JSON object
// (--json, what run_bench.sh reads).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tools/bench/lrsbench/client.h"

namespace lrsbench {

struct Report {
  std::string driver;
  uint64_t connections = 0;
  uint64_t threads = 0;
  std::string operation;  // the driver's multi-request operation ("walk of 10000"), if any
  Measurement measurement;
};

void PrintReport(const Report& report, bool json);

// The nearest-rank percentile `p` (0..100] of sorted `values`; 0 when empty.
template <typename T>
T Percentile(const std::vector<T>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(p / 100.0 * static_cast<double>(sorted.size()) + 0.999999);
  return sorted[std::min(sorted.size(), std::max<size_t>(rank, 1)) - 1];
}

}  // namespace lrsbench
