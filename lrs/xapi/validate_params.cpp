// Validation of agents given as query parameters rather than in statements.
#include "lrs/xapi/agent.h"
#include "lrs/xapi/validate.h"
#include "lrs/xapi/validate_internal.h"

namespace lrs::xapi {

Status ValidateAgentParameter(const boost::json::value& agent, bool allow_group,
                              std::string_view name) {
  using internal::ActorRole;
  LRS_RETURN_IF_ERROR(
      internal::ValidateActor(agent, name, allow_group ? ActorRole::kActor : ActorRole::kMember));
  // An anonymous Group names no one in particular, so it cannot be looked up.
  if (!IfiKey(agent)) return Status::InvalidArgument(std::string(name) + ": must have an IFI");
  return Status::Ok();
}

}  // namespace lrs::xapi
