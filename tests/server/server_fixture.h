// A real server for integration tests: an SQLite file in a fresh temporary directory, the Api,
// and the HTTP transport on a free loopback port, with one account per role and two patients:
// patient A (user "pat", in care team A with "doc" and "pharm") and patient B (user "pat2", in
// care team B with "doc2"). The clock is a settable test clock.
#ifndef LDN_TESTS_SERVER_SERVER_FIXTURE_H_
#define LDN_TESTS_SERVER_SERVER_FIXTURE_H_

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "core/calendar.h"
#include "core/clock.h"
#include "http_test_client.h"
#include "server/accounts.h"
#include "server/api.h"
#include "server/http_server.h"
#include "server/json_log.h"
#include "store/store.h"

namespace ldn::testing {

// A Clock tests can move. Thread-safe.
class TestClock final : public Clock {
 public:
  explicit TestClock(std::chrono::sys_seconds t) : t_(t.time_since_epoch().count()) {}
  std::chrono::sys_seconds Now() const override { return std::chrono::sys_seconds(std::chrono::seconds(t_.load())); }
  void Advance(std::chrono::seconds d) { t_ += d.count(); }

 private:
  std::atomic<int64_t> t_;
};

inline std::chrono::sys_seconds TestNow() {
  return *ParseUtcInstant("2026-11-22T12:00:00Z", "now");
}

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ldn-server-test-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline constexpr char kTestPassword[] = "correct horse battery";

struct Account {
  store::Id user_id = 0;
  std::string username;
  store::Role role = store::Role::kPatient;
  std::string token;
  std::string csrf;
};

class ServerFixture {
 public:
  // `log_file` receives the server's JSON-lines log (nullptr: discarded). `store_url`: the
  // database (default: a fresh SQLite file; a PostgreSQL URL must name an empty database).
  explicit ServerFixture(server::ApiOptions api_options = {}, server::HttpServerOptions http = {},
                         std::FILE* log_file = nullptr, std::string store_url = "")
      : clock_(TestNow()), log_(log_file) {
    if (store_url.empty()) store_url = "sqlite:" + (dir_.path() / "test.db").string();
    auto st = store::OpenStore(store_url);
    EXPECT_TRUE(st.ok()) << st.status().ToString();
    store_ = std::move(st).value();
    if (api_options.web_root.empty()) api_options.web_root = dir_.path() / "web";
    auto api = server::Api::Create(*store_, clock_, log_, api_options);
    EXPECT_TRUE(api.ok());
    api_ = std::move(api).value();
    http.port = 0;
    http.threads = 2;
    server_ = std::make_unique<server::HttpServer>(
        http, [this](const server::HttpRequest& r, server::Responder respond) { api_->Handle(r, std::move(respond)); },
        &log_);
    const Status started = server_->Start();
    EXPECT_TRUE(started.ok()) << started.ToString();
  }
  ~ServerFixture() {
    server_->Shutdown();
    server_->Wait();
  }

  uint16_t port() const { return server_->port(); }
  store::Store& store() { return *store_; }
  server::Api& api() { return *api_; }
  TestClock& clock() { return clock_; }
  const std::filesystem::path& dir() const { return dir_.path(); }

  // Creates a user (and for a patient a new patient record named `display_name`).
  store::User AddUser(const std::string& username, store::Role role, const std::string& display_name = "") {
    server::NewAccount a;
    a.username = username;
    a.role = role;
    a.password = kTestPassword;
    if (role == store::Role::kPatient) a.new_patient = server::NewPatient{display_name, "Europe/Oslo"};
    auto u = server::CreateAccount(*store_, a, clock_.Now());
    EXPECT_TRUE(u.ok()) << u.status().ToString();
    return u.ok() ? *u : store::User{};
  }

  // A care team with a clinician "doc", a pharmacist "pharm" and a patient "pat" (a new patient
  // record named `patient_name`), each logged in.
  struct CareTeamSeed {
    store::Id patient_id = 0;
    std::string doc, pharm, pat;  // session tokens (empty when a login failed)
  };
  CareTeamSeed SeedCareTeam(const std::string& patient_name) {
    const auto now = clock_.Now();
    const store::User doc = AddUser("doc", store::Role::kClinician);
    const store::User pharm = AddUser("pharm", store::Role::kPharmacist);
    const store::User pat = AddUser("pat", store::Role::kPatient, patient_name);
    auto team = store_->CreateCareTeam({0, "Team", now});
    EXPECT_TRUE(team.ok());
    CareTeamSeed seed;
    if (!team.ok() || !pat.patient_id) return seed;
    EXPECT_TRUE(store_->AddCareTeamMember(team->id, doc.id, now).ok());
    EXPECT_TRUE(store_->AddCareTeamMember(team->id, pharm.id, now).ok());
    EXPECT_TRUE(store_->AddCareTeamPatient(team->id, *pat.patient_id, now).ok());
    seed.patient_id = *pat.patient_id;
    seed.doc = Login("doc").token;
    seed.pharm = Login("pharm").token;
    seed.pat = Login("pat").token;
    return seed;
  }

  // POST /api/v1/session; returns the account with its tokens (empty on failure).
  Account Login(const std::string& username, const std::string& password = kTestPassword) {
    const nlohmann::json body = {{"username", username}, {"password", password}};
    const TestResponse r = Send("POST", "/api/v1/session", body.dump());
    Account a;
    a.username = username;
    if (r.status != 201) return a;
    const auto j = r.Json();
    a.user_id = j["user_id"].get<store::Id>();
    a.role = *store::ParseRole(j["role"].get<std::string>(), "role");
    a.token = j["token"];
    a.csrf = j["csrf_token"];
    return a;
  }

  // A request with a Bearer token (when non-empty) and a JSON body (when non-empty).
  TestResponse Send(const std::string& method, const std::string& target, const std::string& body = "",
                    const std::string& token = "", std::vector<std::pair<std::string, std::string>> headers = {}) {
    if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    return SendRaw(port(), BuildRequest(method, target, body, headers));
  }

 private:
  TempDir dir_;
  TestClock clock_;
  server::JsonLog log_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<server::Api> api_;
  std::unique_ptr<server::HttpServer> server_;
};

}  // namespace ldn::testing

#endif  // LDN_TESTS_SERVER_SERVER_FIXTURE_H_
