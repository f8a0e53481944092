#include "tests/integration/multipart_util.h"

#include "gtest/gtest.h"

namespace lrs_it {

std::string BoundaryOf(const std::string& content_type) {
  size_t at = content_type.find("boundary=");
  if (at == std::string::npos) return "";
  std::string b = content_type.substr(at + 9);
  b = b.substr(0, b.find(';'));
  if (b.size() >= 2 && b.front() == '"') b = b.substr(1, b.size() - 2);
  return b;
}

std::vector<Part> ParseMultipart(const std::string& body, const std::string& boundary) {
  std::vector<Part> parts;
  const std::string delim = "--" + boundary;
  if (boundary.empty() || body.compare(0, delim.size(), delim) != 0) {
    ADD_FAILURE() << "multipart body does not start with its delimiter";
    return parts;
  }
  size_t pos = delim.size();
  while (body.compare(pos, 2, "--") != 0) {
    if (body.compare(pos, 2, "\r\n") != 0) {
      ADD_FAILURE() << "no CRLF after delimiter at " << pos;
      return parts;
    }
    pos += 2;
    size_t headers_end = body.find("\r\n\r\n", pos);
    size_t next = body.find("\r\n" + delim, headers_end);
    if (headers_end == std::string::npos || next == std::string::npos) {
      ADD_FAILURE() << "truncated multipart body";
      return parts;
    }
    Part part;
    std::string headers = body.substr(pos, headers_end - pos) + "\r\n";
    for (size_t start = 0, eol; (eol = headers.find("\r\n", start)) != std::string::npos;
         start = eol + 2) {
      std::string line = headers.substr(start, eol - start);
      size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      size_t value = line.find_first_not_of(' ', colon + 1);
      part.headers[name] = value == std::string::npos ? "" : line.substr(value);
    }
    part.body = body.substr(headers_end + 4, next - headers_end - 4);
    parts.push_back(std::move(part));
    pos = next + 2 + delim.size();
  }
  return parts;
}

}  // namespace lrs_it
