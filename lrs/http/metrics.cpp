#include "lrs/http/metrics.h"

#include <cstdio>

namespace lrs::http {

namespace {

// Longest first, so "/xapi/activities/state" wins over "/xapi/activities".
constexpr std::string_view kRoutes[] = {
    "/xapi/activities/profile",
    "/xapi/activities/state",
    "/admin/organisations",
    "/xapi/agents/profile",
    "/xapi/statements",
    "/xapi/activities",
    "/admin/learners",
    "/admin/backups",
    "/me/provenance",
    "/xapi/agents",
    "/xapi/about",
    "/me/identities",
    "/me/grants",
    "/me/export",
    "/me/import",
    "/me/audit",
    "/healthz",
    "/metrics",
    "/admin",
    "/me",
};

constexpr std::string_view kMethods[] = {"GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS"};

std::string_view MethodOf(std::string_view method) {
  for (std::string_view m : kMethods) {
    if (m == method) return m;
  }
  return "other";
}

void Line(std::string* out, const char* format, auto... args) {
  char buf[512];
  int n = std::snprintf(buf, sizeof buf, format, args...);
  if (n > 0) out->append(buf, std::min<size_t>(static_cast<size_t>(n), sizeof buf - 1));
}

void Family(std::string* out, const char* name, const char* type, const char* help) {
  Line(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

}  // namespace

std::string_view Metrics::RouteOf(std::string_view path) {
  for (std::string_view route : kRoutes) {
    if (path.starts_with(route) && (path.size() == route.size() || path[route.size()] == '/')) {
      return route;
    }
  }
  return "other";
}

void Metrics::Observe(std::string_view method, std::string_view path, int status, double seconds) {
  std::string_view route = RouteOf(path);
  size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  std::lock_guard lock(mu_);
  requests_[{route, MethodOf(method), status}]++;
  Histogram& h = latency_[route];
  h.counts[bucket]++;
  h.sum += seconds;
  h.count++;
}

std::string Metrics::Render() const {
  std::string out;
  std::lock_guard lock(mu_);
  Family(&out, "lrs_http_requests_total", "counter",
         "Requests answered, by route, method and status.");
  for (const auto& [labels, n] : requests_) {
    const auto& [route, method, status] = labels;
    Line(&out, "lrs_http_requests_total{route=\"%.*s\",method=\"%.*s\",status=\"%d\"} %llu\n",
         static_cast<int>(route.size()), route.data(), static_cast<int>(method.size()),
         method.data(), status, static_cast<unsigned long long>(n));
  }
  Family(&out, "lrs_http_request_duration_seconds", "histogram",
         "Time from a request read whole to its response written, by route.");
  for (const auto& [route, h] : latency_) {
    uint64_t cumulative = 0;
    int rlen = static_cast<int>(route.size());
    for (size_t i = 0; i <= kBuckets.size(); ++i) {
      cumulative += h.counts[i];
      if (i < kBuckets.size()) {
        Line(&out, "lrs_http_request_duration_seconds_bucket{route=\"%.*s\",le=\"%g\"} %llu\n",
             rlen, route.data(), kBuckets[i], static_cast<unsigned long long>(cumulative));
      } else {
        Line(&out, "lrs_http_request_duration_seconds_bucket{route=\"%.*s\",le=\"+Inf\"} %llu\n",
             rlen, route.data(), static_cast<unsigned long long>(cumulative));
      }
    }
    Line(&out, "lrs_http_request_duration_seconds_sum{route=\"%.*s\"} %.6f\n", rlen, route.data(),
         h.sum);
    Line(&out, "lrs_http_request_duration_seconds_count{route=\"%.*s\"} %llu\n", rlen, route.data(),
         static_cast<unsigned long long>(h.count));
  }
  auto counter = [&](const char* name, const char* type, const char* help, long long value) {
    Family(&out, name, type, help);
    Line(&out, "%s %lld\n", name, value);
  };
  counter("lrs_http_connections_open", "gauge", "Client connections open now.",
          connections_open_.load());
  counter("lrs_http_connections_total", "counter", "Client connections accepted.",
          static_cast<long long>(connections_total_.load()));
  counter("lrs_http_connections_evicted_total", "counter",
          "Connections closed while still sending a request, to admit a new one at the "
          "connection limit.",
          static_cast<long long>(connections_evicted_.load()));
  counter("lrs_http_busy_refused_total", "counter",
          "Requests answered 503 because too many were already waiting for a worker.",
          static_cast<long long>(busy_refused_.load()));
  counter("lrs_auth_rate_limited_total", "counter",
          "Authentications refused with 429 after too many failures for the key or address.",
          static_cast<long long>(auth_rate_limited_.load()));
  counter("lrs_statements_accepted_total", "counter",
          "Statements acknowledged by PUT or POST since the start (a re-sent one counts again).",
          static_cast<long long>(statements_accepted_.load()));
  return out;
}

}  // namespace lrs::http
