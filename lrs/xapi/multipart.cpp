// multipart/mixed parsing and building for statements with attachments
// (xAPI Communication 1.5.2, RFC 2046 section 5.1).
//
// Contract (see multipart.h): ParseMultipart never reads outside `body`,
// never throws on malformed input, and reports every malformation as
// InvalidArgument whose message starts with "multipart" and says what is
// wrong, so a 400 tells the client what to fix.
//
// Parsing model. A delimiter is a line break followed by "--" boundary; the
// opening one may also start the body. The line-break style (CRLF or LF) is
// taken from the line that ends the opening delimiter and is then required in
// front of every later delimiter. Fixing the style once is what keeps binary
// attachment bytes intact: with CRLF framing a content that ends in a bare LF,
// or with LF framing one that ends in CR, is not mistaken for framing. Header
// lines, which are text, may end in CRLF or LF either way.
#include "lrs/xapi/multipart.h"

#include <algorithm>
#include <cctype>
#include <optional>

namespace lrs::xapi {

namespace {

// No part should need more; bounds the work a hostile header block can cause.
constexpr size_t kMaxHeadersPerPart = 64;
// RFC 2046 caps boundaries at 70 characters. We allow somewhat more so an
// over-long but otherwise unambiguous boundary from a sloppy client still
// works, while keeping delimiter searches cheap.
constexpr size_t kMaxBoundaryLength = 200;

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool IsControl(char c) {
  auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

// RFC 7230 tchar: the characters a header field name may contain.
bool IsTokenChar(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool IsToken(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsTokenChar);
}

// ---------------------------------------------------------------------------
// Content-Type parameters.

// Reads one parameter value at the front of `rest` (a quoted-string with
// backslash escapes, or a bare token ending at ';'), consuming it.
Result<std::string> ReadParamValue(std::string_view& rest) {
  if (rest.empty() || rest.front() != '"') {
    size_t end = rest.find(';');
    std::string_view v = Trim(rest.substr(0, end));
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
    return std::string(v);
  }
  std::string value;
  size_t i = 1;
  for (; i < rest.size() && rest[i] != '"'; ++i) {
    if (rest[i] == '\\' && i + 1 < rest.size()) ++i;
    value += rest[i];
  }
  if (i >= rest.size()) {
    return Status::InvalidArgument("multipart Content-Type: unterminated quoted parameter value");
  }
  rest.remove_prefix(i + 1);
  rest = Trim(rest);
  if (!rest.empty() && rest.front() != ';') {
    return Status::InvalidArgument("multipart Content-Type: text after a quoted parameter value");
  }
  return value;
}

Status CheckBoundary(std::string_view b) {
  if (b.empty()) return Status::InvalidArgument("multipart Content-Type: boundary is empty");
  if (b.size() > kMaxBoundaryLength) {
    return Status::InvalidArgument("multipart Content-Type: boundary is longer than " +
                                   std::to_string(kMaxBoundaryLength) + " characters");
  }
  if (std::any_of(b.begin(), b.end(), IsControl)) {
    return Status::InvalidArgument("multipart Content-Type: boundary contains a control character");
  }
  if (b.back() == ' ') {
    return Status::InvalidArgument("multipart Content-Type: boundary ends with a space");
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> MultipartBoundary(std::string_view content_type) {
  size_t semi = content_type.find(';');
  std::string type = Lower(Trim(content_type.substr(0, semi)));
  if (type != "multipart/mixed") {
    if (type.size() > 64) type = type.substr(0, 64) + "...";  // keep the message short
    return Status::InvalidArgument("multipart Content-Type: expected multipart/mixed, got '" +
                                   type + "'");
  }
  std::string_view rest =
      semi == std::string_view::npos ? std::string_view() : content_type.substr(semi);
  std::optional<std::string> boundary;
  while (!rest.empty()) {
    rest.remove_prefix(1);  // the ';'
    rest = Trim(rest);
    size_t eq = rest.find_first_of("=;");
    if (eq == std::string_view::npos || rest[eq] == ';') {
      // A parameter without a value (or a stray ';'): skip it.
      rest.remove_prefix(eq == std::string_view::npos ? rest.size() : eq);
      continue;
    }
    std::string name = Lower(Trim(rest.substr(0, eq)));
    rest.remove_prefix(eq + 1);
    rest = Trim(rest);
    Result<std::string> value = ReadParamValue(rest);
    if (!value.ok()) return value.status();
    if (name != "boundary") continue;
    if (boundary) {
      return Status::InvalidArgument("multipart Content-Type: boundary parameter given twice");
    }
    boundary = std::move(*value);
  }
  if (!boundary) {
    return Status::InvalidArgument("multipart Content-Type: missing boundary parameter");
  }
  LRS_RETURN_IF_ERROR(CheckBoundary(*boundary));
  return std::move(*boundary);
}

namespace {

// ---------------------------------------------------------------------------
// Part headers.

std::string PartLabel(size_t index) { return "multipart part " + std::to_string(index + 1); }

// Splits one header line ("Name: value") into `headers`. Continuation lines
// (obsolete folding, RFC 5322) are appended to the previous value.
Status AddHeaderLine(std::string_view line, size_t index, std::string* last_name,
                     std::map<std::string, std::string>* headers) {
  const std::string label = PartLabel(index);
  if (std::any_of(line.begin(), line.end(), [](char c) { return IsControl(c) && c != '\t'; })) {
    return Status::InvalidArgument(label + ": control character in a header line");
  }
  if (IsSpace(line.front())) {
    if (last_name->empty()) {
      return Status::InvalidArgument(label + ": header section starts with a folded line");
    }
    std::string& value = (*headers)[*last_name];
    value = std::string(Trim(value + " " + std::string(Trim(line))));
    return Status::Ok();
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    return Status::InvalidArgument(label +
                                   ": header line without ':' (missing blank line "
                                   "between headers and content?)");
  }
  std::string_view name = line.substr(0, colon);
  if (!IsToken(name)) {
    return Status::InvalidArgument(label + ": invalid header name '" + std::string(name) + "'");
  }
  std::string key = Lower(name);
  if (headers->count(key)) {
    return Status::InvalidArgument(label + ": duplicate header '" + std::string(name) + "'");
  }
  if (headers->size() >= kMaxHeadersPerPart) {
    return Status::InvalidArgument(label + ": too many headers");
  }
  (*headers)[key] = std::string(Trim(line.substr(colon + 1)));
  *last_name = std::move(key);
  return Status::Ok();
}

// Parses one part (everything between two delimiters, framing removed): a
// header block, an empty line, then the content, which is kept byte-exact.
Result<MultipartPart> ParsePart(std::string_view raw, size_t index) {
  MultipartPart part;
  std::string last_name;
  size_t pos = 0;
  while (true) {
    size_t nl = raw.find('\n', pos);
    if (nl == std::string_view::npos) {
      // The part ended right after a header line's line break: RFC 2046
      // makes the blank line optional when there is no content (the line
      // break before the delimiter is the delimiter's). Anything else
      // unterminated is a header line cut short.
      if (pos == raw.size() && pos > 0) break;
      return Status::InvalidArgument(
          PartLabel(index) +
          (raw.empty() ? ": is empty (no headers)" : ": headers are not ended by an empty line"));
    }
    std::string_view line = raw.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = nl + 1;
    if (line.empty()) break;
    LRS_RETURN_IF_ERROR(AddHeaderLine(line, index, &last_name, &part.headers));
  }
  if (part.headers.empty()) {
    return Status::InvalidArgument(PartLabel(index) + ": has no headers");
  }
  // Every xAPI part is typed: the first as application/json, attachments by
  // their contentType. An untyped part would silently default to text/plain.
  if (!part.headers.count("content-type")) {
    return Status::InvalidArgument(PartLabel(index) + ": missing Content-Type header");
  }
  part.body = std::string(raw.substr(pos));
  return part;
}

// ---------------------------------------------------------------------------
// Framing.

// Where the opening delimiter "--boundary" starts: at the very beginning of
// the body or right after a line break. npos when there is none.
size_t FindOpening(std::string_view body, std::string_view dash_boundary) {
  if (body.substr(0, dash_boundary.size()) == dash_boundary) return 0;
  std::string needle = "\n" + std::string(dash_boundary);
  size_t at = body.find(needle);
  return at == std::string_view::npos ? at : at + 1;
}

// After "--boundary" at `pos`: either "--" (the closing delimiter) or
// optional transport padding and a line break. Sets *closing, and *next to
// the first byte after the delimiter line (for a non-closing delimiter).
// `eol` is the required line break, or empty to accept and report either
// style through *eol_out.
Status ReadDelimiterTail(std::string_view body, size_t pos, std::string_view eol, bool* closing,
                         size_t* next, std::string* eol_out) {
  if (body.substr(pos, 2) == "--") {
    *closing = true;
    return Status::Ok();
  }
  *closing = false;
  while (pos < body.size() && IsSpace(body[pos])) ++pos;
  std::string_view tail = body.substr(pos);
  if (tail.empty()) {
    return Status::InvalidArgument("multipart body: missing closing delimiter (ends mid-line)");
  }
  std::string_view found = tail.substr(0, 2) == "\r\n" ? "\r\n"
                           : tail.substr(0, 1) == "\n" ? "\n"
                                                       : "";
  if (found.empty()) {
    return Status::InvalidArgument("multipart body: text after a boundary delimiter");
  }
  if (!eol.empty() && found != eol) {
    return Status::InvalidArgument("multipart body: boundary lines mix CRLF and LF line ends");
  }
  if (eol_out) *eol_out = std::string(found);
  *next = pos + found.size();
  return Status::Ok();
}

// Explains why no further delimiter was found after `from`: usually a
// truncated body, but a CRLF-framed body whose later delimiters use bare LF
// deserves a precise message.
Status MissingDelimiter(std::string_view body, size_t from, std::string_view dash_boundary) {
  if (body.find("\n" + std::string(dash_boundary), from) != std::string_view::npos) {
    return Status::InvalidArgument("multipart body: boundary lines mix CRLF and LF line ends");
  }
  return Status::InvalidArgument("multipart body: missing closing delimiter '" +
                                 std::string(dash_boundary) + "--'");
}

}  // namespace

Result<std::vector<MultipartPart>> ParseMultipart(std::string_view body,
                                                  std::string_view boundary) {
  LRS_RETURN_IF_ERROR(CheckBoundary(boundary));
  const std::string dash_boundary = "--" + std::string(boundary);
  size_t pos = FindOpening(body, dash_boundary);
  if (pos == std::string_view::npos) {
    return Status::InvalidArgument("multipart body: opening boundary delimiter '" + dash_boundary +
                                   "' not found");
  }
  pos += dash_boundary.size();
  bool closing = false;
  size_t part_start = 0;
  std::string eol;
  LRS_RETURN_IF_ERROR(ReadDelimiterTail(body, pos, "", &closing, &part_start, &eol));
  if (closing) return Status::InvalidArgument("multipart body: has no parts");

  const std::string delimiter = eol + dash_boundary;
  std::vector<MultipartPart> parts;
  while (!closing) {
    // Search from the line break that ended the previous delimiter, so a part
    // with no bytes at all is still found (and rejected for lacking headers).
    size_t at = body.find(delimiter, part_start - eol.size());
    if (at == std::string_view::npos) return MissingDelimiter(body, part_start, dash_boundary);
    std::string_view raw =
        at < part_start ? std::string_view() : body.substr(part_start, at - part_start);
    if (parts.size() == kMaxParts) {
      return Status::InvalidArgument("multipart body: more than " + std::to_string(kMaxParts) + " parts");
    }
    Result<MultipartPart> part = ParsePart(raw, parts.size());
    if (!part.ok()) return part.status();
    parts.push_back(std::move(*part));
    LRS_RETURN_IF_ERROR(
        ReadDelimiterTail(body, at + delimiter.size(), eol, &closing, &part_start, nullptr));
  }
  return parts;  // anything after the closing delimiter is epilogue, ignored
}

namespace {

// Header values come from stored statement metadata; dropping control
// characters keeps a stray CR/LF from ending the header block early.
std::string HeaderSafe(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (!IsControl(c)) out += c;
  }
  return out;
}

}  // namespace

std::string BuildMultipart(std::string_view boundary, std::string_view json,
                           const std::vector<Attachment>& attachments) {
  // The caller picks a random boundary; the RFC makes it the sender's job to
  // choose one that does not occur in any content.
  const std::string b(boundary);
  std::string out;
  size_t size = json.size() + 128;
  for (const auto& a : attachments) size += a.content.size() + a.content_type.size() + 160;
  out.reserve(size);
  out += "--" + b + "\r\nContent-Type: application/json\r\n\r\n";
  out += json;
  for (const auto& a : attachments) {
    out += "\r\n--" + b + "\r\n";
    out += "Content-Type: " + HeaderSafe(a.content_type) + "\r\n";
    out += "Content-Transfer-Encoding: binary\r\n";
    out += "X-Experience-API-Hash: " + HeaderSafe(a.sha2) + "\r\n\r\n";
    out += a.content;
  }
  out += "\r\n--" + b + "--\r\n";
  return out;
}

}  // namespace lrs::xapi
