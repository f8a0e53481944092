// `lrsctl move` between two running stores, in one command: the learner's
// record arrives whole, both ends are checked to agree, and only then, with
// --erase-source, the learner is erased at the source. Also `lrsctl verify`
// on a bundle from a real store, and a move refused when the destination
// does not trust the source (the source is left untouched).
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/integration/lrsctl_runner.h"
#include "tests/integration/portability_util.h"

namespace lrs_it::portability_it {
namespace {

std::string Url(const LrsProcess& lrs) { return "http://127.0.0.1:" + std::to_string(lrs.port()); }

// `lrsctl move` of the learner of `from` at `src` to the learner of `to` at
// `dst`, erasing at the source once both ends agree.
int MoveAndErase(const LrsProcess& src, const Cred& from, const LrsProcess& dst, const Cred& to,
                 std::string* output) {
  return Lrsctl("move --from " + Url(src) + " --from-key " + from.key + " --from-secret " +
                    from.secret + " --to " + Url(dst) + " --to-key " + to.key + " --to-secret " +
                    to.secret + " --erase-source",
                output);
}

TEST(LrsctlMoveTest, MovesTheRecordChecksBothEndsThenErasesTheSource) {
  Source src;
  ASSERT_TRUE(BuildSource(&src));
  const Learner& ada = src.w.ada;
  auto before = StatementsAs(src.lrs, ada.cred);
  ASSERT_FALSE(before.empty());

  LrsProcess dst;
  ASSERT_TRUE(StartTrusting(dst, {src.key_id}));
  Learner ada_there = consent::CreateLearner(dst, "Ada", {});
  ASSERT_FALSE(ada_there.cred.key.empty());

  std::string out;
  int rc = MoveAndErase(src.lrs, ada.cred, dst, ada_there.cred, &out);
  ASSERT_EQ(rc, 0) << out;

  auto after = StatementsAs(dst, ada_there.cred);
  EXPECT_EQ(Keys(after), Keys(before));
  for (const auto& [id, statement] : before) {
    auto it = after.find(id);
    if (it != after.end()) {
      EXPECT_EQ(WithoutStoreFields(it->second), WithoutStoreFields(statement)) << src.w.Name(id);
    }
  }
  EXPECT_EQ(IfisOf(Me(dst, ada_there.cred).at("identities").as_array()).size(), 2u);
  // Erased at the source: her credential is gone with her record.
  EXPECT_EQ(consent::GetAs(src.lrs, ada.cred, "/me").status, 401);
  auto tombstone = consent::GetAs(src.lrs, consent::AdminCred(), "/admin/learners/" + ada.id);
  ASSERT_EQ(tombstone.status, 200) << tombstone;
  EXPECT_TRUE(consent::ObjectOf(tombstone).contains("erased"));
}

TEST(LrsctlMoveTest, UntrustedDestinationRefusesAndTheSourceKeepsEverything) {
  Source src;
  ASSERT_TRUE(BuildSource(&src));
  const Learner& ada = src.w.ada;
  auto before = StatementsAs(src.lrs, ada.cred);

  LrsProcess dst;
  ASSERT_TRUE(StartTrusting(dst, {}));
  Learner ada_there = consent::CreateLearner(dst, "Ada", {});
  std::string out;
  int rc = MoveAndErase(src.lrs, ada.cred, dst, ada_there.cred, &out);
  EXPECT_EQ(rc, 1) << out;
  EXPECT_NE(out.find("403"), std::string::npos) << out;
  EXPECT_EQ(Keys(StatementsAs(src.lrs, ada.cred)), Keys(before));
  EXPECT_TRUE(StatementsAs(dst, ada_there.cred).empty());
}

TEST(LrsctlMoveTest, VerifyAcceptsAnExportAndRefusesATamperedOne) {
  Source src;
  ASSERT_TRUE(BuildSource(&src));
  std::string dir = std::filesystem::temp_directory_path() / ("lrsctl-verify-" + NewUuid());
  std::filesystem::create_directories(dir);
  std::string good = dir + "/good.tar", bad = dir + "/bad.tar";
  std::ofstream(good, std::ios::binary) << src.bundle;
  std::string tampered = src.bundle;
  tampered[tampered.size() / 2] = static_cast<char>(tampered[tampered.size() / 2] ^ 0x20);
  std::ofstream(bad, std::ios::binary) << tampered;
  std::string out;
  EXPECT_EQ(Lrsctl("verify " + good + " --expect-key " + src.key_id, &out), 0) << out;
  EXPECT_NE(out.find(src.key_id), std::string::npos) << out;
  out.clear();
  EXPECT_EQ(Lrsctl("verify " + bad, &out), 1) << out;
  EXPECT_NE(out.find("bundle: "), std::string::npos) << out;
  out.clear();
  EXPECT_EQ(Lrsctl("verify " + good + " --expect-key someone-else", &out), 1) << out;
  std::filesystem::remove_all(dir);
}

// A record of a few megabytes: the export streams in many chunks, the
// upload is spooled to disk (bodies over the 1 MiB a Beast parser allows by
// default), and lrsctl export and import carry it through.
TEST(LrsctlMoveTest, ExportAndImportARecordOfSeveralMegabytes) {
  LrsProcess src;
  ASSERT_TRUE(src.Start());
  json::object mbox = consent::MboxAgent("grace@example.org");
  Learner grace = consent::CreateLearner(src, "Grace", {mbox});
  constexpr int kBatches = 8, kPerBatch = 1000;
  std::string padding(600, 'x');  // ~1 KB statements
  for (int b = 0; b < kBatches; ++b) {
    json::array batch;
    for (int i = 0; i < kPerBatch; ++i) {
      json::object s = consent::MakeStatement(
          mbox, consent::kCompleted,
          consent::ActivityObject("https://example.org/c/" + std::to_string(i)),
          "2025-01-01T00:00:00Z");
      s["result"] = json::object{{"response", padding}};
      batch.push_back(std::move(s));
    }
    HttpRequest req =
        JsonRequest(boost::beast::http::verb::post, "/xapi/statements", json::serialize(batch));
    req.authorization = BasicAuth(grace.cred.key, grace.cred.secret);
    ASSERT_EQ(src.Send(req).status, 200);
  }
  LrsProcess dst;
  ASSERT_TRUE(StartTrusting(dst, {StoreKeyId(src)}));
  Learner there = consent::CreateLearner(dst, "Grace", {});
  std::string dir = std::filesystem::temp_directory_path() / ("lrsctl-big-" + NewUuid());
  std::filesystem::create_directories(dir);
  std::string out;
  ASSERT_EQ(Lrsctl("export --url " + Url(src) + " --key " + grace.cred.key + " --secret " +
                       grace.cred.secret + " --out " + dir + "/grace.tar",
                   &out),
            0)
      << out;
  EXPECT_GT(std::filesystem::file_size(dir + "/grace.tar"), 4u << 20);
  out.clear();
  ASSERT_EQ(Lrsctl("import --url " + Url(dst) + " --key " + there.cred.key + " --secret " +
                       there.cred.secret + " " + dir + "/grace.tar",
                   &out),
            0)
      << out;
  EXPECT_NE(out.find("\"statements\":8000"), std::string::npos) << out;
  EXPECT_EQ(StatementsAs(dst, there.cred, "/xapi/statements?limit=500").size(),
            size_t{kBatches * kPerBatch});
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace lrs_it::portability_it
