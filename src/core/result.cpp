#include "core/result.h"

namespace ldn {

std::string_view CodeName(Code code) {
  switch (code) {
    case Code::kOk: return "ok";
    case Code::kInvalidArgument: return "invalid_argument";
    case Code::kNotFound: return "not_found";
    case Code::kConflict: return "conflict";
    case Code::kUnauthenticated: return "unauthenticated";
    case Code::kPermissionDenied: return "permission_denied";
    case Code::kUnavailable: return "unavailable";
    case Code::kInternal: return "internal";
  }
  return "internal";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  if (field_.empty()) return message_;
  return field_ + ": " + message_;
}

Status Status::WithFieldPrefix(std::string_view prefix) const {
  if (prefix.empty() || ok()) return *this;
  std::string joined(prefix);
  if (!field_.empty()) {
    if (field_.front() != '[') joined += '.';
    joined += field_;
  }
  return Status(code_, std::move(joined), message_);
}

}  // namespace ldn
