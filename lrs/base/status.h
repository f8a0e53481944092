// Status: the result of an operation that can fail, passed across layers
// instead of exceptions (as in LevelDB). A Status is either ok() or carries a
// Code and a message written for the client: the message names the offending
// property ("statement.actor.mbox: ...") so a 400 tells the caller what to fix.
//
// Codes say what went wrong in domain terms; lrs/http maps each to its status
// line (InvalidArgument -> 400, NotFound -> 404, Conflict -> 409, ...).
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace lrs {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,       // the request or its data is malformed (400)
    kUnauthorized,          // no valid credential (401)
    kForbidden,             // valid credential, not allowed (403)
    kNotFound,              // nothing there, or nothing this caller may see (404)
    kConflict,              // contradicts what is stored (409)
    kPreconditionFailed,    // If-Match / If-None-Match did not hold (412)
    kTooLarge,              // over a configured limit (413)
    kPreconditionRequired,  // a concurrency header was required (428)
    kTooManyRequests,       // over a rate limit; try again later (429)
    kUnavailable,           // overloaded or unhealthy; try again later (503)
    kIoError,               // storage failed (500)
    kInternal,              // a bug (500)
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) { return {Code::kInvalidArgument, std::move(msg)}; }
  static Status Unauthorized(std::string msg) { return {Code::kUnauthorized, std::move(msg)}; }
  static Status Forbidden(std::string msg) { return {Code::kForbidden, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {Code::kNotFound, std::move(msg)}; }
  static Status Conflict(std::string msg) { return {Code::kConflict, std::move(msg)}; }
  static Status PreconditionFailed(std::string msg) {
    return {Code::kPreconditionFailed, std::move(msg)};
  }
  static Status PreconditionRequired(std::string msg) {
    return {Code::kPreconditionRequired, std::move(msg)};
  }
  static Status TooLarge(std::string msg) { return {Code::kTooLarge, std::move(msg)}; }
  static Status TooManyRequests(std::string msg) {
    return {Code::kTooManyRequests, std::move(msg)};
  }
  static Status Unavailable(std::string msg) { return {Code::kUnavailable, std::move(msg)}; }
  static Status IoError(std::string msg) { return {Code::kIoError, std::move(msg)}; }
  static Status Internal(std::string msg) { return {Code::kInternal, std::move(msg)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  bool Is(Code c) const { return code_ == c; }

 private:
  Status(Code c, std::string msg) : code_(c), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// Result<T>: a value or the Status that explains why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status s) : status_(std::move(s)) {}    // NOLINT: implicit by design
  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() { return value_; }
  const T& value() const { return value_; }
  T* operator->() { return &value_; }
  const T* operator->() const { return &value_; }
  T& operator*() { return value_; }
  const T& operator*() const { return value_; }

 private:
  Status status_;
  T value_{};
};

}  // namespace lrs

// Returns early from the enclosing function when `expr` yields a failed Status.
#define LRS_RETURN_IF_ERROR(expr)          \
  do {                                     \
    ::lrs::Status _lrs_s = (expr);         \
    if (!_lrs_s.ok()) return _lrs_s;       \
  } while (0)
