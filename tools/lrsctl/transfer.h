// The steps that export, verify, import and move share: fetching a bundle
// into a file, reading one back, uploading one, erasing a learner. They
// print nothing; the commands say what happened.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "lrs/base/status.h"
#include "lrs/portability/bundle.h"
#include "tools/lrsctl/args.h"
#include "tools/lrsctl/http_client.h"

namespace lrsctl {

// A client for the store named by the options `url`, `key` and `secret`
// (e.g. "--url", "--key", "--secret"). InvalidArgument, a usage error, when
// one is missing or the URL is not one lrsctl can use.
lrs::Status MakeClient(const Args& args, const char* url, const char* key, const char* secret,
                       std::optional<HttpClient>* client);

// The learner's own endpoints when `operator_learner` is empty, else the
// operator's endpoints for that learner.
std::string ExportPath(const std::string& operator_learner);
std::string ErasePath(const std::string& operator_learner);

struct FetchedBundle {
  uint64_t bytes = 0;
  lrs::portability::VerifiedBundle bundle;
};

// GETs a bundle into `out`: the body streams into OUT.part, which is
// fsynced, read back with ReadBundle (`visitor`, which may be null, sees
// it), and only then renamed over OUT. So OUT is a whole, verified bundle
// or untouched; OUT.part is removed on any failure.
lrs::Result<FetchedBundle> FetchBundle(HttpClient& client, const std::string& path,
                                       const std::string& out,
                                       lrs::portability::BundleVisitor* visitor);

// ReadBundle over the file at `path`, messages prefixed with the path.
lrs::Result<lrs::portability::VerifiedBundle> ReadBundleFile(
    const std::string& path, lrs::portability::BundleVisitor* visitor);

// POST /me/import of the file at `path`: the server's summary (its JSON
// text) on 200, otherwise the server's reason.
lrs::Result<std::string> UploadBundle(HttpClient& client, const std::string& path);

// DELETE the learner at `path` (ErasePath); ok on 200 or 204.
lrs::Status EraseLearner(HttpClient& client, const std::string& path);

// What `lrsctl verify` shows of a bundle: learner, created, signer, counts.
void PrintBundle(std::FILE* out, const lrs::portability::VerifiedBundle& bundle);

}  // namespace lrsctl
