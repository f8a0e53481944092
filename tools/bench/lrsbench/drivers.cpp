// The driver registry: names to drivers, and the queries the named query
// drivers send.
#include <algorithm>
#include <functional>
#include <utility>

#include "lrs/base/encoding.h"
#include "tools/bench/lrsbench/driver.h"

namespace lrsbench {

namespace {

using Factory = std::function<std::unique_ptr<Driver>(const DriverConfig&)>;

std::string VerbFilter() { return "verb=" + lrs::PercentEncode(StatementGenerator::CommonVerb()); }

// The course is every statement's parent activity, never its object, so the
// query names it with related_activities: "completions in course 0".
QuerySpec VerbActivity() {
  return {VerbFilter() + "&activity=" + lrs::PercentEncode(StatementGenerator::CommonActivity()) +
              "&related_activities=true&limit=100",
          StatementGenerator::CommonVerb(), 0};
}

// Drivers that read the first page of a query expect it full: the loaded
// store holds far more than 100 statements of every verb.
QuerySpec FirstPage(bool verb) {
  if (verb) return {VerbFilter() + "&limit=100", StatementGenerator::CommonVerb(), 100};
  return {"limit=100", "", 100};
}

// In the order run_bench.sh runs them: the readers first, so they see
// exactly the loaded store (doc-get's pre-pass writes documents only).
const std::vector<std::pair<std::string, Factory>>& Factories() {
  static const std::vector<std::pair<std::string, Factory>> factories = {
      {"about", MakeAboutDriver},
      {"get-id", MakeGetIdDriver},
      {"get-learner", MakeGetLearnerDriver},
      {"get-verb-activity",
       [](const DriverConfig& c) { return MakeQueryDriver(c, VerbActivity()); }},
      {"org-query", [](const DriverConfig& c) { return MakeQueryDriver(c, FirstPage(false)); }},
      {"org-query-verb", [](const DriverConfig& c) { return MakeQueryDriver(c, FirstPage(true)); }},
      {"more-paging", [](const DriverConfig& c) { return MakePagingDriver(c, FirstPage(false)); }},
      {"more-paging-verb",
       [](const DriverConfig& c) { return MakePagingDriver(c, FirstPage(true)); }},
      {"doc-get", MakeDocGetDriver},
      {"post-single", [](const DriverConfig& c) { return MakePostDriver(c, false); }},
      {"post-batch", [](const DriverConfig& c) { return MakePostDriver(c, true); }},
      {"put", MakePutDriver},
      {"doc-put", MakeDocPutDriver},
  };
  return factories;
}

}  // namespace

const std::vector<std::string>& DriverNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& [name, factory] : Factories()) out.push_back(name);
    return out;
  }();
  return names;
}

lrs::Result<std::unique_ptr<Driver>> MakeDriver(const std::string& name,
                                                const DriverConfig& config) {
  auto it = std::find_if(Factories().begin(), Factories().end(),
                         [&](const auto& entry) { return entry.first == name; });
  if (it == Factories().end()) return lrs::Status::InvalidArgument("unknown driver " + name);
  if (config.learners == 0) return lrs::Status::InvalidArgument("--learners must be at least 1");
  if (name == "get-id" && config.loaded < 2) {
    return lrs::Status::InvalidArgument("get-id needs --loaded (the statements in the store)");
  }
  if (config.batch == 0 || config.walk == 0 || config.documents == 0) {
    return lrs::Status::InvalidArgument("--batch, --walk and --documents must be at least 1");
  }
  return it->second(config);
}

}  // namespace lrsbench
