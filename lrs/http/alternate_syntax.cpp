#include "lrs/http/alternate_syntax.h"

#include <algorithm>
#include <cctype>

namespace lrs::http {

namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

Status RewriteAlternateRequest(RequestContext& ctx) {
  Request& req = ctx.request;
  if (ctx.params.items().size() != 1 || !ctx.params.Find("method")) {
    return Status::InvalidArgument(
        "method: with the alternate request syntax, all other parameters go in the form body");
  }
  std::string method = *ctx.params.Find("method");
  bhttp::verb verb = bhttp::string_to_verb(method);
  if (verb != bhttp::verb::get && verb != bhttp::verb::put && verb != bhttp::verb::post &&
      verb != bhttp::verb::delete_ && verb != bhttp::verb::head) {
    return Status::InvalidArgument("method: unsupported method '" + method + "'");
  }
  std::string content_type(req[bhttp::field::content_type]);
  if (Lower(content_type).rfind("application/x-www-form-urlencoded", 0) != 0) {
    return Status::InvalidArgument(
        "Content-Type: the alternate request syntax requires application/x-www-form-urlencoded");
  }
  auto form = QueryParams::Parse(req.body());
  if (!form.ok()) return form.status();

  QueryParams params;
  std::string content;
  req.erase(bhttp::field::content_type);
  for (const auto& [name, value] : form->items()) {
    std::string key = Lower(name);
    if (key == "content") {
      content = value;
    } else if (key == "authorization" || key == "x-experience-api-version" ||
               key == "content-type" || key == "if-match" || key == "if-none-match") {
      // Real headers cannot carry control characters; form fields could, and
      // a CR/LF here would reach response headers (a stored Content-Type).
      if (std::any_of(value.begin(), value.end(),
                      [](unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7f; })) {
        return Status::InvalidArgument(name + ": control characters are not allowed in a header");
      }
      req.set(name, value);
    } else if (key == "content-length") {
      // Recomputed from the content below.
    } else {
      params.Add(name, value);
    }
  }
  req.method(verb);
  req.body() = std::move(content);
  req.prepare_payload();
  ctx.params = std::move(params);
  ctx.alternate = true;
  return Status::Ok();
}

}  // namespace lrs::http
