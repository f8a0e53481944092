// lrsctl: the operator's admin tool.
//
// Today it manages credentials directly in a data directory while lrsd is
// stopped (RocksDB allows one process at a time). The admin HTTP endpoints
// and the export/import/verify/move commands come with the ownership and
// portability work (docs/ARCHITECTURE.md).
#include <cstdio>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "lrs/base/encoding.h"
#include "lrs/store/credential_store.h"
#include "lrs/store/database.h"

namespace {

constexpr char kUsage[] = R"(Usage: lrsctl COMMAND [options]

Commands:
  credential add --data DIR --key KEY [--secret SECRET] [--scopes S1,S2] [--name NAME]
      Create or replace a credential in a stopped store's data directory.
      Without --secret a random one is generated and printed once.
      Scopes (xAPI): all, all/read, statements/write, statements/read,
      statements/read/mine, state, profile, define. Default: statements/write,statements/read.
  help
      This text.
)";

struct Args {
  std::string data, key, secret, name;
  std::vector<std::string> scopes{"statements/write", "statements/read"};
};

bool ParseArgs(int argc, char** argv, int first, Args* a) {
  for (int i = first; i < argc; ++i) {
    std::string flag = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr, "lrsctl: %s needs a value\n", flag.c_str());
      return false;
    }
    std::string value = argv[++i];
    if (flag == "--data") a->data = value;
    else if (flag == "--key") a->key = value;
    else if (flag == "--secret") a->secret = value;
    else if (flag == "--name") a->name = value;
    else if (flag == "--scopes") {
      a->scopes.clear();
      std::stringstream ss(value);
      for (std::string s; std::getline(ss, s, ',');) {
        if (!s.empty()) a->scopes.push_back(s);
      }
    } else {
      std::fprintf(stderr, "lrsctl: unknown option %s (see lrsctl help)\n", flag.c_str());
      return false;
    }
  }
  return true;
}

int AddCredential(const Args& a) {
  static const char* kScopes[] = {"all", "all/read", "statements/write", "statements/read",
                                  "statements/read/mine", "state", "profile", "define"};
  for (const auto& s : a.scopes) {
    bool known = false;
    for (const char* k : kScopes) known = known || s == k;
    if (!known) {
      std::fprintf(stderr, "lrsctl: unknown scope %s\n", s.c_str());
      return 2;
    }
  }
  if (a.data.empty() || a.key.empty()) {
    std::fprintf(stderr, "lrsctl: credential add needs --data and --key\n");
    return 2;
  }
  lrs::store::DatabaseOptions options;
  options.path = a.data;
  auto db = lrs::store::Database::Open(options);
  if (!db.ok()) {
    std::fprintf(stderr, "lrsctl: %s (is lrsd running on it?)\n", db.status().message().c_str());
    return 1;
  }
  lrs::store::CredentialStore credentials(db->get());
  std::string secret = a.secret.empty() ? lrs::Base64UrlEncode(lrs::RandomBytes(24)) : a.secret;
  lrs::store::Credential c{a.key, a.name, a.scopes, "", ""};
  if (lrs::Status s = credentials.Put(c, secret); !s.ok()) {
    std::fprintf(stderr, "lrsctl: %s\n", s.message().c_str());
    return 1;
  }
  if (a.secret.empty()) std::printf("key: %s\nsecret: %s\n", a.key.c_str(), secret.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "help") || !std::strcmp(argv[1], "--help")) {
    std::fputs(kUsage, stdout);
    return argc < 2 ? 2 : 0;
  }
  std::string command = argv[1];
  if (command == "credential" && argc >= 3 && !std::strcmp(argv[2], "add")) {
    Args args;
    if (!ParseArgs(argc, argv, 3, &args)) return 2;
    return AddCredential(args);
  }
  std::fprintf(stderr, "lrsctl: unknown command %s (see lrsctl help)\n", command.c_str());
  return 2;
}
