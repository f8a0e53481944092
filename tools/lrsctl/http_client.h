// A small synchronous HTTP/1.1 client for lrsctl's talks with lrsd: one
// request per connection, HTTP Basic credentials, and bodies streamed from
// a file or into a ByteSink, so a bundle of any size passes through in
// fixed memory. Plain http:// only for now.
//
// Every wait (connecting, each piece sent or received) has its own
// deadline, so a transfer is cut off for stalling, never for being large.
// Nothing here throws; failures are Status messages written for the person
// at the terminal ("cannot connect to 127.0.0.1:8080: Connection refused").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "lrs/base/status.h"
#include "lrs/portability/byte_stream.h"

namespace lrsctl {

// Where a store's root is: every request path is appended to `prefix`.
struct Endpoint {
  std::string host;    // without the brackets of an IPv6 literal
  std::string port;    // "80" when the URL names none
  std::string prefix;  // "" or a path without the trailing slash, e.g. "/lrs"
};

// "http://HOST[:PORT][/PREFIX]". InvalidArgument saying what is wrong;
// https:// is "TLS not supported yet by lrsctl".
lrs::Result<Endpoint> ParseUrl(std::string_view url);

struct HttpReply {
  int status = 0;
  std::string content_type;
  // The body when it was kept in memory: every answer but a 200 streamed
  // into a sink. At most 1 MiB: anything larger is not an lrsd answer.
  std::string body;
  uint64_t streamed_bytes = 0;  // what went into the sink
};

// Why the server refused: the message of an lrsd error body
// ({"error":{"code":N,"message":"..."}}), else the start of the body, else
// the status; prefixed with "HTTP <status>: ".
std::string ErrorMessage(const HttpReply& reply);

class HttpClient {
 public:
  HttpClient(Endpoint endpoint, std::string_view key, std::string_view secret);

  // GET `path`. A 200's body goes to `sink` as it arrives (and must end
  // properly: a body cut short is an error); any other answer's is kept.
  lrs::Result<HttpReply> Get(const std::string& path, lrs::portability::ByteSink* sink);
  // POST the file at `file_path` as the body (Content-Length: its size).
  lrs::Result<HttpReply> PostFile(const std::string& path, const std::string& file_path,
                                  std::string_view content_type);
  lrs::Result<HttpReply> Delete(const std::string& path);
  // POST a small JSON body kept in memory; the answer may take as long as
  // an import's (a backup copies the whole store when it cannot link).
  lrs::Result<HttpReply> PostJson(const std::string& path, const std::string& json);

  // "host:port", for messages.
  std::string Where() const;
  const Endpoint& endpoint() const { return endpoint_; }

 private:
  Endpoint endpoint_;
  std::string authorization_;
};

}  // namespace lrsctl
