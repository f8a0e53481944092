// Agent identity: the canonical string form of an Agent's or identified
// Group's inverse functional identifier (IFI). Two actors are the same exactly
// when their IFI keys are equal. Keys are used in storage indexes and as the
// partition name of an unclaimed identity:
//   "mbox:mailto:ada@example.org"   (the mailto IRI as given)
//   "mbox_sha1sum:<40 lowercase hex>"
//   "openid:<IRI>"
//   "account:<homePage>|<name>"
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string>

namespace lrs::xapi {

// The IFI key of an Agent or identified Group object; nullopt when `actor` is
// not an object or has no IFI (an anonymous Group). Does not validate.
std::optional<std::string> IfiKey(const boost::json::value& actor);

}  // namespace lrs::xapi
