// Reading one HTTP/1.1 request out of a byte stream, without a socket: the transport
// (http_server.cpp) feeds it what it reads, and the fuzz target (fuzz/http_request_fuzz.cpp)
// feeds it what the fuzzer makes. Boost.Beast's parser does the parsing; this class bounds what
// the parser leaves unbounded and refuses what the parser accepts but a server must not:
//
//   - Memory: bytes the parser cannot consume yet (the request line and headers, a chunk-size
//     line with its extensions, a trailer section) may not reach header_limit: 431 beyond. Body
//     bytes are consumed as they come, up to body_limit (413 beyond).
//   - Chunk framing: chunk extensions count against header_limit together with the header
//     (431 beyond); trailer fields are refused (400); a whole request may not take more than
//     header_limit + 2 * body_limit bytes on the wire (413 beyond).
//   - Request smuggling (RFC 9112 sections 3.2, 6.1, 6.3): a Transfer-Encoding other than exactly
//     "chunked", Transfer-Encoding in an HTTP/1.0 request, Transfer-Encoding together with
//     Content-Length, Content-Length given more than once, and a missing or repeated Host (Host
//     is required from HTTP/1.1 on) are each a 400.
//   - Exceptions: nothing thrown by the parser (Beast throws std::length_error for a field value
//     over 64 KiB) leaves Feed(); it becomes a 400 or 431.
// Every refusal ends the connection: after an error the rest of the stream cannot be framed.
#ifndef LDN_SERVER_HTTP_REQUEST_READER_H_
#define LDN_SERVER_HTTP_REQUEST_READER_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "server/http_types.h"

namespace ldn::server {

struct RequestLimits {
  size_t header_limit = 16 * 1024;  // bytes: request line and headers; also chunk extensions and framing
  size_t body_limit = 1 << 20;      // bytes of the decoded body
};

// Not thread-safe; one per request (a new one for the next request on a keep-alive connection).
class RequestReader {
 public:
  explicit RequestReader(RequestLimits limits);
  ~RequestReader();
  RequestReader(const RequestReader&) = delete;
  RequestReader& operator=(const RequestReader&) = delete;

  // Parses as much of `data` as it can and returns how many bytes it used. The caller keeps the
  // unused rest and offers it again, with whatever arrives after it, on the next call; when
  // done(), the rest belongs to the next request. Never throws. REQUIRES: !done() && !failed().
  size_t Feed(std::string_view data);
  // The peer closed its sending side. A request cut short becomes failed() with no answer.
  void FeedEof();
  // Makes the reader fail with `response` (the transport's own refusals: a timeout), or with no
  // answer (std::nullopt: the connection broke).
  void Fail(std::optional<HttpResponse> response);

  bool done() const;
  bool failed() const { return failed_; }
  // True once the header has been read (and accepted) while the body is still to come and the
  // client asked for "Expect: 100-continue".
  bool expects_continue() const;
  // The answer to a failed request, or std::nullopt when it deserves none (the peer left).
  // REQUIRES: failed().
  const std::optional<HttpResponse>& error() const { return error_; }
  // Whether the connection may carry another request after this one. REQUIRES: done().
  bool keep_alive() const;
  // The method as sent, "-" before the request line has been read.
  std::string method() const;
  // The request. REQUIRES: done(); call once.
  HttpRequest TakeRequest(std::string remote_address);

 private:
  struct Parser;
  void CheckHeader();
  HttpResponse TrailerTooLarge() const;  // 431 naming Transfer-Encoding

  RequestLimits limits_;
  std::unique_ptr<Parser> parser_;
  bool header_checked_ = false;
  bool failed_ = false;
  std::optional<HttpResponse> error_;
  size_t consumed_ = 0;         // bytes of this request used so far
  size_t header_bytes_ = 0;     // bytes of the request line and headers
  size_t extension_bytes_ = 0;  // bytes of chunk extensions so far
  size_t header_fields_ = 0;    // fields in the header (more at the end are trailer fields)
};

}  // namespace ldn::server

#endif  // LDN_SERVER_HTTP_REQUEST_READER_H_
