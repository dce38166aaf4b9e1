// Errors on the wire: every error the server sends is JSON
//   {"error": {"code": "...", "message": "...", "field": "..." | null}}
// with a 4xx status for anything the client can fix, and a 5xx only for a failure of ours or of a
// dependency (kInternal, kUnavailable). The mapping from Status codes to HTTP statuses lives here
// and nowhere else (CONTRIBUTING.md: "codes are mapped once per door").
#ifndef LDN_SERVER_HTTP_ERRORS_H_
#define LDN_SERVER_HTTP_ERRORS_H_

#include <string>
#include <string_view>

#include "core/message.h"
#include "core/result.h"
#include "server/http_types.h"

namespace ldn::server {

// The one place a Status code becomes an HTTP status:
//   kOk 200, kInvalidArgument 400, kUnauthenticated 401, kPermissionDenied 403, kNotFound 404,
//   kConflict 409, kInternal 500, kUnavailable 503.
int HttpStatusFor(Code code);

// The JSON error document; `field` empty gives "field": null. With `text` (a refusal a patient
// reads, Status::text()), also "message_key" and "vars" (core/message.h), which the web app
// shows in the reader's language; "message" stays the English.
std::string ErrorBody(std::string_view code, std::string_view message, std::string_view field,
                      const Message* text = nullptr);

// An error response for a non-OK `status`: HttpStatusFor(status.code()), code CodeName(),
// the status's message and field. REQUIRES: !status.ok().
HttpResponse ErrorResponse(const Status& status);

// Errors of the HTTP protocol itself, which no domain Status describes. Each has its own status
// and code name; the field names the part of the request at fault ("body", "Content-Type").
HttpResponse BadRequest(std::string message, std::string field);             // 400 "bad_request"
HttpResponse MethodNotAllowed(std::string_view allowed);                     // 405, Allow header
HttpResponse RequestTimeout();                                               // 408 "request_timeout"
HttpResponse PayloadTooLarge(size_t limit_bytes);                            // 413, field "body"
HttpResponse UnsupportedMediaType(std::string_view expected);                // 415, "Content-Type"
HttpResponse TooManyRequests(std::string message, int retry_after_seconds);  // 429, Retry-After
HttpResponse HeaderTooLarge(size_t limit_bytes);                             // 431, field "headers"

}  // namespace ldn::server

#endif  // LDN_SERVER_HTTP_ERRORS_H_
