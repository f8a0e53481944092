// A learner's bundle moving between stores (docs/PORTABILITY.md): Ada's
// record exported from one lrsd and imported into another comes out the
// same, statement for statement (ids kept; only "stored" and "authority"
// are the new store's), with the voided statement still voided, the
// attachments and documents byte for byte, both identities linked, an
// import record and each statement's provenance. Importing again changes
// nothing; a record moved twice remembers both hops; the operator's export
// of a learner is the same bundle, and nobody else gets one.
#include "gtest/gtest.h"
#include "tests/integration/portability_util.h"

namespace lrs_it::portability_it {
namespace {

// The import summary's figures: `imported` and `skipped` name each field
// expected and its count.
void ExpectSummary(const json::object& summary, const std::map<std::string, int64_t>& imported,
                   const std::map<std::string, int64_t>& skipped) {
  for (const auto& [field, n] : imported) {
    EXPECT_EQ(Count(summary, "imported", field.c_str()), n)
        << field << " in " << json::serialize(summary);
  }
  for (const auto& [field, n] : skipped) {
    EXPECT_EQ(Count(summary, "skipped", field.c_str()), n)
        << field << " in " << json::serialize(summary);
  }
}

using consent::AdminCred;
using consent::CreateLearner;
using consent::GetAs;
using consent::ObjectOf;

class PortabilityRoundTrip : public SourceSuite {};

// Ada's statements in the source's bundle: every statement of her
// partitions, the voided a5 included, group statements not.
IdSet BundledIds(const Source& s) {
  IdSet ids = s.w.AdaAll();
  ids.insert(s.w.id.at("a5"));
  ids.insert(s.signed_id);
  return ids;
}

std::string StateTarget(const World& w) {
  return "/xapi/activities/state?activityId=" + consent::Enc(consent::kCourseA1) +
         "&agent=" + consent::AgentParam(w.ada_mbox) + "&registration=" + consent::kR1 +
         "&stateId=" + kStateId;
}
std::string ProfileTarget(const World& w) {
  return "/xapi/agents/profile?agent=" + consent::AgentParam(w.ada_account) +
         "&profileId=" + kProfileId;
}

// The attachment parts (after the StatementResult / statement part) of a
// multipart answer.
std::vector<std::string> AttachmentParts(const HttpResponse& r) {
  std::vector<std::string> out;
  EXPECT_EQ(r.status, 200) << r;
  auto parts = ParseMultipart(r.body, BoundaryOf(r.Header("Content-Type")));
  for (size_t i = 1; i < parts.size(); ++i) out.push_back(parts[i].body);
  return out;
}

int64_t Micros(const json::value& v) {
  auto t = v.is_string() ? ParseIsoMicros(v.as_string()) : std::nullopt;
  EXPECT_TRUE(t.has_value()) << json::serialize(v);
  return t.value_or(0);
}

// One hop of a provenance record names `store` and the statement as that
// store had it (`before`: its stored and authority).
void ExpectHop(const json::value& hop, const std::string& store, const json::object& before) {
  ASSERT_TRUE(hop.is_object()) << json::serialize(hop);
  const auto& h = hop.as_object();
  EXPECT_EQ(h.if_contains("store") ? *h.if_contains("store") : json::value(), json::value(store))
      << json::serialize(hop);
  ASSERT_TRUE(h.contains("stored") && h.contains("authority") && h.contains("importedAt"))
      << json::serialize(hop);
  EXPECT_EQ(Micros(h.at("stored")), Micros(before.at("stored"))) << json::serialize(hop);
  EXPECT_EQ(h.at("authority"), before.at("authority")) << json::serialize(hop);
  EXPECT_GE(Micros(h.at("importedAt")), Micros(before.at("stored"))) << json::serialize(hop);
}

TEST_F(PortabilityRoundTrip, TheRecordArrivesWhole) {
  const Source& s = src();
  const World& w = s.w;

  // The bundle itself, as the library reads it.
  ReadOutcome bundle = ReadBundleBytes(s.bundle);
  ASSERT_TRUE(bundle.status.ok()) << bundle.status.message();
  EXPECT_EQ(bundle.signer, s.key_id);
  EXPECT_EQ(w.Names(Keys(bundle.statements)), w.Names(BundledIds(s)));
  EXPECT_EQ(bundle.counts.statements, 10u);
  EXPECT_EQ(bundle.counts.voided, 1u);
  EXPECT_EQ(bundle.counts.attachments, 2u);  // a3's certificate and the signature
  EXPECT_EQ(bundle.counts.documents, 2u);
  EXPECT_EQ(bundle.counts.identities, 2u);
  EXPECT_EQ(bundle.voided_by.count(w.id.at("a5")), 1u) << "a5 must travel voided";

  LrsProcess dst;
  ASSERT_TRUE(StartTrusting(dst, {s.key_id}));
  const std::string dst_key = StoreKeyId(dst);
  EXPECT_NE(dst_key, s.key_id) << "each store has its own key";
  Learner ada = CreateLearner(dst, "Ada", {});
  ASSERT_FALSE(ada.id.empty());

  json::object summary = ImportOk(dst, ada.cred, s.bundle);
  ASSERT_FALSE(summary.empty());
  ExpectSummary(
      summary,
      {{"statements", 10}, {"voided", 1}, {"attachments", 2}, {"documents", 2}, {"identities", 2}},
      {{"statements", 0}, {"documents", 0}});
  json::object source =
      summary["source"].is_object() ? summary["source"].as_object() : json::object{};
  EXPECT_EQ(source["storeId"], json::value(s.key_id)) << json::serialize(summary);
  EXPECT_EQ(source["learner"], json::value(w.ada.id)) << json::serialize(summary);
  EXPECT_TRUE(source["created"].is_string()) << json::serialize(summary);

  // Statements: the same ids at both ends, each the same statement.
  auto before = StatementsAs(s.lrs, w.ada.cred);
  auto after = StatementsAs(dst, ada.cred);
  IdSet expected = w.AdaAll();
  expected.insert(s.signed_id);
  EXPECT_EQ(w.Names(Keys(before)), w.Names(expected)) << "the source's own answer";
  EXPECT_EQ(w.Names(Keys(after)), w.Names(Keys(before)));
  const json::object ada_authority{{"homePage", "urn:lrs:learner"}, {"name", ada.id}};
  for (const auto& [id, statement] : before) {
    SCOPED_TRACE("statement " + w.Name(id));
    auto it = after.find(id);
    if (it == after.end()) continue;
    EXPECT_EQ(WithoutStoreFields(it->second), WithoutStoreFields(statement))
        << "source:      " << json::serialize(statement)
        << "\ndestination: " << json::serialize(it->second);
    // stored and authority are the destination's own.
    ASSERT_TRUE(it->second.contains("stored") && it->second.contains("authority"));
    EXPECT_GT(Micros(it->second.at("stored")), Micros(statement.at("stored")));
    const json::value& auth = it->second.at("authority");
    EXPECT_TRUE(auth.is_object() && auth.as_object().contains("account") &&
                auth.as_object().at("account") == json::value(ada_authority))
        << "authority at the destination: " << json::serialize(auth);
  }

  // The voided statement: found by voidedStatementId only, at both ends alike.
  const std::string a5 = w.id.at("a5");
  HttpResponse voided_src = GetAs(s.lrs, w.ada.cred, "/xapi/statements?voidedStatementId=" + a5);
  HttpResponse voided_dst = GetAs(dst, ada.cred, "/xapi/statements?voidedStatementId=" + a5);
  ASSERT_EQ(voided_dst.status, 200) << voided_dst;
  ASSERT_EQ(voided_src.status, 200) << voided_src;
  EXPECT_EQ(WithoutStoreFields(ObjectOf(voided_dst)), WithoutStoreFields(ObjectOf(voided_src)));
  EXPECT_EQ(GetAs(dst, ada.cred, "/xapi/statements?statementId=" + a5).status, 404);
  EXPECT_EQ(after.count(a5), 0u) << "a voided statement in a query";
  HttpResponse v1 = GetAs(dst, ada.cred, "/xapi/statements?statementId=" + w.id.at("v1"));
  EXPECT_EQ(v1.status, 200) << v1;

  // Attachments: a3's certificate and the signed statement's JWS, same bytes.
  for (const auto& [id, content] : {std::pair{w.id.at("a3"), std::string(consent::kA3Attachment)},
                                    std::pair{s.signed_id, s.jws}}) {
    SCOPED_TRACE("attachments of " + w.Name(id));
    const std::string target = "/xapi/statements?statementId=" + id + "&attachments=true";
    auto at_src = AttachmentParts(GetAs(s.lrs, w.ada.cred, target));
    auto at_dst = AttachmentParts(GetAs(dst, ada.cred, target));
    EXPECT_EQ(at_dst, std::vector<std::string>{content});
    EXPECT_EQ(at_dst, at_src);
  }

  // Documents: same bytes, same content type.
  for (const auto& [target, body] : {std::pair{StateTarget(w), std::string(kStateBody)},
                                     std::pair{ProfileTarget(w), std::string(kProfileBody)}}) {
    SCOPED_TRACE(target);
    HttpResponse d_src = GetAs(s.lrs, w.ada.cred, target);
    HttpResponse d_dst = GetAs(dst, ada.cred, target);
    ASSERT_EQ(d_src.status, 200) << d_src;
    ASSERT_EQ(d_dst.status, 200) << d_dst;
    EXPECT_EQ(d_dst.body, body);
    EXPECT_EQ(d_dst.body, d_src.body);
    EXPECT_EQ(d_dst.Header("Content-Type"), d_src.Header("Content-Type"));
  }

  // The learner: both identities, one import record.
  json::object me = Me(dst, ada.cred);
  ASSERT_TRUE(me["identities"].is_array()) << json::serialize(me);
  EXPECT_EQ(IfisOf(me["identities"].as_array()),
            (std::set<std::string>{IfiOf(w.ada_mbox), IfiOf(w.ada_account)}));
  ASSERT_TRUE(me["imports"].is_array()) << json::serialize(me);
  ASSERT_EQ(me["imports"].as_array().size(), 1u) << json::serialize(me);
  json::object record = me["imports"].as_array()[0].as_object();
  EXPECT_EQ(Count(record, "imported", "statements"), 10) << json::serialize(record);
  EXPECT_EQ(record["source"].is_object() ? record["source"].as_object()["storeId"] : json::value(),
            json::value(s.key_id))
      << json::serialize(record);

  // Provenance: where each statement was stored before, as it was there.
  for (const char* name : {"a1", "a3", "snoopA", "a6", "v1"}) {
    SCOPED_TRACE(std::string("provenance of ") + name);
    const std::string id = w.id.at(name);
    json::object p = Provenance(dst, ada.cred, id);
    EXPECT_EQ(p["statementId"], json::value(id)) << json::serialize(p);
    ASSERT_TRUE(p["provenance"].is_array()) << json::serialize(p);
    ASSERT_EQ(p["provenance"].as_array().size(), 1u) << json::serialize(p);
    ExpectHop(p["provenance"].as_array()[0], s.key_id, before.at(id));
    // Written at the source itself: no hop there.
    json::object here = Provenance(s.lrs, w.ada.cred, id);
    EXPECT_EQ(here["provenance"], json::array()) << json::serialize(here);
  }
  json::object signed_p = Provenance(dst, ada.cred, s.signed_id);
  ASSERT_TRUE(signed_p["provenance"].is_array() && signed_p["provenance"].as_array().size() == 1)
      << json::serialize(signed_p);
  ExpectHop(signed_p["provenance"].as_array()[0], s.key_id, before.at(s.signed_id));
  // Another learner's statement is not in Ada's record here either.
  EXPECT_EQ(GetAs(dst, ada.cred, "/me/provenance?statementId=" + w.id.at("b1")).status, 404);
}

// Importing the same bundle again stores nothing and says what it skipped;
// the destination's own export then holds the same statements.
TEST_F(PortabilityRoundTrip, ImportingAgainSkipsEverything) {
  const Source& s = src();
  const World& w = s.w;
  LrsProcess dst;
  ASSERT_TRUE(StartTrusting(dst, {s.key_id}));
  Learner ada = CreateLearner(dst, "Ada", {});
  json::object first = ImportOk(dst, ada.cred, s.bundle);
  ASSERT_FALSE(first.empty());
  const int64_t count = Count(first, "imported", "statements");
  EXPECT_EQ(count, 10);
  auto after_first = StatementsAs(dst, ada.cred);

  json::object again = ImportOk(dst, ada.cred, s.bundle);
  ASSERT_FALSE(again.empty());
  ExpectSummary(again, {{"statements", 0}, {"voided", 0}, {"documents", 0}, {"identities", 0}},
                {{"statements", count}, {"documents", 2}});

  auto after_again = StatementsAs(dst, ada.cred);
  EXPECT_EQ(Keys(after_again), Keys(after_first));
  for (const auto& [id, statement] : after_first) {
    auto it = after_again.find(id);
    if (it != after_again.end()) {
      EXPECT_EQ(it->second, statement) << "changed by the re-import: " << w.Name(id);
    }
  }

  // The destination's export: the same statements as the source's.
  std::string second = ExportBundle(dst, ada.cred);
  ReadOutcome from_src = ReadBundleBytes(s.bundle);
  ReadOutcome from_dst = ReadBundleBytes(second);
  ASSERT_TRUE(from_dst.status.ok()) << from_dst.status.message();
  EXPECT_EQ(from_dst.signer, StoreKeyId(dst));
  EXPECT_EQ(w.Names(Keys(from_dst.statements)), w.Names(Keys(from_src.statements)));
  for (const auto& [id, statement] : from_src.statements) {
    auto it = from_dst.statements.find(id);
    if (it == from_dst.statements.end()) continue;
    EXPECT_EQ(lrs::portability::StatementFingerprint(it->second),
              lrs::portability::StatementFingerprint(statement))
        << w.Name(id);
  }
  EXPECT_EQ(from_dst.voided_by.count(w.id.at("a5")), 1u) << "a5 leaves the destination voided too";
  EXPECT_EQ(from_dst.counts.statements, from_src.counts.statements);
  EXPECT_EQ(from_dst.counts.voided, from_src.counts.voided);
  EXPECT_EQ(from_dst.counts.attachments, from_src.counts.attachments);
  EXPECT_EQ(from_dst.counts.documents, from_src.counts.documents);
  EXPECT_EQ(from_dst.counts.identities, from_src.counts.identities);
  EXPECT_EQ(from_dst.attachments, from_src.attachments);
}

// Source -> destination -> third store: each statement's provenance lists
// both earlier stores, oldest first.
TEST_F(PortabilityRoundTrip, MovedTwiceKeepsBothHops) {
  const Source& s = src();
  const World& w = s.w;
  LrsProcess dst;
  ASSERT_TRUE(StartTrusting(dst, {s.key_id}));
  const std::string dst_key = StoreKeyId(dst);
  Learner ada2 = CreateLearner(dst, "Ada", {});
  ASSERT_FALSE(ImportOk(dst, ada2.cred, s.bundle).empty());
  auto at_dst = StatementsAs(dst, ada2.cred);
  std::string bundle2 = ExportBundle(dst, ada2.cred);
  ASSERT_FALSE(bundle2.empty());

  LrsProcess third;
  ASSERT_TRUE(StartTrusting(third, {dst_key}));
  // This time Ada already holds one of her identities there.
  Learner ada3 = CreateLearner(third, "Ada", {w.ada_mbox});
  json::object summary = ImportOk(third, ada3.cred, bundle2);
  ASSERT_FALSE(summary.empty());
  EXPECT_EQ(Count(summary, "imported", "statements"), 10) << json::serialize(summary);
  EXPECT_EQ(Count(summary, "imported", "identities"), 1) << json::serialize(summary);
  EXPECT_EQ(summary["source"].as_object()["storeId"], json::value(dst_key))
      << json::serialize(summary);

  auto before = StatementsAs(s.lrs, w.ada.cred);
  auto at_third = StatementsAs(third, ada3.cred);
  EXPECT_EQ(w.Names(Keys(at_third)), w.Names(Keys(before)));
  for (const auto& [id, statement] : before) {
    auto it = at_third.find(id);
    if (it != at_third.end()) {
      EXPECT_EQ(WithoutStoreFields(it->second), WithoutStoreFields(statement)) << w.Name(id);
    }
  }
  HttpResponse voided =
      GetAs(third, ada3.cred, "/xapi/statements?voidedStatementId=" + w.id.at("a5"));
  EXPECT_EQ(voided.status, 200) << voided;

  for (const std::string& id : {w.id.at("a1"), w.id.at("snoopA"), s.signed_id}) {
    SCOPED_TRACE("provenance of " + w.Name(id));
    json::object p = Provenance(third, ada3.cred, id);
    ASSERT_TRUE(p["provenance"].is_array()) << json::serialize(p);
    const json::array& hops = p["provenance"].as_array();
    ASSERT_EQ(hops.size(), 2u) << json::serialize(p);
    ExpectHop(hops[0], s.key_id, before.at(id));
    ExpectHop(hops[1], dst_key, at_dst.at(id));
    EXPECT_LE(Micros(hops[0].as_object().at("importedAt")),
              Micros(hops[1].as_object().at("importedAt")))
        << json::serialize(p);
  }
  json::object me = Me(third, ada3.cred);
  EXPECT_EQ(IfisOf(me["identities"].as_array()),
            (std::set<std::string>{IfiOf(w.ada_mbox), IfiOf(w.ada_account)}));
}

// The operator's export of Ada is the same bundle as her own (plus the audit
// entry recording that the operator exported it); organisations and
// learners are refused at /admin, and nobody gets one without a credential.
TEST_F(PortabilityRoundTrip, OperatorExportAndWhoMayExport) {
  const Source& s = src();
  const World& w = s.w;
  const std::string admin_target = "/admin/learners/" + w.ada.id + "/export";
  ReadOutcome own = ReadBundleBytes(ExportBundle(s.lrs, w.ada.cred));
  ASSERT_TRUE(own.status.ok()) << own.status.message();

  HttpResponse r = Export(s.lrs, AdminCred(), admin_target);
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.Header("Content-Type"), kBundleType);
  ReadOutcome op = ReadBundleBytes(r.body);
  ASSERT_TRUE(op.status.ok()) << op.status.message();
  EXPECT_EQ(op.signer, s.key_id);
  EXPECT_EQ(op.counts.statements, own.counts.statements);
  EXPECT_EQ(op.counts.voided, own.counts.voided);
  EXPECT_EQ(op.counts.attachments, own.counts.attachments);
  EXPECT_EQ(op.counts.documents, own.counts.documents);
  EXPECT_EQ(op.counts.identities, own.counts.identities);
  EXPECT_EQ(op.counts.audit_entries, own.counts.audit_entries + 1)
      << "the operator's export is audited";
  EXPECT_EQ(w.Names(Keys(op.statements)), w.Names(Keys(own.statements)));
  EXPECT_EQ(op.attachments, own.attachments);

  // Ada's audit log shows the operator's export.
  HttpResponse audit = GetAs(s.lrs, w.ada.cred, "/me/audit");
  ASSERT_EQ(audit.status, 200) << audit;
  bool seen = false;
  json::object audit_page = ObjectOf(audit);
  ASSERT_TRUE(audit_page["entries"].is_array()) << audit;
  for (const auto& e : audit_page["entries"].as_array()) {
    seen |= e.as_object().contains("kind") && e.as_object().at("kind") == json::value("export");
  }
  EXPECT_TRUE(seen) << audit;

  // Who may not.
  HttpResponse org = Export(s.lrs, w.lms.cred, admin_target);
  EXPECT_EQ(org.status, 403) << org;
  HttpResponse learner = Export(s.lrs, w.ada.cred, admin_target);
  EXPECT_EQ(learner.status, 403) << learner;
  HttpResponse bob = Export(s.lrs, w.bob.cred, admin_target);
  EXPECT_EQ(bob.status, 403) << bob;
  HttpResponse none = Export(s.lrs, std::nullopt, admin_target);
  EXPECT_EQ(none.status, 401) << none;
  HttpResponse none_me = Export(s.lrs, std::nullopt, "/me/export");
  EXPECT_EQ(none_me.status, 401) << none_me;
  HttpResponse org_me = Export(s.lrs, w.lms.cred, "/me/export");
  EXPECT_EQ(org_me.status, 403) << org_me;
  for (const HttpResponse* refused : {&org, &learner, &bob, &none, &none_me, &org_me}) {
    EXPECT_NE(refused->Header("Content-Type"), kBundleType) << *refused;
  }
  HttpResponse unknown = Export(s.lrs, AdminCred(), "/admin/learners/" + NewUuid() + "/export");
  EXPECT_EQ(unknown.status, 404) << unknown;
}

}  // namespace
}  // namespace lrs_it::portability_it
