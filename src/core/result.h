// Status and Result<T>: how every layer of ldn reports an expected failure.
//
// Policy (CONTRIBUTING.md): expected failures -- bad input, a row not found, a database that is
// down -- are returned as a Status or Result<T> with one code from the short closed set below.
// Programmer errors are assertions. Exceptions thrown by libraries are caught at the layer
// boundary that called the library and turned into a Status. The codes are mapped to CLI exit
// codes in src/cli/cli_support.cpp and to HTTP statuses in the server, each in one place.
#ifndef LDN_CORE_RESULT_H_
#define LDN_CORE_RESULT_H_

#include <cassert>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace ldn {

struct Message;  // core/message.h

// The closed set of failure codes. Add one only when a caller must act differently on it.
enum class Code {
  kOk,
  kInvalidArgument,   // The input is wrong; the message names the field. Retrying will not help.
  kNotFound,          // The thing asked for does not exist (or may not be seen).
  kConflict,          // The request conflicts with stored state (duplicate, stale version).
  kUnauthenticated,   // No valid credentials.
  kPermissionDenied,  // Valid credentials, but not allowed.
  kUnavailable,       // A dependency (database, file system) failed; retrying may help.
  kInternal,          // A bug or broken invariant; reported, never shown as a stack trace.
};

// Short lower-case name of a code ("invalid_argument"), used in JSON errors and logs.
std::string_view CodeName(Code code);

// An outcome with no value. Thread-compatible. Default construction is not allowed so that
// `return {};` cannot be misread as success: say Status::Ok().
class [[nodiscard]] Status {
 public:
  static Status Ok() { return Status(Code::kOk, "", ""); }
  // `field` names the offending input in the caller's terms, e.g. "medications[2].last_taken"
  // or "--protocol"; it may be empty when the input as a whole is wrong (not JSON, empty).
  static Status InvalidArgument(std::string field, std::string message) {
    return Status(Code::kInvalidArgument, std::move(field), std::move(message));
  }
  static Status NotFound(std::string message) { return Status(Code::kNotFound, "", std::move(message)); }
  static Status Conflict(std::string message) { return Status(Code::kConflict, "", std::move(message)); }
  static Status Unauthenticated(std::string message) { return Status(Code::kUnauthenticated, "", std::move(message)); }
  static Status PermissionDenied(std::string message) {
    return Status(Code::kPermissionDenied, "", std::move(message));
  }
  static Status Unavailable(std::string message) { return Status(Code::kUnavailable, "", std::move(message)); }
  static Status Internal(std::string message) { return Status(Code::kInternal, "", std::move(message)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& field() const { return field_; }
  const std::string& message() const { return message_; }

  // "field: message", or just the message when no field is named.
  std::string ToString() const;

  // Returns a copy whose field is `prefix` joined to this field: a nested reader's error
  // "last_taken" becomes "medications[2].last_taken". A field starting with '[' joins without
  // a dot. An empty prefix leaves the field unchanged.
  Status WithFieldPrefix(std::string_view prefix) const;

  // A refusal a patient reads, also as a message-catalog key with its values (core/message.h), so
  // that the web app shows it in the reader's language; message() stays the English (Fill() of
  // it). Returns a copy carrying `text`. text() is null when none was given.
  Status WithText(const Message& text) const;
  const Message* text() const { return text_.get(); }

 private:
  Status(Code code, std::string field, std::string message)
      : code_(code), field_(std::move(field)), message_(std::move(message)) {}
  Code code_;
  std::string field_;
  std::string message_;
  std::shared_ptr<const Message> text_;  // shared: a Status stays cheap to copy
};

// Either a value of T or a non-OK Status; never an OK status without a value.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design, like StatusOr.
  // REQUIRES: !status.ok().
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(v_).ok() && "Result constructed from an OK Status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  // The failure; Status::Ok() when a value is held.
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }

  // REQUIRES: ok().
  T& value() & {
    assert(ok());
    return std::get<T>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<T>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace ldn

// Evaluates `expr` (a Status); returns it from the calling function if it is not OK.
#define LDN_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::ldn::Status ldn_status_ = (expr);        \
    if (!ldn_status_.ok()) return ldn_status_; \
  } while (0)

#define LDN_CONCAT_INNER_(a, b) a##b
#define LDN_CONCAT_(a, b) LDN_CONCAT_INNER_(a, b)
// `LDN_ASSIGN_OR_RETURN(auto x, ResultExpr());` declares x from the value, or returns the status.
#define LDN_ASSIGN_OR_RETURN(lhs, rexpr) LDN_ASSIGN_OR_RETURN_IMPL_(LDN_CONCAT_(ldn_result_, __LINE__), lhs, rexpr)
#define LDN_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                               \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()

#endif  // LDN_CORE_RESULT_H_
