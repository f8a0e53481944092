#include "tools/lrsctl/args.h"

#include <algorithm>
#include <cstring>

namespace lrsctl {

namespace {

bool Contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

lrs::Result<Args> Args::Parse(int argc, char** argv, int first, const OptionSpec& spec) {
  Args args;
  for (int i = first; i < argc; ++i) {
    std::string token = argv[i];
    if (token.size() < 2 || token.compare(0, 2, "--") != 0 || token == "--") {
      if (args.positional_.size() >= spec.max_positional) {
        return lrs::Status::InvalidArgument("unexpected argument " + token);
      }
      args.positional_.push_back(token);
      continue;
    }
    std::string name = token, value;
    bool inline_value = false;
    if (size_t eq = token.find('='); eq != std::string::npos) {
      name = token.substr(0, eq);
      value = token.substr(eq + 1);
      inline_value = true;
    }
    if (Contains(spec.switches, name)) {
      if (inline_value) return lrs::Status::InvalidArgument(name + " takes no value");
    } else if (Contains(spec.valued, name)) {
      if (!inline_value) {
        if (i + 1 >= argc) return lrs::Status::InvalidArgument(name + " needs a value");
        value = argv[++i];
      }
    } else {
      return lrs::Status::InvalidArgument("unknown option " + name);
    }
    if (!args.given_.emplace(name, value).second) {
      return lrs::Status::InvalidArgument(name + " given twice");
    }
  }
  return args;
}

std::string Args::Get(std::string_view name) const {
  auto it = given_.find(name);
  return it == given_.end() ? std::string() : it->second;
}

bool Args::Has(std::string_view name) const { return given_.find(name) != given_.end(); }

bool WantsHelp(int argc, char** argv, int first) {
  for (int i = first; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) return true;
  }
  return false;
}

}  // namespace lrsctl
