#include "server/client_address.h"

#include <gtest/gtest.h>

namespace ldn::server {
namespace {

HttpRequest From(std::string peer, std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpRequest r;
  r.remote_address = std::move(peer);
  r.headers = std::move(headers);
  return r;
}

TEST(ClientAddressTest, WithoutATrustedProxyThePeerCounts) {
  ProxyOptions none;
  EXPECT_EQ(ClientAddress(From("192.0.2.7", {{"x-forwarded-for", "203.0.113.9"}}), none), "192.0.2.7");
  ProxyOptions other;
  other.trusted_proxies = {"10.0.0.1"};
  // The header is believed only from the proxy itself: anyone else could send it.
  EXPECT_EQ(ClientAddress(From("192.0.2.7", {{"x-forwarded-for", "203.0.113.9"}}), other), "192.0.2.7");
}

TEST(ClientAddressTest, BehindATrustedProxyTheRightmostUntrustedEntryCounts) {
  ProxyOptions o;
  o.trusted_proxies = {"127.0.0.1", "10.1.0.0/16"};
  EXPECT_EQ(ClientAddress(From("127.0.0.1", {{"x-forwarded-for", "203.0.113.9"}}), o), "203.0.113.9");
  // A client-supplied entry on the left is ignored: nginx appends the real peer on the right.
  EXPECT_EQ(ClientAddress(From("127.0.0.1", {{"x-forwarded-for", "1.2.3.4, 203.0.113.9"}}), o), "203.0.113.9");
  // A chain of trusted proxies is walked through.
  EXPECT_EQ(ClientAddress(From("127.0.0.1", {{"x-forwarded-for", "198.51.100.3, 10.1.2.3"}}), o), "198.51.100.3");
  // Several fields are one list; IPv6 is canonicalised; an IPv4-mapped address is IPv4.
  EXPECT_EQ(ClientAddress(From("127.0.0.1", {{"x-forwarded-for", "1.1.1.1"}, {"x-forwarded-for", "2001:DB8::1"}}), o),
            "2001:db8::1");
  EXPECT_EQ(ClientAddress(From("::ffff:127.0.0.1", {{"x-forwarded-for", "::ffff:198.51.100.4"}}), o),
            "198.51.100.4");
  // Garbage stops the walk: the proxy's own address is used, never the garbage.
  EXPECT_EQ(ClientAddress(From("127.0.0.1", {{"x-forwarded-for", "1.2.3.4, not-an-ip"}}), o), "127.0.0.1");
  // No header: the proxy.
  EXPECT_EQ(ClientAddress(From("127.0.0.1"), o), "127.0.0.1");
  // Another header name.
  o.client_ip_header = "X-Real-IP";
  EXPECT_EQ(ClientAddress(From("127.0.0.1", {{"x-real-ip", "[2001:db8::2]:443"}}), o), "2001:db8::2");
}

TEST(ClientAddressTest, ProxyEntriesAreChecked) {
  ProxyOptions o;
  o.trusted_proxies = {"127.0.0.1", "fd00::/8", "10.0.0.0/8"};
  EXPECT_TRUE(CheckProxyOptions(o, "--trusted-proxy").ok());
  o.trusted_proxies = {"proxy.example"};
  EXPECT_EQ(CheckProxyOptions(o, "--trusted-proxy").field(), "--trusted-proxy");
  o.trusted_proxies = {"10.0.0.0/33"};
  EXPECT_FALSE(CheckProxyOptions(o, "--trusted-proxy").ok());
  EXPECT_EQ(CanonicalIp("1.2.3.4:8080"), "1.2.3.4");
  EXPECT_EQ(CanonicalIp("1.2.3"), std::nullopt);
}

}  // namespace
}  // namespace ldn::server
