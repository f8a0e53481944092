// lrsbench seed: prepares a data directory for the benchmark, offline (lrsd
// must not be running on it: RocksDB allows one process). It writes through
// the project's own stores, exactly as the admin and /me endpoints would:
//   - organisation "bench-lms" with a credential scoped "all": the writer;
//   - organisation "bench-analytics" with a credential scoped
//     "statements/read": the reader;
//   - learners 0..N-1 ("Learner i", the generator's mbox for learner i),
//     each with one live grant to bench-analytics (purpose "benchmark",
//     actions statements, no restriction), made like POST /me/grants.
// Seeding over HTTP would take the same records through more code and time;
// offline, 10,000 learners take well under a minute.
#include <atomic>
#include <boost/json.hpp>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include "lrs/base/encoding.h"
#include "lrs/consent/grant.h"
#include "lrs/store/account_store.h"
#include "lrs/store/credential_store.h"
#include "lrs/store/grant_store.h"
#include "lrs/store/rocks_statement_store.h"
#include "lrs/xapi/validate.h"
#include "tools/bench/lrsbench/args.h"
#include "tools/bench/lrsbench/commands.h"
#include "tools/bench/lrsbench/generator.h"

namespace lrsbench {

namespace {

namespace json = boost::json;
using lrs::Result;
using lrs::Status;

struct Stores {
  lrs::store::AccountStore* accounts;
  lrs::store::CredentialStore* credentials;
  lrs::store::GrantStore* grants;
};

// An organisation and one credential of it (as POST /admin/organisations
// and .../credentials make them, but with the key and secret given).
Result<lrs::store::Organisation> CreateOrganisation(Stores& s, const std::string& name,
                                                    const std::string& scope,
                                                    const std::string& key,
                                                    const std::string& secret) {
  auto org = s.accounts->CreateOrganisation(name);
  if (!org.ok()) return org.status();
  lrs::store::Credential c;
  c.key = key;
  c.name = name;
  c.scopes = {scope};
  c.organisation = org->id;
  LRS_RETURN_IF_ERROR(s.credentials->Put(c, secret));
  return org;
}

// Learner i with its identity and its grant. The learner's credential key
// is random and never stored as a credential: no benchmark signs in as a
// learner, and storing 10,000 PBKDF2 hashes (210,000 iterations each) would
// take a quarter of an hour.
Status CreateLearner(Stores& s, uint64_t i, const lrs::consent::Grant& grant) {
  json::object identity{{"objectType", "Agent"}, {"mbox", StatementGenerator::Mbox(i)}};
  LRS_RETURN_IF_ERROR(lrs::xapi::ValidateAgentParameter(json::value(identity), false, "identity"));
  auto learner = s.accounts->CreateLearner(StatementGenerator::Name(i),
                                           lrs::HexEncode(lrs::RandomBytes(12)), {identity});
  if (!learner.ok()) return learner.status();
  // What MakeGrant in lrs/http/me.cpp stores.
  lrs::store::StoredGrant stored;
  stored.id = lrs::FormatUuid(lrs::RandomUuidV4());
  stored.learner = learner->id;
  stored.organisation = grant.organisation;
  stored.body = json::serialize(lrs::consent::GrantToJson(grant));
  stored.created = lrs::NowMicros();
  stored.expires = grant.expires;
  return s.grants->Create(stored, std::nullopt);
}

// Learners 0..count-1 from `threads` threads: every store is thread-safe,
// and concurrent durable writes share their fsyncs.
Status CreateLearners(Stores& s, uint64_t count, uint64_t threads,
                      const lrs::consent::Grant& grant) {
  std::atomic<uint64_t> next{0};
  std::atomic<bool> failed{false};
  Status first_error;
  std::mutex error_mu;
  std::vector<std::thread> workers;
  for (uint64_t t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (uint64_t i = next++; i < count && !failed; i = next++) {
        Status st = CreateLearner(s, i, grant);
        if (!st.ok()) {
          std::lock_guard<std::mutex> lock(error_mu);
          if (!failed.exchange(true)) first_error = st;
        }
        if ((i + 1) % 1000 == 0) {
          std::fprintf(stderr, "lrsbench seed: %llu learners\n",
                       static_cast<unsigned long long>(i + 1));
        }
      }
    });
  }
  for (auto& w : workers) w.join();
  return first_error;
}

Status Seed(const std::string& dir, uint64_t learners, uint64_t threads, const Args& args) {
  lrs::store::DatabaseOptions options;  // lrsd's defaults
  options.path = dir;
  auto db = lrs::store::Database::Open(options);
  if (!db.ok()) return db.status();
  // Opening the statement store writes the key layout marker lrsd checks,
  // and owns the partition directory the account store shares.
  auto statements = lrs::store::RocksStatementStore::Open(db->get());
  if (!statements.ok()) return statements.status();
  lrs::store::CredentialStore credentials(db->get());
  lrs::store::AccountStore accounts(db->get(), (*statements)->partitions());
  lrs::store::GrantStore grants(db->get());
  Stores s{&accounts, &credentials, &grants};

  std::string writer_key = args.String("--writer-key", kWriterKey);
  auto exists = credentials.Exists(writer_key);
  if (!exists.ok()) return exists.status();
  if (*exists) return Status::Conflict(dir + " is already seeded (credential " + writer_key + ")");
  auto lms = CreateOrganisation(s, "bench-lms", "all", writer_key,
                                args.String("--writer-secret", kWriterSecret));
  if (!lms.ok()) return lms.status();
  auto analytics = CreateOrganisation(s, "bench-analytics", "statements/read",
                                      args.String("--reader-key", kReaderKey),
                                      args.String("--reader-secret", kReaderSecret));
  if (!analytics.ok()) return analytics.status();
  auto grant = lrs::consent::ParseGrant(json::object{{"organisation", analytics->id},
                                                     {"purpose", "benchmark"},
                                                     {"actions", json::array{"statements"}}});
  if (!grant.ok()) return grant.status();
  LRS_RETURN_IF_ERROR(CreateLearners(s, learners, threads, *grant));
  std::printf(
      "seeded %s: bench-lms %s (writer %s), bench-analytics %s (reader %s), %llu learners\n",
      dir.c_str(), lms->id.c_str(), writer_key.c_str(), analytics->id.c_str(),
      args.String("--reader-key", kReaderKey).c_str(), static_cast<unsigned long long>(learners));
  return Status::Ok();
}

}  // namespace

int SeedCommand(int argc, char** argv, int first) {
  auto args = Args::Parse(argc, argv, first,
                          {"--data", "--learners", "--threads", "--writer-key", "--writer-secret",
                           "--reader-key", "--reader-secret"},
                          {});
  if (!args) return 2;
  uint64_t learners = args->Number("--learners", 10000);
  uint64_t threads = args->Number("--threads", 16);
  if (!args->ok()) return 2;
  if (!args->Has("--data") || threads == 0) {
    std::fprintf(stderr, "lrsbench seed: needs --data DIR (and --threads >= 1)\n");
    return 2;
  }
  Status s = Seed(args->String("--data"), learners, threads, *args);
  if (!s.ok()) {
    std::fprintf(stderr, "lrsbench seed: %s\n", s.message().c_str());
    return 1;
  }
  return 0;
}

}  // namespace lrsbench
