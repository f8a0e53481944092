// Args: flag parsing for the lrsbench subcommands (see args.h).
#include "tools/bench/lrsbench/args.h"

#include <cstdio>
#include <cstdlib>

namespace lrsbench {

std::optional<Args> Args::Parse(int argc, char** argv, int first,
                                const std::set<std::string>& valued,
                                const std::set<std::string>& switches) {
  Args args;
  for (int i = first; i < argc; ++i) {
    std::string flag = argv[i];
    if (switches.count(flag)) {
      args.values_[flag] = "1";
    } else if (valued.count(flag) && i + 1 < argc) {
      args.values_[flag] = argv[++i];
    } else {
      std::fprintf(stderr, "lrsbench: unknown or incomplete option %s (see --help)\n",
                   flag.c_str());
      return std::nullopt;
    }
  }
  return args;
}

std::string Args::String(const std::string& flag, const std::string& fallback) const {
  auto it = values_.find(flag);
  return it == values_.end() ? fallback : it->second;
}

uint64_t Args::Number(const std::string& flag, uint64_t fallback) {
  auto it = values_.find(flag);
  if (it == values_.end()) return fallback;
  char* end = nullptr;
  unsigned long long v = std::strtoull(it->second.c_str(), &end, 10);
  if (it->second.empty() || *end != '\0' || it->second[0] == '-') {
    std::fprintf(stderr, "lrsbench: %s needs a non-negative whole number, got %s\n", flag.c_str(),
                 it->second.c_str());
    ok_ = false;
    return fallback;
  }
  return v;
}

double Args::Seconds(const std::string& flag, double fallback) {
  auto it = values_.find(flag);
  if (it == values_.end()) return fallback;
  char* end = nullptr;
  double v = std::strtod(it->second.c_str(), &end);
  if (it->second.empty() || *end != '\0' || !(v >= 0)) {
    std::fprintf(stderr, "lrsbench: %s needs a number of seconds, got %s\n", flag.c_str(),
                 it->second.c_str());
    ok_ = false;
    return fallback;
  }
  return v;
}

}  // namespace lrsbench
