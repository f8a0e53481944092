// multipart/mixed (RFC 2046) as the integration tests read it: parsed here,
// independently of the server's own parser, so a server bug cannot hide
// behind a shared one.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace lrs_it {

struct Part {
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;
};

// The boundary parameter of a multipart Content-Type ("" when absent).
std::string BoundaryOf(const std::string& content_type);
// The parts of `body`; a test failure (and what was parsed so far) when it
// is malformed.
std::vector<Part> ParseMultipart(const std::string& body, const std::string& boundary);

}  // namespace lrs_it
