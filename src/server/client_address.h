// The client's address for throttling, logs and the audit trail, also behind a reverse proxy.
//
// Behind a TLS-terminating proxy (docs/operations.md) every TCP peer is the proxy, so throttling
// keyed on the peer would make one attacker's failures everyone's (issue 17, H3). The proxy
// passes the real client in a header (nginx: `proxy_set_header X-Forwarded-For
// $proxy_add_x_forwarded_for`); that header is believed only when the TCP peer is a configured
// trusted proxy, since anyone else can send it.
#ifndef LDN_SERVER_CLIENT_ADDRESS_H_
#define LDN_SERVER_CLIENT_ADDRESS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "server/http_types.h"

namespace ldn::server {

struct ProxyOptions {
  // Addresses ("127.0.0.1", "::1") or networks ("10.0.0.0/8", "fd00::/8") of the proxies whose
  // client-address header is believed. Empty: the header is never believed.
  std::vector<std::string> trusted_proxies;
  // The header (any case) that carries the client address: a comma-separated list of addresses,
  // the nearest proxy's peer last (X-Forwarded-For; X-Real-IP is a list of one).
  std::string client_ip_header = "x-forwarded-for";
};

// Checks every trusted proxy entry; kInvalidArgument naming `field` for one that is not an IP
// address or network.
Status CheckProxyOptions(const ProxyOptions& options, std::string_view field);

// The client's address in canonical text form. Without a trusted proxy, the TCP peer. When the
// peer is a trusted proxy and the request carries the header: the right-most address in it that
// is not itself a trusted proxy (addresses further left were written by the client and could be
// forged). A malformed entry stops the walk there: the last address read is used (the peer when
// there is none).
std::string ClientAddress(const HttpRequest& request, const ProxyOptions& options);

// `text` as a canonical IP address ("::ffff:1.2.3.4" -> "1.2.3.4"; "[::1]" and "1.2.3.4:80"
// lose their brackets and port), or nullopt.
std::optional<std::string> CanonicalIp(std::string_view text);

}  // namespace ldn::server

#endif  // LDN_SERVER_CLIENT_ADDRESS_H_
