#include "server/client_address.h"

#include <algorithm>
#include <cctype>

#include <boost/asio/ip/address.hpp>
#include <fmt/format.h>

namespace ldn::server {
namespace {

namespace ip = boost::asio::ip;

std::optional<ip::address> Parse(std::string_view text) {
  boost::system::error_code ec;
  ip::address a = ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  if (a.is_v6() && a.to_v6().is_v4_mapped()) a = ip::make_address_v4(ip::v4_mapped, a.to_v6());
  return a;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

// An address or a network "addr/bits".
struct Network {
  ip::address address;
  int bits = 0;
};

std::optional<Network> ParseNetwork(std::string_view text) {
  const size_t slash = text.find('/');
  auto a = Parse(text.substr(0, slash));
  if (!a) return std::nullopt;
  const int max = a->is_v4() ? 32 : 128;
  int bits = max;
  if (slash != std::string_view::npos) {
    const std::string b(text.substr(slash + 1));
    if (b.empty() || b.size() > 3 || !std::all_of(b.begin(), b.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return std::nullopt;
    }
    bits = std::stoi(b);
    if (bits > max) return std::nullopt;
  }
  return Network{*a, bits};
}

bool Contains(const Network& n, const ip::address& a) {
  if (n.address.is_v4() != a.is_v4()) return false;
  auto prefix_equal = [&](const auto& x, const auto& y) {
    for (int bit = 0; bit < n.bits; ++bit) {
      const int byte = bit / 8, mask = 0x80 >> (bit % 8);
      if ((x[byte] & mask) != (y[byte] & mask)) return false;
    }
    return true;
  };
  if (a.is_v4()) return prefix_equal(n.address.to_v4().to_bytes(), a.to_v4().to_bytes());
  return prefix_equal(n.address.to_v6().to_bytes(), a.to_v6().to_bytes());
}

bool Trusted(const ProxyOptions& o, const ip::address& a) {
  for (const auto& t : o.trusted_proxies) {
    auto n = ParseNetwork(t);
    if (n && Contains(*n, a)) return true;
  }
  return false;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

std::optional<std::string> CanonicalIp(std::string_view text) {
  std::string t = Trim(text);
  if (!t.empty() && t.front() == '[') {
    const size_t close = t.find(']');
    if (close == std::string::npos) return std::nullopt;
    t = t.substr(1, close - 1);
  } else if (std::count(t.begin(), t.end(), ':') == 1) {
    t = t.substr(0, t.find(':'));  // IPv4 with a port
  }
  auto a = Parse(t);
  if (!a) return std::nullopt;
  return a->to_string();
}

Status CheckProxyOptions(const ProxyOptions& o, std::string_view field) {
  for (const auto& t : o.trusted_proxies) {
    if (!ParseNetwork(t)) {
      return Status::InvalidArgument(std::string(field),
                                     fmt::format("'{}' is not an IP address or network (addr/bits)", t));
    }
  }
  if (o.client_ip_header.empty() || o.client_ip_header.size() > 64) {
    return Status::InvalidArgument("--client-ip-header", "must be a header name of 1-64 characters");
  }
  return Status::Ok();
}

std::string ClientAddress(const HttpRequest& request, const ProxyOptions& o) {
  std::optional<ip::address> peer = Parse(request.remote_address);
  const std::string peer_text = peer ? peer->to_string() : request.remote_address.substr(0, 64);
  if (!peer || o.trusted_proxies.empty() || !Trusted(o, *peer)) return peer_text;
  // Every field of that name, in order, joined as one list (RFC 9110 §5.3).
  const std::string name = Lower(o.client_ip_header);
  std::vector<std::string> entries;
  for (const auto& [k, v] : request.headers) {
    if (k != name) continue;
    size_t i = 0;
    while (i <= v.size()) {
      size_t comma = v.find(',', i);
      if (comma == std::string::npos) comma = v.size();
      entries.push_back(Trim(std::string_view(v).substr(i, comma - i)));
      i = comma + 1;
    }
  }
  std::string client = peer_text;
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    auto canonical = CanonicalIp(*it);
    if (!canonical) break;
    client = *canonical;
    auto a = Parse(*canonical);
    if (!a || !Trusted(o, *a)) break;
  }
  return client;
}

}  // namespace ldn::server
