#include "server/http_errors.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace ldn::server {

int HttpStatusFor(Code code) {
  switch (code) {
    case Code::kOk: return 200;
    case Code::kInvalidArgument: return 400;
    case Code::kUnauthenticated: return 401;
    case Code::kPermissionDenied: return 403;
    case Code::kNotFound: return 404;
    case Code::kConflict: return 409;
    case Code::kUnavailable: return 503;
    case Code::kInternal: return 500;
  }
  return 500;
}

std::string ErrorBody(std::string_view code, std::string_view message, std::string_view field, const Message* text) {
  nlohmann::json e = {{"code", code}, {"message", message}, {"field", nullptr}};
  if (!field.empty()) e["field"] = field;
  if (text != nullptr) {
    e["message_key"] = text->key;
    e["vars"] = text->vars.is_object() ? text->vars : nlohmann::json::object();
  }
  // Replace invalid UTF-8 (a message may quote bytes of a malformed request) instead of throwing.
  return nlohmann::json{{"error", e}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

HttpResponse Make(int status, std::string_view code, std::string_view message, std::string_view field,
                  const Message* text = nullptr) {
  HttpResponse r;
  r.status = status;
  r.body = ErrorBody(code, message, field, text);
  return r;
}

}  // namespace

HttpResponse ErrorResponse(const Status& status) {
  return Make(HttpStatusFor(status.code()), CodeName(status.code()), status.message(), status.field(), status.text());
}

HttpResponse BadRequest(std::string message, std::string field) {
  return Make(400, "bad_request", message, field);
}

HttpResponse MethodNotAllowed(std::string_view allowed) {
  HttpResponse r =
      Make(405, "method_not_allowed", fmt::format("method not allowed here; allowed: {}", allowed), "method");
  r.headers.emplace_back("Allow", std::string(allowed));
  return r;
}

HttpResponse RequestTimeout() {
  return Make(408, "request_timeout", "the request was not received in time", "");
}

HttpResponse PayloadTooLarge(size_t limit_bytes) {
  return Make(413, "payload_too_large", fmt::format("the request body exceeds the limit of {} bytes", limit_bytes),
              "body");
}

HttpResponse UnsupportedMediaType(std::string_view expected) {
  return Make(415, "unsupported_media_type", fmt::format("the request body must be {}", expected), "Content-Type");
}

HttpResponse TooManyRequests(std::string message, int retry_after_seconds) {
  HttpResponse r = Make(429, "too_many_requests", message, "");
  r.headers.emplace_back("Retry-After", std::to_string(retry_after_seconds));
  return r;
}

HttpResponse HeaderTooLarge(size_t limit_bytes) {
  return Make(431, "header_too_large", fmt::format("the request headers exceed the limit of {} bytes", limit_bytes),
              "headers");
}

}  // namespace ldn::server
