// PrintReport: formats a run's figures (report.h).
#include "tools/bench/lrsbench/report.h"

#include <boost/json.hpp>
#include <cstdio>

namespace lrsbench {

namespace json = boost::json;

namespace {

constexpr double kPercentiles[] = {50, 90, 99, 99.9, 100};
constexpr const char* kPercentileNames[] = {"p50", "p90", "p99", "p99.9", "max"};

double Ms(uint64_t us) { return static_cast<double>(us) / 1000.0; }

double PerSecond(uint64_t n, double seconds) { return seconds > 0 ? n / seconds : 0; }

// Numbers are printed fixed-point (Boost.JSON would write 5E0 for 5 s):
// the object is read by people as often as by run_bench.sh.
std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string Quoted(const std::string& s) { return json::serialize(json::value(s)); }

std::string ToJson(const Report& r) {
  const Measurement& m = r.measurement;
  std::string latency, status;
  for (size_t i = 0; i < std::size(kPercentiles); ++i) {
    latency += std::string(i ? "," : "") + Quoted(kPercentileNames[i]) + ":" +
               Fixed(Ms(Percentile(m.latencies_us, kPercentiles[i])), 3);
  }
  for (int c = 0; c < 6; ++c) {
    if (!m.status_classes[c]) continue;
    status += std::string(status.empty() ? "" : ",") +
              Quoted(c ? std::to_string(c) + "xx" : "none") + ":" +
              std::to_string(m.status_classes[c]);
  }
  std::string out =
      "{\"driver\":" + Quoted(r.driver) + ",\"connections\":" + std::to_string(r.connections) +
      ",\"threads\":" + std::to_string(r.threads) + ",\"seconds\":" + Fixed(m.seconds, 3) +
      ",\"requests\":" + std::to_string(m.requests) +
      ",\"requests_per_second\":" + Fixed(PerSecond(m.requests, m.seconds), 1) +
      ",\"statements\":" + std::to_string(m.statements) +
      ",\"statements_per_second\":" + Fixed(PerSecond(m.statements, m.seconds), 1) +
      ",\"latency_ms\":{" + latency + "},\"errors\":" + std::to_string(m.errors) + ",\"status\":{" +
      status + "}";
  if (!r.operation.empty()) {
    out += ",\"operation\":{\"name\":" + Quoted(r.operation) +
           ",\"count\":" + std::to_string(m.operations_us.size()) +
           ",\"p50_seconds\":" + Fixed(Ms(Percentile(m.operations_us, 50)) / 1000.0, 3) + "}";
  }
  return out + "}";
}

void PrintLine(const Report& r) {
  const Measurement& m = r.measurement;
  std::printf("%s conns=%llu seconds=%.1f requests=%llu req/s=%.1f", r.driver.c_str(),
              static_cast<unsigned long long>(r.connections), m.seconds,
              static_cast<unsigned long long>(m.requests), PerSecond(m.requests, m.seconds));
  if (m.statements) std::printf(" statements/s=%.0f", PerSecond(m.statements, m.seconds));
  std::printf(" latency_ms");
  for (size_t i = 0; i < std::size(kPercentiles); ++i) {
    std::printf(" %s=%.2f", kPercentileNames[i], Ms(Percentile(m.latencies_us, kPercentiles[i])));
  }
  std::printf(" errors=%llu", static_cast<unsigned long long>(m.errors));
  if (!r.operation.empty()) {
    std::printf(" [%s: %zu, p50=%.3f s]", r.operation.c_str(), m.operations_us.size(),
                Ms(Percentile(m.operations_us, 50)) / 1000.0);
  }
  std::printf("\n");
}

}  // namespace

void PrintReport(const Report& report, bool json) {
  if (json) {
    std::printf("%s\n", ToJson(report).c_str());
  } else {
    PrintLine(report);
  }
  std::fflush(stdout);
}

}  // namespace lrsbench
