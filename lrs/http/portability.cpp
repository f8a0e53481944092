// The bundle endpoints (docs/PORTABILITY.md): a learner's export, the
// operator's export of any learner, a learner's import, and the provenance
// of one imported statement. The work is lrs/portability's; these only
// translate between it and HTTP.
#include <boost/json.hpp>

#include "lrs/base/encoding.h"
#include "lrs/base/json.h"
#include "lrs/http/consent_json.h"
#include "lrs/http/handlers.h"
#include "lrs/portability/bundle.h"
#include "lrs/portability/exporter.h"

namespace lrs::http {

namespace json = boost::json;

namespace {

portability::RecordStores StoresOf(const Services& s) {
  return {s.statements, s.documents, s.accounts, s.audit};
}

// Who but the learner exported the record goes into the learner's audit
// log, like any other read of it.
Status AuditExport(const RequestContext& ctx, Services& services, const std::string& learner) {
  if (ctx.view->kind() == consent::PrincipalKind::kLearner) return Status::Ok();
  store::AuditEntry e;
  e.organisation = "operator";
  e.credential_key = ctx.credential.key;
  e.method = "GET";
  e.request = ctx.path;
  e.kind = "export";
  return services.audit->Append({{learner, e}});
}

}  // namespace

Response HandleExport(RequestContext& ctx, Services& services, const std::string& learner) {
  auto stores = StoresOf(services);
  // Checked before the 200 goes out: after it, an error can only cut the stream.
  if (Status s = portability::CheckExportable(stores, learner); !s.ok())
    return ConsentError(ctx, s);
  if (Status s = AuditExport(ctx, services, learner); !s.ok()) return ConsentError(ctx, s);
  auto key = services.store_key;
  ctx.streams->body_writer = [stores, key, learner](portability::ByteSink& sink) {
    return portability::ExportLearner(stores, *key, learner, &sink);
  };
  Response res{bhttp::status::ok, ctx.request.version()};
  res.set(bhttp::field::content_type, std::string(portability::kBundleMediaType));
  res.set(bhttp::field::content_disposition,
          "attachment; filename=\"learner-" + learner + ".lrsbundle.tar\"");
  return res;
}

Response HandleImport(RequestContext& ctx, Services& services, const std::string& learner) {
  if (!ctx.streams->spooled_body) {
    return ConsentError(ctx, Status::InvalidArgument("body: the bundle is missing"));
  }
  auto summary = portability::ImportBundle(StoresOf(services), services.import_policy, learner,
                                           ctx.view->authority(), *ctx.streams->spooled_body);
  if (!summary.ok()) return ConsentError(ctx, summary.status());
  return ConsentJson(ctx, bhttp::status::ok, summary->ToJson());
}

// GET /me/provenance?statementId=ID: where a statement of the learner's
// record was stored before it came here (oldest first; empty when it was
// written here). Statements outside the record are absent, as everywhere.
Response HandleProvenance(RequestContext& ctx, Services& services, const std::string& learner) {
  const std::string* id_text = ctx.params.Find("statementId");
  auto id = id_text ? ParseUuid(*id_text) : std::nullopt;
  if (!id) return ConsentError(ctx, Status::InvalidArgument("statementId: a UUID is required"));
  std::string provenance;
  auto found = services.statements->Find(*id, &provenance);
  if (!found.ok()) return ConsentError(ctx, found.status());
  auto owner = found->has_value() ? services.accounts->OwnerOf((*found)->part)
                                  : Result<std::optional<std::string>>(std::nullopt);
  if (!owner.ok()) return ConsentError(ctx, owner.status());
  if (*owner != learner)
    return ConsentError(ctx, Status::NotFound(std::string(store::kNoSuchStatement)));
  json::value hops = json::array();
  if (!provenance.empty()) {
    auto parsed = ParseJson(provenance, "stored provenance");
    if (!parsed.ok()) return ConsentError(ctx, parsed.status());
    hops = std::move(*parsed);
  }
  return ConsentJson(
      ctx, bhttp::status::ok,
      json::object{{"statementId", FormatUuid(*id)}, {"provenance", std::move(hops)}});
}

}  // namespace lrs::http
