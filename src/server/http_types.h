// The server's own view of one HTTP exchange, independent of Boost.Beast: the transport
// (http_server.h) turns bytes into an HttpRequest and an HttpResponse back into bytes; everything
// above it (router, static files, API handlers) sees only these two plain structs.
#ifndef LDN_SERVER_HTTP_TYPES_H_
#define LDN_SERVER_HTTP_TYPES_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ldn::server {

// One request as received. Value type.
struct HttpRequest {
  std::string method;  // "GET", "PUT", ... as sent (upper case for valid requests)
  std::string target;  // the raw request target, "/api/v1/me?x=1"
  // Header fields in arrival order; names lower-cased, values as sent.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string remote_address;  // the peer's IP address in text form

  // The value of the first header called `name` (lower case), or std::nullopt.
  std::optional<std::string_view> Header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
      if (k == name) return std::string_view(v);
    }
    return std::nullopt;
  }
};

// One response to send. Value type. The transport adds Content-Length, the security headers
// (SecurityHeaders() in http_server.h) and Connection.
struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra fields (Set-Cookie, ETag, ...)
  // For HEAD: the body is not sent but Content-Length is that of the GET body.
  bool head_only = false;

  // Log fields set by the layer that handled the request (never the body, never a secret):
  std::string log_route;    // the route template ("/api/v1/patients/{id}/diary/{date}") or "static"
  std::string log_user_id;  // the authenticated user's id, empty when anonymous
};

// Delivers the answer to one request. Called exactly once, from any thread (an answer may wait
// for a durable commit on another thread); the request it answers stays valid until then.
using Responder = std::function<void(HttpResponse)>;

}  // namespace ldn::server

#endif  // LDN_SERVER_HTTP_TYPES_H_
