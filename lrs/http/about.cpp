// GET /xapi/about: the versions served and this store's own extensions. It is
// the one xAPI resource that needs neither a credential nor a version header.
#include <boost/json.hpp>

#include "lrs/http/handlers.h"

namespace lrs::http {

Response HandleAbout(const Request& req, std::optional<xapi::Version> version, const Services& services) {
  if (req.method() != bhttp::verb::get && req.method() != bhttp::verb::head) {
    return ErrorResponse(req, Status::InvalidArgument("method not allowed on /xapi/about"), version);
  }
  boost::json::object about{
      {"version", boost::json::array{"1.0.3", "1.0.2", "1.0.1", "1.0.0", "2.0.0"}},
      {"extensions",
       boost::json::object{{"https://w3id.org/learner-lrs/about",
                            boost::json::object{
                                {"product", "learner-owned LRS"},
                                // The store's resources, so a client can find
                                // them without guessing; the learner and admin
                                // endpoints join this list as they arrive.
                                {"endpoints",
                                 boost::json::object{{"statements", "/xapi/statements"},
                                                     {"state", "/xapi/activities/state"},
                                                     {"activityProfile", "/xapi/activities/profile"},
                                                     {"agentProfile", "/xapi/agents/profile"},
                                                     {"agents", "/xapi/agents"},
                                                     {"activities", "/xapi/activities"}}}}}}}};
  if (services.store_key) {
    // Whoever receives a bundle from this store can check its signature
    // against this key, fetched from the store itself.
    about["extensions"].as_object()["https://w3id.org/learner-lrs/about"].as_object()["storeKey"] =
        boost::json::object{{"keyId", services.store_key->KeyId()}, {"jwk", services.store_key->PublicJwk()}};
  }
  Response res{bhttp::status::ok, req.version()};
  res.set(bhttp::field::content_type, "application/json");
  res.set("X-Experience-API-Version",
          std::string(xapi::VersionString(version.value_or(xapi::Version::k103))));
  res.body() = boost::json::serialize(about);
  res.prepare_payload();
  return res;
}

}  // namespace lrs::http
