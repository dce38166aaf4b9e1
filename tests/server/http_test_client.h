// A deliberately raw HTTP/1.1 client for the server's tests: it sends exactly the bytes it is
// given (so malformed requests reach the server unchanged) over a fresh loopback connection and
// reads the response until the server closes or the Content-Length is complete.
#ifndef LDN_TESTS_SERVER_HTTP_TEST_CLIENT_H_
#define LDN_TESTS_SERVER_HTTP_TEST_CLIENT_H_

#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <nlohmann/json.hpp>
#include <poll.h>

namespace ldn::testing {

struct TestResponse {
  int status = 0;                                   // 0: no response could be read
  std::multimap<std::string, std::string> headers;  // names lower-cased
  std::string body;

  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
  nlohmann::json Json() const { return nlohmann::json::parse(body, nullptr, false); }
};

// One TCP connection to 127.0.0.1:port.
class TestConnection {
 public:
  explicit TestConnection(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
    int one = 1;
    if (fd_ >= 0) ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~TestConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  TestConnection(const TestConnection&) = delete;
  TestConnection& operator=(const TestConnection&) = delete;

  bool ok() const { return fd_ >= 0; }

  // Sends all of `data`; false when the server has closed (a write error is not fatal: the server
  // may answer early, e.g. 413, and close while we are still sending).
  bool Send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads one response (waiting at most timeout_ms for each chunk).
  TestResponse Read(int timeout_ms = 10000) {
    TestResponse r;
    size_t header_end = std::string::npos;
    std::optional<size_t> content_length;
    for (;;) {
      if (header_end == std::string::npos) {
        header_end = buffer_.find("\r\n\r\n");
        if (header_end != std::string::npos) ParseHead(buffer_.substr(0, header_end), r, content_length);
      }
      if (header_end != std::string::npos) {
        const size_t body_start = header_end + 4;
        if (r.status == 304 || r.status == 204 || (content_length && buffer_.size() >= body_start + *content_length)) {
          const size_t len = content_length.value_or(0);
          r.body = buffer_.substr(body_start, len);
          buffer_.erase(0, body_start + len);
          return r;
        }
      }
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, timeout_ms) <= 0) break;
      char chunk[65536];
      const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) break;
      buffer_.append(chunk, static_cast<size_t>(n));
    }
    if (header_end != std::string::npos) {
      r.body = buffer_.substr(header_end + 4);
      buffer_.clear();
    } else {
      r.status = 0;
    }
    return r;
  }

  // True when the server has closed the connection (EOF within timeout_ms).
  bool ClosedByPeer(int timeout_ms = 5000) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return false;
    char c;
    return ::recv(fd_, &c, 1, MSG_PEEK) <= 0;
  }

 private:
  static void ParseHead(const std::string& head, TestResponse& r, std::optional<size_t>& content_length) {
    size_t line_end = head.find("\r\n");
    const std::string status_line = head.substr(0, line_end);
    if (status_line.size() >= 12 && status_line.rfind("HTTP/1.", 0) == 0)
      r.status = std::stoi(status_line.substr(9, 3));
    size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      size_t end = head.find("\r\n", pos);
      if (end == std::string::npos) end = head.size();
      const std::string line = head.substr(pos, end - pos);
      const size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        if (name == "content-length") content_length = static_cast<size_t>(std::stoull(value));
        r.headers.emplace(name, value);
      }
      pos = end + 2;
    }
  }

  int fd_ = -1;
  std::string buffer_;
};

// Builds a request. `headers` are added as given; Host, Content-Length (when there is a body or
// the method is POST/PUT/PATCH) and Connection: close are added unless `raw` is set.
inline std::string BuildRequest(const std::string& method, const std::string& target, const std::string& body = "",
                                const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  return req + "\r\n" + body;
}

// Sends `raw` on a fresh connection and reads one response.
inline TestResponse SendRaw(uint16_t port, const std::string& raw) {
  TestConnection c(port);
  if (!c.ok()) return {};
  c.Send(raw);
  return c.Read();
}

}  // namespace ldn::testing

#endif  // LDN_TESTS_SERVER_HTTP_TEST_CLIENT_H_
