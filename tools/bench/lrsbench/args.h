// Args: the `--name value` flags of one lrsbench subcommand. Every
// subcommand declares the flags it knows, so a misspelt flag is an error
// rather than a silently ignored setting (a benchmark run with the wrong
// settings is worse than no run).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace lrsbench {

class Args {
 public:
  // Parses argv[first..argc). `valued` flags take a value, `switches` none.
  // Returns nullopt (after printing why to stderr) on an unknown flag or a
  // missing value.
  static std::optional<Args> Parse(int argc, char** argv, int first,
                                   const std::set<std::string>& valued,
                                   const std::set<std::string>& switches);

  bool Has(const std::string& flag) const { return values_.count(flag) > 0; }
  std::string String(const std::string& flag, const std::string& fallback = "") const;
  // The flag as a number, `fallback` when absent. A value that is not a
  // non-negative number is reported and turns ok() false.
  uint64_t Number(const std::string& flag, uint64_t fallback);
  double Seconds(const std::string& flag, double fallback);
  // False once a Number or Seconds was malformed (the caller exits with 2).
  bool ok() const { return ok_; }

 private:
  std::map<std::string, std::string> values_;
  bool ok_ = true;
};

}  // namespace lrsbench
