// The route table of the API and the matching of a request path against it.
//
// Every route declares, besides its method and path pattern, WHO may call it (an Access
// descriptor): whether it needs a session, which roles are allowed, and whether it is scoped to
// one patient (the path has {patient_id} and the caller must be able to see that patient). The
// dispatcher (api.h) enforces the descriptor before the handler runs, so a handler never decides
// authorization on its own, and tests iterate over the table (the authorization matrix, the
// OpenAPI document) so that a new route cannot be forgotten.
#ifndef LDN_SERVER_ROUTER_H_
#define LDN_SERVER_ROUTER_H_

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "store/store.h"

namespace ldn::server {

struct RequestContext;  // api.h

// Who may call a route. kUnspecified is the default so that a route added without a descriptor
// is refused by the dispatcher (500, logged) and fails RouteTableTest.
enum class Audience { kUnspecified, kPublic, kAuthenticated };

struct Access {
  Audience audience = Audience::kUnspecified;
  // Roles allowed (kAuthenticated only; must be non-empty). Another role gets 403.
  std::set<store::Role> roles;
  // The path has {patient_id}; the caller must see that patient (Store::CanSeePatient), else 404
  // "no such patient" -- the same answer as for a patient that does not exist.
  bool patient_scoped = false;
  // Audit action written for every call, allowed or refused ("diary.read"). Required for
  // patient-scoped routes; optional for others (account administration sets it too).
  std::string audit_action;
  // The audit event's object in place of the request's path, for a path that holds a secret (the
  // calendar feed's token): empty, the path.
  std::string audit_object;
  // How a call with an unsafe method (POST, PUT, PATCH, DELETE) and an audit action runs. false
  // (the default): its handler runs inside one store transaction together with the audit event
  // of its success, so a change is acknowledged only with its audit event and neither is ever
  // stored without the other; a handler that fails has all its writes undone (its refusal is then
  // audited on its own). true: the handler runs outside any transaction and its event is appended
  // after it, as for reads -- for handlers whose writes must stay when they fail (a failed login
  // is counted), that do slow work the database's single writer must not wait for (Argon2id
  // password hashing), or that store nothing.
  bool audit_apart = false;
  // The handler runs on the server's worker pool, not on an I/O thread: for Argon2id hashing
  // (worker_pool.h). Such a handler may block (it may wait for the store).
  bool on_worker_pool = false;
  // Open to a session whose account is still being set up (a forced password change or a TOTP
  // enrolment pending, api.h Principal::setup_step); every other authenticated route answers such
  // a session 403 until the step is done.
  bool during_setup = false;
};

// A successful handler result: the status (2xx) and a JSON body, or a non-JSON body (PDF).
struct ApiReply {
  int status = 200;
  nlohmann::json body = nlohmann::json::object();
  std::string content_type = "application/json";
  std::string raw_body;  // used instead of `body` when content_type is not JSON
  std::vector<std::pair<std::string, std::string>> headers;
};

using Handler = std::function<Result<ApiReply>(RequestContext&)>;

struct Route {
  std::string method;   // "GET", "POST", "PUT", "PATCH", "DELETE"
  std::string pattern;  // "/api/v1/patients/{patient_id}/diary/{date}"; a segment is literal or {name}
  Access access;
  Handler handler;
  std::string summary;             // one line, for the OpenAPI document
  std::string request_schema;      // a JSON Schema of the body as JSON text, empty when no body
  std::vector<std::string> query;  // query parameters accepted (others are 400)
};

// Path segments of a pattern or a path: "/a/{b}/c" -> {"a", "{b}", "c"}. An empty path is {}.
std::vector<std::string> SplitPath(std::string_view path);

// The routes of the API, matched in order. Thread-safe once built (read-only).
class RouteTable {
 public:
  void Add(Route route) {
    patterns_.push_back(SplitPath(route.pattern));
    routes_.push_back(std::move(route));
  }
  const std::vector<Route>& routes() const { return routes_; }

  struct Match {
    const Route* route = nullptr;               // nullptr when no route has this path
    std::map<std::string, std::string> params;  // {name} -> decoded segment
    std::vector<std::string> allowed_methods;   // when the path matched but not the method
  };
  // Matches decoded path segments against every pattern; a literal segment matches exactly, a
  // {name} segment matches any non-empty segment.
  Match Find(std::string_view method, const std::vector<std::string>& segments) const;

 private:
  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> patterns_;  // routes_[i].pattern split once, at Add
};

}  // namespace ldn::server

#endif  // LDN_SERVER_ROUTER_H_
