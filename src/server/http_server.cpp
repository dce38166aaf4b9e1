#include "server/http_server.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <exception>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "server/http_errors.h"
#include "server/http_request_reader.h"

namespace ldn::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

const std::vector<std::pair<std::string, std::string>>& SecurityHeaders() {
  static const auto* headers = new std::vector<std::pair<std::string, std::string>>{
      {"Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"X-Frame-Options", "DENY"},
  };
  return *headers;
}

namespace {

constexpr auto kToken = asio::as_tuple(asio::use_awaitable);

// One accepted connection. Its members are read and written only on the connection's strand
// (the stream's executor): `idle` is true while waiting for the first byte of a request; the
// watchdog bounds the time from that byte to the complete request.
struct Connection {
  explicit Connection(tcp::socket s) : stream(std::move(s)), watchdog(stream.get_executor()) {}
  beast::tcp_stream stream;
  asio::steady_timer watchdog;
  bool idle = false;
  bool reading = false;      // a request is being read (the watchdog is armed)
  bool timed_out = false;    // the watchdog fired while reading
  uint64_t generation = 0;   // requests begun, so that a stale watchdog expiry is ignored
};

// Bytes asked of the socket per read.
constexpr size_t kReadSize = 16 * 1024;

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

http::response<http::string_body> ToBeastResponse(HttpResponse& res, bool keep_alive) {
  http::response<http::string_body> r;
  r.version(11);
  r.result(static_cast<unsigned>(res.status));
  bool has_cache_control = false;
  for (const auto& [k, v] : SecurityHeaders()) r.set(k, v);
  for (const auto& [k, v] : res.headers) {
    if (IEquals(k, "Cache-Control")) has_cache_control = true;
    r.insert(k, v);
  }
  if (!has_cache_control) r.set(http::field::cache_control, "no-store");
  if (!res.content_type.empty()) r.set(http::field::content_type, res.content_type);
  r.keep_alive(keep_alive);
  if (res.head_only) {
    r.content_length(res.body.size());
  } else {
    r.body() = std::move(res.body);
    r.prepare_payload();
  }
  return r;
}

}  // namespace

class HttpServer::Impl {
 public:
  Impl(HttpServerOptions options, RequestHandler handler, JsonLog* log)
      : options_(std::move(options)),
        handler_(std::move(handler)),
        log_(log),
        acceptor_strand_(asio::make_strand(ioc_)),
        acceptor_(acceptor_strand_),
        timer_strand_(asio::make_strand(ioc_)),
        deadline_(timer_strand_),
        signals_(acceptor_strand_) {}

  Result<uint16_t> Start() {
    beast::error_code ec;
    const auto address = asio::ip::make_address(options_.bind_address, ec);
    if (ec) return Status::InvalidArgument("bind", "'" + options_.bind_address + "' is not an IP address");
    const tcp::endpoint endpoint(address, options_.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return Status::Unavailable("cannot listen on " + options_.bind_address + ":" + std::to_string(options_.port) +
                                 ": " + ec.message());
    }
    const uint16_t port = acceptor_.local_endpoint().port();
    if (options_.handle_signals) {
      signals_.add(SIGINT);
      signals_.add(SIGTERM);
      signals_.async_wait([this](const beast::error_code& e, int signo) {
        if (e) return;
        log_->Info("signal", {{"signal", signo == SIGTERM ? "SIGTERM" : "SIGINT"}});
        Shutdown();
      });
    }
    asio::co_spawn(acceptor_strand_, Listen(), asio::detached);
    const int n = std::max(1, options_.threads);
    for (int i = 0; i < n; ++i) threads_.emplace_back([this] { Run(); });
    return port;
  }

  void Shutdown() {
    if (stopping_.exchange(true)) return;
    log_->Info("shutdown", {{"phase", "begin"}});
    asio::post(acceptor_strand_, [this] {
      beast::error_code ec;
      acceptor_.close(ec);
      signals_.cancel(ec);
    });
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& c : connections_) {
        asio::post(c->stream.get_executor(), [c] {
          if (c->idle) c->stream.cancel();
        });
      }
    }
    asio::post(timer_strand_, [this] {
      if (drained_) return;
      deadline_.expires_after(options_.shutdown_grace);
      deadline_.async_wait([this](const beast::error_code& ec) {
        if (ec) return;
        log_->Warn("shutdown", {{"phase", "grace period over; closing busy connections"}});
        ioc_.stop();
      });
    });
    CheckDrained();
  }

  void Wait() {
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
    threads_.clear();
  }

 private:
  void Run() {
    for (;;) {
      try {
        ioc_.run();
        return;
      } catch (const std::exception& e) {
        // A handler threw past its own guard: log it and keep serving.
        log_->Error("io_thread_exception", {{"what", e.what()}});
      }
    }
  }

  void CheckDrained() {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_ || !connections_.empty()) return;
    asio::post(timer_strand_, [this] {
      drained_ = true;
      deadline_.cancel();
    });
  }

  asio::awaitable<void> Listen() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(ioc_), kToken);
      if (stopping_ || ec == asio::error::operation_aborted) break;
      if (ec) {
        log_->Warn("accept_failed", {{"error", ec.message()}});
        // Out of descriptors and the like: back off briefly rather than spin.
        asio::steady_timer t(acceptor_strand_, std::chrono::milliseconds(50));
        co_await t.async_wait(kToken);
        continue;
      }
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      auto conn = std::make_shared<Connection>(std::move(socket));
      {
        std::lock_guard<std::mutex> lock(mu_);
        connections_.insert(conn);
      }
      asio::co_spawn(conn->stream.get_executor(), Serve(conn), [this, conn](std::exception_ptr e) {
        if (e) {
          try {
            std::rethrow_exception(e);
          } catch (const std::exception& ex) {
            log_->Error("connection_exception", {{"what", ex.what()}});
          }
        }
        {
          std::lock_guard<std::mutex> lock(mu_);
          connections_.erase(conn);
        }
        CheckDrained();
      });
    }
  }

  // Runs the handler and waits, without holding a thread, until it responds. The answer goes to
  // the io_context (alive: the waiting timer keeps it running), then to the connection's strand,
  // where it wakes the waiting coroutine by cancelling its timer. A Responder copy that lives on
  // in another thread (the store's committer) holds no executor, so dropping it after the server
  // has stopped releases nothing of the io_context.
  asio::awaitable<HttpResponse> Call(const HttpRequest& req) {
    auto executor = co_await asio::this_coro::executor;
    struct Slot {
      explicit Slot(const asio::any_io_executor& ex) : timer(ex, asio::steady_timer::time_point::max()) {}
      asio::steady_timer timer;
      std::optional<HttpResponse> response;
    };
    auto slot = std::make_shared<Slot>(executor);
    auto answered = std::make_shared<std::atomic<bool>>(false);
    Responder respond = [this, answered, weak = std::weak_ptr<Slot>(slot)](HttpResponse r) {
      if (answered->exchange(true)) {
        log_->Error("handler_answered_twice", {});
        return;
      }
      asio::post(ioc_, [weak, r = std::move(r)]() mutable {
        auto s = weak.lock();
        if (!s) return;
        asio::dispatch(s->timer.get_executor(), [s, r = std::move(r)]() mutable {
          s->response = std::move(r);
          s->timer.cancel();
        });
      });
    };
    try {
      handler_(req, respond);
    } catch (const std::exception& e) {
      log_->Error("handler_exception", {{"what", e.what()}});
      respond(ErrorResponse(Status::Internal("internal error")));
    } catch (...) {
      log_->Error("handler_exception", {{"what", "unknown"}});
      respond(ErrorResponse(Status::Internal("internal error")));
    }
    while (!slot->response) co_await slot->timer.async_wait(kToken);
    co_return std::move(*slot->response);
  }

  void LogRequest(std::string_view method, const HttpResponse& res, Clock::time_point start) {
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    nlohmann::json f = {{"method", method},
                        {"route", res.log_route.empty() ? "-" : res.log_route},
                        {"status", res.status},
                        {"duration_ms", std::round(ms * 1000.0) / 1000.0}};
    if (!res.log_user_id.empty()) f["user_id"] = res.log_user_id;
    log_->Info("request", f);
  }

  // Arms the watchdog for the request that has just begun: when it fires before StopWatchdog(),
  // the pending read is cancelled (the socket stays open) and the request is answered with 408.
  void StartWatchdog(const std::shared_ptr<Connection>& conn) {
    const uint64_t generation = ++conn->generation;
    conn->reading = true;
    conn->timed_out = false;
    conn->watchdog.expires_after(options_.request_timeout);
    conn->watchdog.async_wait([conn, generation](const beast::error_code& ec) {
      if (ec || !conn->reading || conn->generation != generation) return;
      conn->timed_out = true;
      beast::error_code ignored;
      conn->stream.socket().cancel(ignored);
    });
  }

  void StopWatchdog(const std::shared_ptr<Connection>& conn) {
    conn->reading = false;
    conn->watchdog.cancel();
  }

  // The connection boundary: whatever one connection throws ends that connection (logged), never
  // the I/O loop or another connection.
  asio::awaitable<void> Serve(std::shared_ptr<Connection> conn) {
    try {
      co_await ServeRequests(conn);
    } catch (const std::exception& e) {
      log_->Error("connection_exception", {{"what", e.what()}});
    } catch (...) {
      log_->Error("connection_exception", {{"what", "unknown"}});
    }
    conn->reading = false;
    conn->watchdog.cancel();
    conn->stream.close();  // the socket and the stream's own timer
  }

  asio::awaitable<void> ServeRequests(std::shared_ptr<Connection> conn) {
    auto& stream = conn->stream;
    beast::flat_buffer buffer;
    std::string remote;
    {
      beast::error_code ec;
      const auto ep = stream.socket().remote_endpoint(ec);
      if (!ec) remote = ep.address().to_string();
    }
    const RequestLimits limits{options_.header_limit, options_.body_limit};
    bool lingering_close = false;
    for (;;) {
      if (buffer.size() == 0) {
        // Idle: wait for the first byte of the next request. Shutdown() cancels this wait; an idle
        // keep-alive connection is closed without an answer when idle_timeout passes.
        conn->idle = true;
        if (stopping_) break;
        stream.expires_after(options_.idle_timeout);
        auto [ec, n] = co_await stream.async_read_some(buffer.prepare(kReadSize), kToken);
        conn->idle = false;
        if (ec) break;
        buffer.commit(n);
      }
      const auto start = Clock::now();
      // From the first byte the watchdog, not the stream's own timeout (which closes the socket),
      // bounds the request, so that a 408 can still be written.
      stream.expires_never();
      StartWatchdog(conn);
      RequestReader reader(limits);
      bool sent_continue = false;
      for (;;) {
        const auto data = buffer.data();
        buffer.consume(reader.Feed(std::string_view(static_cast<const char*>(data.data()), data.size())));
        if (reader.done() || reader.failed()) break;
        if (reader.expects_continue() && !sent_continue) {
          sent_continue = true;
          http::response<http::empty_body> cont{http::status::continue_, 11};
          auto [wec, wn] = co_await http::async_write(stream, cont, kToken);
          if (wec) {
            reader.Fail(conn->timed_out ? std::optional<HttpResponse>(RequestTimeout()) : std::nullopt);
            break;
          }
        }
        // The reader has used everything it can; the buffer holds less than the header limit.
        auto [rec, rn] = co_await stream.async_read_some(buffer.prepare(kReadSize), kToken);
        if (rec) {
          if (conn->timed_out) {
            reader.Fail(RequestTimeout());
          } else if (rec == asio::error::eof) {
            reader.FeedEof();
          } else {
            reader.Fail(std::nullopt);  // reset or aborted: nobody to answer
          }
          break;
        }
        buffer.commit(rn);
      }
      StopWatchdog(conn);
      HttpResponse res;
      bool keep_alive = false;
      std::string method = reader.method();
      if (reader.failed()) {
        if (!reader.error()) break;
        res = *reader.error();
        lingering_close = true;
      } else {
        HttpRequest req = reader.TakeRequest(remote);
        res = co_await Call(req);
        keep_alive = reader.keep_alive() && !stopping_;
      }
      auto out = ToBeastResponse(res, keep_alive);
      stream.expires_after(options_.write_timeout);
      auto [wec, wn] = co_await http::async_write(stream, out, kToken);
      LogRequest(method, res, start);
      if (wec || !keep_alive) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    if (lingering_close) {
      // After an error answer the client may still be sending (a body over the limit): read and
      // discard for a moment so that closing does not reset the connection before it reads ours.
      std::size_t drained = 0;
      stream.expires_after(std::chrono::seconds(2));
      while (drained < 8 * options_.body_limit) {
        buffer.consume(buffer.size());
        auto [rec, rn] = co_await stream.async_read_some(buffer.prepare(65536), kToken);
        if (rec) break;
        drained += rn;
      }
    }
  }

  HttpServerOptions options_;
  RequestHandler handler_;
  JsonLog* log_;
  asio::io_context ioc_;
  asio::strand<asio::io_context::executor_type> acceptor_strand_;
  tcp::acceptor acceptor_;
  asio::strand<asio::io_context::executor_type> timer_strand_;
  asio::steady_timer deadline_;
  asio::signal_set signals_;
  std::atomic<bool> stopping_{false};
  bool drained_ = false;  // on timer_strand_
  std::mutex mu_;
  std::set<std::shared_ptr<Connection>> connections_;  // guarded by mu_
  std::vector<std::thread> threads_;
};

HttpServer::HttpServer(HttpServerOptions options, RequestHandler handler, JsonLog* log)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler), log)) {}

HttpServer::~HttpServer() {
  Shutdown();
  Wait();
}

Status HttpServer::Start() {
  auto port = impl_->Start();
  if (!port.ok()) return port.status();
  port_ = *port;
  return Status::Ok();
}

void HttpServer::Shutdown() {
  impl_->Shutdown();
}

void HttpServer::Wait() {
  impl_->Wait();
}

}  // namespace ldn::server
