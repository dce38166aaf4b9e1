#include "core/result.h"

#include "core/message.h"

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
  Status s(code_, std::move(joined), message_);
  s.text_ = text_;
  return s;
}

Status Status::WithText(const Message& text) const {
  Status s = *this;
  s.text_ = std::make_shared<const Message>(text);
  return s;
}

}  // namespace ldn
