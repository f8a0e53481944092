// Fuzz target: multipart/mixed statement bodies (lrs/xapi/multipart.cpp) and
// the handler code that reads them (lrs/http/statement_body.cpp: attachment
// matching by hash, signature parts).
//
// Input: the Content-Type header value on the first line, then the body.
//
// Besides crashes, it checks that BuildMultipart (used to answer GET with
// attachments=true) writes parts that ParseMultipart reads back unchanged,
// whenever the boundary does not occur in the contents (the builder's
// documented precondition).
#include <boost/beast/http.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "lrs/http/statement_body.h"
#include "lrs/xapi/multipart.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

using lrs_fuzz::Require;

using lrs::xapi::MultipartPart;

std::string HeaderOr(const MultipartPart& part, const std::string& name) {
  auto it = part.headers.find(name);
  return it == part.headers.end() ? std::string() : it->second;
}

// BuildMultipart drops control characters from header values; a parsed
// value can still hold a tab, which would not survive the trip.
bool HeaderSafe(const std::string& value) { return value.find('\t') == std::string::npos; }

void CheckRoundTrip(const std::vector<MultipartPart>& parts, const std::string& boundary) {
  const std::string dash_boundary = "--" + boundary;
  std::vector<lrs::xapi::Attachment> attachments;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].body.find(dash_boundary) != std::string::npos) return;
    std::string type = HeaderOr(parts[i], "content-type");
    std::string hash = HeaderOr(parts[i], "x-experience-api-hash");
    if (!HeaderSafe(type) || !HeaderSafe(hash)) return;
    if (i > 0) attachments.push_back({type, hash, parts[i].body});
  }
  std::string built = lrs::xapi::BuildMultipart(boundary, parts[0].body, attachments);
  auto reparsed = lrs::xapi::ParseMultipart(built, boundary);
  Require(reparsed.ok(), "a built multipart body does not parse");
  Require(reparsed->size() == parts.size(), "a built multipart body has other parts");
  Require((*reparsed)[0].body == parts[0].body, "the JSON part changed");
  for (size_t i = 1; i < parts.size(); ++i) {
    const auto& again = (*reparsed)[i];
    Require(again.body == attachments[i - 1].content, "an attachment's content changed");
    Require(HeaderOr(again, "content-type") == attachments[i - 1].content_type,
            "an attachment's Content-Type changed");
    Require(HeaderOr(again, "x-experience-api-hash") == attachments[i - 1].sha2,
            "an attachment's hash changed");
  }
}

// As PUT /xapi/statements reads a body, with a Content-Type Beast accepted.
void ReadAsServer(std::string_view content_type, std::string_view body) {
  lrs::http::Request req{lrs::http::bhttp::verb::put, "/xapi/statements", 11};
  req.set(lrs::http::bhttp::field::content_type, content_type);
  req.body() = std::string(body);
  lrs::http::Streams streams;
  lrs::http::RequestContext ctx{
      req, "/xapi/statements", {}, lrs::xapi::Version::k103, {}, nullptr, false, &streams};
  (void)lrs::http::ReadStatementBody(ctx, 50);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t nl = input.find('\n');
  if (nl == std::string_view::npos) return 0;
  std::string_view content_type = input.substr(0, nl);
  if (!content_type.empty() && content_type.back() == '\r') content_type.remove_suffix(1);
  std::string_view body = input.substr(nl + 1);

  auto boundary = lrs::xapi::MultipartBoundary(content_type);
  if (boundary.ok()) {
    auto parts = lrs::xapi::ParseMultipart(body, *boundary);
    if (parts.ok() && !parts->empty()) CheckRoundTrip(*parts, *boundary);
  }
  ReadAsServer(content_type, body);
  return 0;
}
