// The HTTP vocabulary shared by the handlers: Beast request/response types,
// parsed query parameters, the per-request context (chosen xAPI version and
// authenticated credential), and builders for JSON and error responses.
//
// Handlers are plain functions of RequestContext to Response, in the manner
// of Beast's advanced server example: no I/O of their own besides the stores.
#pragma once

#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lrs/base/status.h"
#include "lrs/consent/read_rule.h"
#include "lrs/portability/byte_stream.h"
#include "lrs/store/credential_store.h"
#include "lrs/xapi/version.h"

namespace lrs::http {

namespace bhttp = boost::beast::http;
using Request = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<bhttp::string_body>;

// Query parameters in request order, percent-decoded.
class QueryParams {
 public:
  // InvalidArgument on a malformed percent escape.
  static Result<QueryParams> Parse(std::string_view query);
  const std::string* Find(std::string_view name) const;
  size_t Count(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }
  void Add(std::string name, std::string value) { items_.emplace_back(std::move(name), std::move(value)); }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

std::optional<std::string> PercentDecode(std::string_view in, bool plus_is_space);

// What a request and its response carry besides string bodies: a request
// body the server spooled to a file (an imported bundle, too large to hold
// in memory), and a response body a handler produces while it is sent (an
// export). The server calls `body_writer` on a worker thread after sending
// the head (chunked); an error from it cuts the connection, which the client
// sees as a truncated body.
struct Streams {
  std::optional<std::string> spooled_body;  // path; the server deletes it after the response
  std::function<Status(portability::ByteSink& sink)> body_writer;
};

struct RequestContext {
  Request& request;  // the (possibly rewritten, for the alternate syntax) request
  std::string path;  // without query string
  QueryParams params;
  xapi::Version version = xapi::Version::k103;
  store::Credential credential;
  // What this credential may read, taken once per request (lrs/consent).
  std::shared_ptr<const consent::View> view;
  bool alternate = false;  // arrived in the 1.0.3 alternate request syntax
  Streams* streams = nullptr;  // never null inside a handler
};

// A JSON response with the xAPI headers of `version`.
Response JsonResponse(const RequestContext& ctx, bhttp::status status, std::string body);
// A bodiless response (204 and the like).
Response EmptyResponse(const RequestContext& ctx, bhttp::status status);
// An xAPI error: {"error": {"code": N, "message": "..."}} with the mapped
// status line. `version` is echoed when known.
Response ErrorResponse(const Request& req, const Status& status,
                       std::optional<xapi::Version> version);
bhttp::status HttpStatusOf(const Status& s);
// RFC 7231 IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") of a Unix time in microseconds.
std::string HttpDate(int64_t micros);

}  // namespace lrs::http
