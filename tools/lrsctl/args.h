// The options of one lrsctl command: "--name value" (or "--name=value")
// pairs, switches without a value, and positional arguments, in any order.
// Each command declares what it accepts, so a mistyped option is a usage
// error rather than a silently ignored default.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "lrs/base/status.h"

namespace lrsctl {

struct OptionSpec {
  std::vector<std::string> valued;    // e.g. "--url"
  std::vector<std::string> switches;  // e.g. "--erase-source"
  size_t max_positional = 0;
};

class Args {
 public:
  // Parses argv[first, argc). InvalidArgument with the message to show the
  // user: an unknown option, a missing value, an option given twice, or too
  // many positional arguments.
  static lrs::Result<Args> Parse(int argc, char** argv, int first, const OptionSpec& spec);

  // A valued option's value; "" when it was not given.
  std::string Get(std::string_view name) const;
  // Whether a valued option or a switch was given.
  bool Has(std::string_view name) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::string, std::less<>> given_;
  std::vector<std::string> positional_;
};

// Whether argv[first, argc) asks for help ("--help" or "-h" anywhere).
bool WantsHelp(int argc, char** argv, int first);

}  // namespace lrsctl
