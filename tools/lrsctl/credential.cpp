// credential add: writes a credential straight into a stopped store's data
// directory (RocksDB allows one process at a time, so lrsd must be down).
// It is how the first operator credentials are made before any HTTP admin
// endpoint can be called.
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "lrs/base/encoding.h"
#include "lrs/store/credential_store.h"
#include "lrs/store/database.h"
#include "tools/lrsctl/commands.h"

namespace lrsctl {

namespace {

constexpr char kName[] = "credential add";

constexpr char kHelp[] = R"(Usage: lrsctl credential add --data DIR --key KEY [--secret SECRET]
                              [--scopes S1,S2] [--name NAME]

Create or replace a credential in a stopped store's data directory.
Without --secret a random one is generated and printed once.

Scopes (xAPI): all, all/read, statements/write, statements/read,
statements/read/mine, state, profile, define; and metrics (GET /metrics
and /healthz only, for a monitoring system).
Default: statements/write,statements/read.
)";

std::vector<std::string> ParseScopes(const Args& args) {
  if (!args.Has("--scopes")) return {"statements/write", "statements/read"};
  std::vector<std::string> scopes;
  std::stringstream ss(args.Get("--scopes"));
  for (std::string s; std::getline(ss, s, ',');) {
    if (!s.empty()) scopes.push_back(s);
  }
  return scopes;
}

int AddCredential(const Args& args) {
  static const char* kScopes[] = {
      "all",     "all/read", "statements/write", "statements/read", "statements/read/mine", "state",
      "profile", "define",
      "metrics"};  // not xAPI's: reads /metrics and /healthz only (docs/SECURITY.md)
  std::vector<std::string> scopes = ParseScopes(args);
  for (const auto& s : scopes) {
    bool known = false;
    for (const char* k : kScopes) known = known || s == k;
    if (!known) return UsageError(kName, "unknown scope " + s);
  }
  std::string data = args.Get("--data"), key = args.Get("--key"), secret = args.Get("--secret");
  if (data.empty() || key.empty()) return UsageError(kName, "--data and --key are required");
  lrs::store::DatabaseOptions options;
  options.path = data;
  auto db = lrs::store::Database::Open(options);
  if (!db.ok()) return Fail(kName, db.status().message() + " (is lrsd running on it?)");
  lrs::store::CredentialStore credentials(db->get());
  bool generated = secret.empty();
  if (generated) secret = lrs::Base64UrlEncode(lrs::RandomBytes(24));
  lrs::store::Credential c{key, args.Get("--name"), scopes, "", ""};
  if (lrs::Status s = credentials.Put(c, secret); !s.ok()) return Fail(kName, s.message());
  if (generated) std::printf("key: %s\nsecret: %s\n", key.c_str(), secret.c_str());
  return kExitOk;
}

}  // namespace

const Command& CredentialAddCommand() {
  static const Command kCommand{
      kName, "create or replace a credential in a stopped store's data directory", kHelp,
      OptionSpec{{"--data", "--key", "--secret", "--scopes", "--name"}, {}, 0}, AddCredential};
  return kCommand;
}

}  // namespace lrsctl
