// Imports that must not happen (docs/PORTABILITY.md, "Import"): a bundle
// changed anywhere after it was signed (a byte of a statement, of an
// attachment, of the manifest, of the signature; truncated; a member cut
// out; two statement lines swapped) is a 400 naming the failed check
// ("bundle: ..."); a bundle bringing identities the learner does not hold,
// from a store this one does not trust, is a 403 until the operator links
// them; an id stored here with other content, or an identity another
// learner holds, is a 409. In every case nothing at all is imported.
#include <cstdio>
#include <map>

#include "gtest/gtest.h"
#include "tests/integration/portability_util.h"

namespace lrs_it::portability_it {
namespace {

using consent::AdminCred;
using consent::CreateLearner;
using consent::CreateOrg;
using consent::GetAs;
using consent::ObjectOf;
using consent::PostJsonAs;

class PortabilityTamper : public SourceSuite {};

bool StartsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

struct Tampered {
  std::string label;
  std::string bytes;
};

// Where `pos` falls in the archive, for messages.
std::string Where(const std::vector<TarEntry>& entries, size_t pos) {
  for (const auto& e : entries) {
    if (pos < e.header || pos >= e.end) continue;
    if (pos < e.data) return "header of " + e.name + " +" + std::to_string(pos - e.header);
    if (pos < e.data + e.size) return "content of " + e.name + " +" + std::to_string(pos - e.data);
    return "padding of " + e.name;
  }
  return "end-of-archive marker";
}

// The statements member with its first two lines swapped (same size).
std::string SwapFirstLines(const std::string& bundle, const TarEntry& statements) {
  std::string lines = bundle.substr(statements.data, statements.size);
  size_t first = lines.find('\n');
  size_t second = first == std::string::npos ? first : lines.find('\n', first + 1);
  if (second == std::string::npos) {
    ADD_FAILURE() << "the statements member has fewer than two lines";
    return bundle;
  }
  std::string swapped = lines.substr(first + 1, second - first - 1) + "\n" +
                        lines.substr(0, first) + "\n" + lines.substr(second + 1);
  EXPECT_EQ(swapped.size(), lines.size());
  EXPECT_NE(swapped, lines);
  std::string out = bundle;
  out.replace(statements.data, statements.size, swapped);
  return out;
}

std::vector<Tampered> TamperedCopies(const std::string& b) {
  std::vector<Tampered> out;
  auto entries = TarEntries(b);
  const TarEntry* statements = FindMemberContaining(entries, "/data/statements/");
  const TarEntry* attachment =
      FindMember(entries, "/data/attachments/" + Sha256Hex(consent::kA3Attachment));
  const TarEntry* identities = FindMember(entries, "/data/identities.json");
  const TarEntry* document = FindMember(entries, "/data/documents/000001.content");
  const TarEntry* bagit_manifest = FindMember(entries, "/manifest-sha256.txt");
  const TarEntry* manifest = FindMember(entries, "/manifest.json");
  const TarEntry* signature = FindMember(entries, "/manifest.json.jws");
  if (!statements || !attachment || !identities || !document || !bagit_manifest || !manifest ||
      !signature) {
    return out;
  }
  const std::string lines = b.substr(statements->data, statements->size);
  const size_t first_line = lines.find('\n');
  out.push_back({"a byte inside statement line 1", FlipByte(b, statements->data + first_line / 2)});
  const size_t third_line = lines.find('\n', lines.find('\n', first_line + 1) + 1) + 1;
  out.push_back(
      {"a byte inside statement line 3", FlipByte(b, statements->data + third_line + 20, 0x20)});
  out.push_back(
      {"a byte inside a3's attachment", FlipByte(b, attachment->data + attachment->size / 2)});
  out.push_back({"a byte inside a document", FlipByte(b, document->data + document->size / 2)});
  out.push_back(
      {"a byte inside identities.json", FlipByte(b, identities->data + identities->size / 2)});
  out.push_back({"a byte inside manifest.json", FlipByte(b, manifest->data + manifest->size / 2)});
  out.push_back({"a byte inside manifest-sha256.txt", FlipByte(b, bagit_manifest->data + 3)});
  {
    const std::string jws = b.substr(signature->data, signature->size);
    const size_t dot = jws.rfind('.');
    std::string changed = b;
    size_t pos = signature->data + dot + 1 + (jws.size() - dot - 1) / 2;
    changed[pos] = changed[pos] == 'A' ? 'B' : 'A';
    out.push_back({"a character of the signature", changed});
    out.push_back({"a byte inside the signature's header", FlipByte(b, signature->data + 5)});
  }
  out.push_back({"a byte of a member header (statements)", FlipByte(b, statements->header + 130)});
  out.push_back({"truncated to half", b.substr(0, b.size() / 2)});
  out.push_back({"without its last 512 bytes", b.substr(0, b.size() - 512)});
  out.push_back({"without its last 1024 bytes", b.substr(0, b.size() - 1024)});
  out.push_back({"without its last byte", b.substr(0, b.size() - 1)});
  out.push_back({"member removed: a3's attachment", RemoveMember(b, *attachment)});
  out.push_back({"member removed: statements", RemoveMember(b, *statements)});
  out.push_back({"member removed: identities.json", RemoveMember(b, *identities)});
  out.push_back({"member removed: a document's content", RemoveMember(b, *document)});
  out.push_back({"member removed: manifest-sha256.txt", RemoveMember(b, *bagit_manifest)});
  out.push_back({"member removed: manifest.json", RemoveMember(b, *manifest)});
  out.push_back({"member removed: manifest.json.jws", RemoveMember(b, *signature)});
  out.push_back({"statement lines 1 and 2 swapped", SwapFirstLines(b, *statements)});
  out.push_back({"not a tar at all", "this is not a bundle, only some text that is long enough"});
  return out;
}

TEST_F(PortabilityTamper, AChangedBundleIsRefusedAndNothingIsImported) {
  const Source& s = src();
  LrsProcess dst;
  ASSERT_TRUE(StartTrusting(dst, {s.key_id}));
  Learner ada = CreateLearner(dst, "Ada", {});
  ASSERT_FALSE(ada.id.empty());

  std::vector<Tampered> cases = TamperedCopies(s.bundle);
  ASSERT_GE(cases.size(), 20u);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.label);
    ASSERT_NE(c.bytes, s.bundle);
    // The library refuses it ...
    ReadOutcome read = ReadBundleBytes(c.bytes);
    EXPECT_FALSE(read.status.ok()) << "ReadBundle accepted a bundle with " << c.label;
    // ... and so does the server, naming the check.
    HttpResponse r = Import(dst, ada.cred, c.bytes);
    EXPECT_EQ(r.status, 400) << r;
    EXPECT_TRUE(StartsWith(r.ErrorMessage(), "bundle: ")) << r;
    std::printf("  [tampered: %s] %d %s\n", c.label.c_str(), r.status, r.ErrorMessage().c_str());
  }
  HttpResponse empty = Import(dst, ada.cred, "");
  EXPECT_EQ(empty.status, 400) << empty;

  ExpectNothingImported(dst, ada);
  // The untouched bundle still imports: the refusals were about the changes.
  json::object summary = ImportOk(dst, ada.cred, s.bundle);
  EXPECT_EQ(Count(summary, "imported", "statements"), 10) << json::serialize(summary);
}

// One byte flipped at 50 evenly spaced places, headers, contents, padding
// and the end-of-archive marker alike: the reader refuses every copy.
TEST_F(PortabilityTamper, EveryFlippedByteIsRefusedByTheReader) {
  const std::string& b = src().bundle;
  ASSERT_TRUE(ReadBundleBytes(b).status.ok());
  auto entries = TarEntries(b);
  int refused = 0;
  for (int k = 0; k < 50; ++k) {
    const size_t pos = static_cast<size_t>(2 * k + 1) * b.size() / 100;
    ReadOutcome r = ReadBundleBytes(FlipByte(b, pos));
    EXPECT_FALSE(r.status.ok()) << "flip at " << pos << " of " << b.size() << " ("
                                << Where(entries, pos) << ") accepted";
    if (r.status.ok()) continue;
    ++refused;
    EXPECT_TRUE(StartsWith(r.status.message(), "bundle: "))
        << "flip at " << pos << " (" << Where(entries, pos) << "): " << r.status.message();
  }
  EXPECT_EQ(refused, 50);
  std::map<std::string, int> regions;
  for (int k = 0; k < 50; ++k) {
    std::string where = Where(entries, static_cast<size_t>(2 * k + 1) * b.size() / 100);
    regions[where.substr(0, where.find(' '))]++;
  }
  std::string summary;
  for (const auto& [region, n] : regions) summary += " " + region + "=" + std::to_string(n);
  std::printf("  [flips over %zu bytes:%s]\n", b.size(), summary.c_str());

  // The bytes no checksum covers: a member's padding and the second block
  // of the end-of-archive marker must be zeros too.
  const TarEntry* padded = nullptr;
  for (const auto& e : entries) {
    if (e.size % 512 != 0) padded = &e;
  }
  ASSERT_NE(padded, nullptr);
  ReadOutcome in_padding = ReadBundleBytes(FlipByte(b, padded->data + padded->size + 1));
  EXPECT_FALSE(in_padding.status.ok())
      << "a byte in the padding of " << padded->name << " accepted";
  ReadOutcome in_marker = ReadBundleBytes(FlipByte(b, b.size() - 3));
  EXPECT_FALSE(in_marker.status.ok()) << "a byte in the end-of-archive marker accepted";
}

// A bundle whose signer this store does not trust may fill only the
// identities the learner already holds here.
TEST_F(PortabilityTamper, AnUntrustedSignerNeedsTheOperatorToLinkIdentities) {
  const Source& s = src();
  const World& w = s.w;
  for (bool other_key_trusted : {false, true}) {
    SCOPED_TRACE(other_key_trusted ? "trusting another store" : "trusting no store");
    LrsProcess dst;
    ASSERT_TRUE(other_key_trusted ? StartTrusting(dst, {"not-" + s.key_id}) : dst.Start());
    Learner ada = CreateLearner(dst, "Ada", {});
    ASSERT_FALSE(ada.id.empty());

    HttpResponse r = Import(dst, ada.cred, s.bundle);
    EXPECT_EQ(r.status, 403) << r;
    EXPECT_NE(r.ErrorMessage().find(s.key_id), std::string::npos) << "should name the signer\n"
                                                                  << r;
    ExpectNothingImported(dst, ada);

    // One identity linked is not enough: the bundle brings two.
    HttpResponse link =
        PostJsonAs(dst, AdminCred(), "/admin/learners/" + ada.id + "/identities", w.ada_mbox);
    ASSERT_EQ(link.status, 200) << link;
    ada.identities = {w.ada_mbox};
    r = Import(dst, ada.cred, s.bundle);
    EXPECT_EQ(r.status, 403) << r;
    ExpectNothingImported(dst, ada);

    link = PostJsonAs(dst, AdminCred(), "/admin/learners/" + ada.id + "/identities", w.ada_account);
    ASSERT_EQ(link.status, 200) << link;
    json::object summary = ImportOk(dst, ada.cred, s.bundle);
    EXPECT_EQ(Count(summary, "imported", "statements"), 10) << json::serialize(summary);
    EXPECT_EQ(Count(summary, "imported", "identities"), 0) << json::serialize(summary);
    IdSet expected = w.AdaAll();
    expected.insert(s.signed_id);
    EXPECT_EQ(w.Names(Keys(StatementsAs(dst, ada.cred))), w.Names(expected));
  }
}

// A statement id already stored here with other content: 409 naming it,
// and nothing of the bundle is stored.
TEST_F(PortabilityTamper, AnIdStoredWithOtherContentRefusesTheWholeImport) {
  const Source& s = src();
  const World& w = s.w;
  LrsProcess dst;
  ASSERT_TRUE(StartTrusting(dst, {s.key_id}));
  Learner ada = CreateLearner(dst, "Ada", {});
  Org other = CreateOrg(dst, "Other LMS", {"statements/write", "statements/read"});
  ASSERT_FALSE(HasFailure());
  const std::string a1 = w.id.at("a1");
  json::object clash =
      consent::MakeStatement(w.ada_mbox, consent::kExperienced,
                             consent::ActivityObject(consent::kOtherX), "2024-01-01T00:00:00Z");
  clash["id"] = a1;
  ASSERT_EQ(consent::PostAs(dst, other.cred, clash), a1);

  HttpResponse r = Import(dst, ada.cred, s.bundle);
  EXPECT_EQ(r.status, 409) << r;
  EXPECT_NE(r.ErrorMessage().find(a1), std::string::npos) << "should list " << a1 << "\n" << r;
  ExpectNothingImported(dst, ada, {a1});
  HttpResponse still = GetAs(dst, AdminCred(), "/xapi/statements?statementId=" + a1);
  ASSERT_EQ(still.status, 200) << still;
  EXPECT_EQ(ObjectOf(still)["verb"].as_object()["id"], json::value(consent::kExperienced)) << still;
}

// An identity of the bundle held by another learner here: 409, nothing moves.
TEST_F(PortabilityTamper, AnIdentityHeldByAnotherLearnerIsAConflict) {
  const Source& s = src();
  const World& w = s.w;
  LrsProcess dst;
  ASSERT_TRUE(StartTrusting(dst, {s.key_id}));
  Learner holder = CreateLearner(dst, "Holder", {w.ada_account});
  Learner ada = CreateLearner(dst, "Ada", {});
  ASSERT_FALSE(HasFailure());

  HttpResponse r = Import(dst, ada.cred, s.bundle);
  EXPECT_EQ(r.status, 409) << r;
  ExpectNothingImported(dst, ada);
  ExpectNothingImported(dst, holder);
}

}  // namespace
}  // namespace lrs_it::portability_it
