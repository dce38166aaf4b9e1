// The HTTP/1.1 transport: Boost.Beast with C++20 coroutines (asio::awaitable).
//
// Each connection is one coroutine on its own strand; the io_context runs on `threads` threads.
// A request is read whole (with size limits and timeouts), handed to the RequestHandler as an
// HttpRequest, and its HttpResponse written back with the security headers added once the
// handler responds (the coroutine waits for that without holding a thread). Keep-alive and
// pipelining are supported. Limits and timeouts answer with a JSON error (http_errors.h) and close
// the connection: 413 for a body over body_limit, 431 for headers over header_limit, 400 for a
// malformed request, 408 for a request not received within request_timeout.
//
// Graceful shutdown (Shutdown(), or SIGINT/SIGTERM when handle_signals is set): the listening
// socket is closed at once; connections waiting for the first byte of a new request are closed;
// a request of which any byte has arrived is read, handled and answered (with Connection: close);
// then the threads return. A connection still busy after shutdown_grace is cut.
#ifndef LDN_SERVER_HTTP_SERVER_H_
#define LDN_SERVER_HTTP_SERVER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "server/http_types.h"
#include "server/json_log.h"

namespace ldn::server {

struct HttpServerOptions {
  std::string bind_address = "127.0.0.1";    // an IPv4 or IPv6 address literal
  uint16_t port = 8080;                      // 0 picks a free port (see HttpServer::port())
  int threads = 4;                           // io_context threads; handlers run on them
  size_t body_limit = 1 << 20;               // bytes; a larger body gets 413
  size_t header_limit = 16 * 1024;           // bytes of request line and headers; larger gets 431
  std::chrono::seconds request_timeout{30};  // first byte to complete request
  std::chrono::seconds idle_timeout{60};     // keep-alive wait for the next request
  std::chrono::seconds write_timeout{30};    // writing one response
  std::chrono::seconds shutdown_grace{30};   // how long in-flight requests may take after Shutdown()
  bool handle_signals = false;               // SIGINT and SIGTERM call Shutdown()
};

// The application: answers a request by calling the Responder exactly once, before returning or
// later from any thread; meanwhile the connection waits without holding a server thread. Called
// concurrently from several threads; must be thread-safe and must not throw (an exception is
// logged and answered with a 500).
using RequestHandler = std::function<void(const HttpRequest&, Responder)>;

// The security headers added to every response (Content-Security-Policy, X-Content-Type-Options,
// Referrer-Policy, X-Frame-Options), and Cache-Control: no-store unless the response sets its own.
const std::vector<std::pair<std::string, std::string>>& SecurityHeaders();

// Thread-safe: Shutdown() may be called from any thread; the others from the owning thread.
class HttpServer {
 public:
  // `log` receives one "request" line per response and lifecycle lines; it must outlive the server.
  HttpServer(HttpServerOptions options, RequestHandler handler, JsonLog* log);
  ~HttpServer();  // Shutdown() and Wait()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the threads; returns once connections are being accepted.
  // Fails with kInvalidArgument ("bind") for an address that is not an IP literal, kUnavailable
  // when the address or port cannot be bound. REQUIRES: called once.
  Status Start();
  // The bound port (the real one when options.port was 0). REQUIRES: Start() succeeded.
  uint16_t port() const { return port_; }
  // Begins a graceful shutdown (see the file comment). Idempotent; returns at once.
  void Shutdown();
  // Blocks until every connection has finished and the threads have returned.
  void Wait();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
  uint16_t port_ = 0;
};

}  // namespace ldn::server

#endif  // LDN_SERVER_HTTP_SERVER_H_
