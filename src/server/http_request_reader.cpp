#include "server/http_request_reader.h"

#include <algorithm>
#include <cctype>
#include <exception>
#include <functional>
#include <stdexcept>
#include <utility>
#include <vector>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include "server/http_errors.h"

namespace ldn::server {

namespace beast = boost::beast;
namespace http = beast::http;

// The Beast parser with the chunk-header callback it holds by reference.
struct RequestReader::Parser {
  http::request_parser<http::string_body> parser;
  std::function<void(std::uint64_t, beast::string_view, beast::error_code&)> on_chunk_header;
  bool extensions_over_limit = false;
};

namespace {

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The comma-separated elements of every field line called `name`, trimmed (empty ones kept so
// that "chunked," is not mistaken for "chunked").
std::vector<std::string_view> ListElements(const http::request<http::string_body>& r, http::field name) {
  std::vector<std::string_view> out;
  for (auto it = r.find(name); it != r.end() && it->name() == name; ++it) {
    std::string_view v(it->value().data(), it->value().size());
    for (;;) {
      const size_t comma = v.find(',');
      out.push_back(TrimOws(v.substr(0, comma)));
      if (comma == std::string_view::npos) break;
      v.remove_prefix(comma + 1);
    }
  }
  return out;
}

size_t CountFields(const http::request<http::string_body>& r, http::field name) {
  return r.count(name);
}

// uri-host [ ":" port ] (RFC 9112 section 3.2, RFC 3986 section 3.2.2), loosely: the characters
// a reg-name, an IP literal or a port may hold. Empty is allowed (a target without authority).
bool IsPlausibleHost(std::string_view v) {
  return std::all_of(v.begin(), v.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || std::string_view("-._~!$&'()*+,;=:%[]").find(c) !=
                                                                    std::string_view::npos;
  });
}

size_t FieldCount(const http::request<http::string_body>& r) {
  return static_cast<size_t>(std::distance(r.begin(), r.end()));
}

}  // namespace

RequestReader::RequestReader(RequestLimits limits) : limits_(limits), parser_(std::make_unique<Parser>()) {
  parser_->parser.header_limit(static_cast<std::uint32_t>(std::min<size_t>(limits_.header_limit, UINT32_MAX)));
  parser_->parser.body_limit(limits_.body_limit);
  Parser* p = parser_.get();
  p->on_chunk_header = [this, p](std::uint64_t, beast::string_view extensions, beast::error_code& ec) {
    // RFC 9112 section 7.1.1: a server ought to limit the total length of chunk extensions. They
    // share the header's budget.
    extension_bytes_ += extensions.size();
    if (header_bytes_ + extension_bytes_ > limits_.header_limit) {
      p->extensions_over_limit = true;
      ec = http::error::header_limit;
    }
  };
  parser_->parser.on_chunk_header(parser_->on_chunk_header);
}

RequestReader::~RequestReader() = default;

bool RequestReader::done() const {
  return !failed_ && parser_->parser.is_done();
}

bool RequestReader::expects_continue() const {
  if (failed_ || !header_checked_ || parser_->parser.is_done()) return false;
  const auto& r = parser_->parser.get();
  return r.version() >= 11 && IEquals(std::string_view(r[http::field::expect]), "100-continue");
}

bool RequestReader::keep_alive() const {
  return parser_->parser.get().keep_alive();
}

std::string RequestReader::method() const {
  if (!parser_->parser.is_header_done()) return "-";
  const auto m = parser_->parser.get().method_string();
  return std::string(m.data(), m.size());
}

void RequestReader::Fail(std::optional<HttpResponse> response) {
  if (failed_) return;
  failed_ = true;
  error_ = std::move(response);
  if (error_) error_->log_route = "-";
}

HttpResponse RequestReader::TrailerTooLarge() const {
  HttpResponse r = HeaderTooLarge(limits_.header_limit);
  r.body = ErrorBody("header_too_large",
                     fmt::format("a chunk-size line or the trailer section exceeds the limit of {} bytes (with the "
                                 "header and the chunk extensions)",
                                 limits_.header_limit),
                     "Transfer-Encoding");
  return r;
}

void RequestReader::CheckHeader() {
  header_checked_ = true;
  header_bytes_ = consumed_;
  // Beast bounds only the part of the header it has not consumed yet: the whole is bounded here.
  if (header_bytes_ > limits_.header_limit) return Fail(HeaderTooLarge(limits_.header_limit));
  const auto& r = parser_->parser.get();
  header_fields_ = FieldCount(r);
  const size_t hosts = CountFields(r, http::field::host);
  if (hosts > 1) return Fail(BadRequest("Host may appear only once", "Host"));
  if (hosts == 0 && r.version() >= 11) return Fail(BadRequest("an HTTP/1.1 request needs a Host header", "Host"));
  if (hosts == 1) {
    const auto v = r[http::field::host];
    if (!IsPlausibleHost(std::string_view(v.data(), v.size()))) {
      return Fail(BadRequest("the Host header is not a host name or address", "Host"));
    }
  }
  if (CountFields(r, http::field::content_length) > 1 || ListElements(r, http::field::content_length).size() > 1) {
    return Fail(BadRequest("Content-Length may appear only once", "Content-Length"));
  }
  if (CountFields(r, http::field::transfer_encoding) > 0) {
    if (r.version() < 11) {
      return Fail(BadRequest("Transfer-Encoding is not allowed in an HTTP/1.0 request", "Transfer-Encoding"));
    }
    if (CountFields(r, http::field::content_length) > 0) {
      return Fail(BadRequest("a request may not have both Content-Length and Transfer-Encoding",
                                 "Transfer-Encoding"));
    }
    const std::vector<std::string_view> codings = ListElements(r, http::field::transfer_encoding);
    if (codings.empty() || !IEquals(codings.back(), "chunked")) {
      return Fail(BadRequest("Transfer-Encoding must end in chunked", "Transfer-Encoding"));
    }
    if (codings.size() != 1) {
      return Fail(BadRequest("the only transfer coding accepted is a single chunked", "Transfer-Encoding"));
    }
  }
}

size_t RequestReader::Feed(std::string_view data) {
  auto& parser = parser_->parser;
  size_t used = 0;
  beast::error_code ec;
  // Beast reports malformed input through `ec` but throws std::length_error for a field value
  // over 64 KiB (which only a trailer can reach: the header is bounded) and could throw
  // std::bad_alloc: none of it may leave the connection.
  try {
    while (!failed_ && !parser.is_done()) {
      const size_t n = parser.put(boost::asio::const_buffer(data.data() + used, data.size() - used), ec);
      used += n;
      consumed_ += n;
      if (ec == http::error::need_more) {
        ec = {};
        break;
      }
      if (ec) break;
      if (parser.is_header_done() && !header_checked_) CheckHeader();
      if (n == 0 || used == data.size()) break;
    }
  } catch (const std::length_error&) {
    Fail(HeaderTooLarge(limits_.header_limit));
    return used;
  } catch (const std::exception& e) {
    Fail(BadRequest(fmt::format("malformed HTTP request: {}", e.what()), "request"));
    return used;
  }
  if (failed_) return used;
  if (ec) {
    if (ec == http::error::body_limit) {
      Fail(PayloadTooLarge(limits_.body_limit));
    } else if (ec == http::error::header_limit) {
      Fail(parser_->extensions_over_limit
                   ? BadRequest(fmt::format("chunk extensions and headers exceed the limit of {} bytes",
                                            limits_.header_limit),
                                "Transfer-Encoding")
                   : HeaderTooLarge(limits_.header_limit));
    } else {
      Fail(BadRequest("malformed HTTP request: " + ec.message(), "request"));
    }
    return used;
  }
  if (parser.is_done()) {
    // Trailer fields would be merged into the header after it was checked and after a handler
    // might already have trusted it: refused -- as too large when, with the header and the chunk
    // extensions, they pass the header limit.
    const auto& r = parser.get();
    if (FieldCount(r) != header_fields_) {
      size_t trailer_bytes = 0;
      auto it = r.begin();
      std::advance(it, static_cast<std::ptrdiff_t>(header_fields_));
      for (; it != r.end(); ++it) trailer_bytes += it->name_string().size() + it->value().size() + 4;
      if (header_bytes_ + extension_bytes_ + trailer_bytes > limits_.header_limit) {
        Fail(TrailerTooLarge());
      } else {
        Fail(BadRequest("trailer fields are not accepted", "trailer"));
      }
    }
    return used;
  }
  if (!header_checked_ && consumed_ + (data.size() - used) >= limits_.header_limit) {
    // The header so far (consumed by Beast field by field, or still unread) reaches the limit.
    Fail(HeaderTooLarge(limits_.header_limit));
    return used;
  }
  // What the parser left unused is a part it needs whole: the header, a chunk-size line with its
  // extensions, or the trailer section. None may reach the header limit.
  if (data.size() - used >= limits_.header_limit) {
    Fail(TrailerTooLarge());
  } else if (consumed_ > limits_.header_limit + 2 * limits_.body_limit) {
    // Chunk framing (sizes, line ends) is bounded too: at most the body's size again.
    Fail(PayloadTooLarge(limits_.body_limit));
  }
  return used;
}

void RequestReader::FeedEof() {
  if (failed_ || parser_->parser.is_done()) return;
  // The request was cut short (or never began): the peer has gone, nothing to answer.
  Fail(std::nullopt);
}

HttpRequest RequestReader::TakeRequest(std::string remote_address) {
  auto& r = parser_->parser.get();
  HttpRequest req;
  req.method = std::string(r.method_string());
  req.target = std::string(r.target());
  for (const auto& f : r) {
    std::string name(f.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    req.headers.emplace_back(std::move(name), std::string(f.value()));
  }
  req.body = std::move(r.body());
  req.remote_address = std::move(remote_address);
  return req;
}

}  // namespace ldn::server
