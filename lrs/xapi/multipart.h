// multipart/mixed as xAPI uses it for statements with attachments
// (Communication 1.5.2): the first part is the statement(s) as
// application/json, each further part is one attachment's raw content with
// Content-Type and X-Experience-API-Hash (its SHA-256, lowercase hex) headers,
// optionally Content-Transfer-Encoding: binary.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "lrs/base/status.h"

namespace lrs::xapi {

struct MultipartPart {
  std::map<std::string, std::string> headers;  // names lowercased, values trimmed
  std::string body;
};

// Extracts the boundary parameter of a multipart/mixed Content-Type header
// (quoted or bare). InvalidArgument when missing or the type is not multipart/mixed.
Result<std::string> MultipartBoundary(std::string_view content_type);

// More parts than this are refused: a statement batch with attachments needs
// one part per distinct attachment, and each part costs a header map.
inline constexpr size_t kMaxParts = 10000;

// Splits a multipart body into parts. Tolerates CRLF or LF line ends and a
// preamble/epilogue; rejects a missing closing delimiter or malformed headers
// with InvalidArgument naming the problem. Never reads past `body`.
Result<std::vector<MultipartPart>> ParseMultipart(std::string_view body, std::string_view boundary);

struct Attachment {
  std::string content_type;
  std::string sha2;  // lowercase hex SHA-256 as sent in X-Experience-API-Hash
  std::string content;
};

// Builds a multipart/mixed body: a JSON part then one part per attachment.
std::string BuildMultipart(std::string_view boundary, std::string_view json,
                           const std::vector<Attachment>& attachments);

}  // namespace lrs::xapi
