// A real server for integration tests: an SQLite file in a fresh temporary directory, the Api,
// and the HTTP transport on a free loopback port, with one account per role and two patients:
// patient A (user "pat", in care team A with "doc" and "pharm") and patient B (user "pat2", in
// care team B with "doc2"). The clock is a settable test clock. Accounts of the roles that need
// two-step login (clinician, pharmacist, admin) are created with TOTP already set up with a known
// secret, and Login() answers the second step with the code of the test clock's time.
//
// With LDN_TEST_SERVER_DB=postgresql the store is PostgreSQL instead ($LDN_TEST_POSTGRES_URL, else
// "postgresql://", i.e. the PG* variables that `pg_virtualenv` exports), its schema emptied for
// each fixture: ctest server_postgres runs the authentication, session, raw-socket, authorization
// matrix and malformed-request suites so (tests/CMakeLists.txt). One fixture at a time.
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
#include <pqxx/pqxx>

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
// The key that seals TOTP secrets in the fixture's server, and the secret every enrolled test
// account has (20 bytes, as authenticator apps use).
inline constexpr char kTestTotpKey[] = "fixture-key-32-bytes-long-......";
inline std::vector<uint8_t> TestTotpSecret() {
  const std::string s = "fixture-totp-secret!";
  return std::vector<uint8_t>(s.begin(), s.end());
}

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
    if (api_options.totp_key.empty()) api_options.totp_key = kTestTotpKey;
    // Real Argon2id at libsodium's minimum cost: the accounts of every fixture are hashed and
    // logged in, and at the INTERACTIVE cost that was most of the server suites' time (auth.h).
    // AuthTest checks the production cost; ApiTest.DefaultOptionsHashPasswordsAtTheInteractiveCost
    // that `ldn serve` uses it.
    api_options.password_cost = server::PasswordCost::kTestMinimum;
    totp_key_ = api_options.totp_key;
    auto st = store::OpenStore(store_url.empty() ? FreshStoreUrl() : store_url);
    EXPECT_TRUE(st.ok()) << st.status().ToString();
    store_ = std::move(st).value();
    if (api_options.web_root.empty()) api_options.web_root = dir_.path() / "web";
    // A local port where nothing listens (9, discard): a push subscription there is accepted and a
    // message to it fails at once (connection refused), with no network.
    if (api_options.push_extra_origins.empty()) api_options.push_extra_origins = {"http://127.0.0.1:9"};
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

  // The store of a fresh fixture: an SQLite file in its directory, or an emptied PostgreSQL
  // schema (LDN_TEST_SERVER_DB=postgresql, above).
  std::string FreshStoreUrl() {
    const char* db = std::getenv("LDN_TEST_SERVER_DB");
    if (db == nullptr || std::string(db) != "postgresql") return "sqlite:" + (dir_.path() / "test.db").string();
    const char* env = std::getenv("LDN_TEST_POSTGRES_URL");
    const std::string url = env != nullptr && *env != '\0' ? env : "postgresql://";
    try {
      pqxx::connection c(url);
      pqxx::nontransaction w(c);
      w.exec("SET client_min_messages TO warning; DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public");
    } catch (const std::exception& e) {
      ADD_FAILURE() << "PostgreSQL is not reachable at " << url << " (" << e.what()
                    << "): run under `pg_virtualenv -v 15` (ctest server_postgres does)";
    }
    return url;
  }

  uint16_t port() const { return server_->port(); }
  store::Store& store() { return *store_; }
  server::Api& api() { return *api_; }
  TestClock& clock() { return clock_; }
  const std::filesystem::path& dir() const { return dir_.path(); }

  // Creates a user (and for a patient a new patient record named `display_name`). A role that
  // needs two-step login gets TOTP with TestTotpSecret() unless `enrol_totp` is false.
  store::User AddUser(const std::string& username, store::Role role, const std::string& display_name = "",
                      bool enrol_totp = true) {
    server::NewAccount a;
    a.username = username;
    a.role = role;
    a.password = kTestPassword;
    if (role == store::Role::kPatient) a.new_patient = server::NewPatient{display_name, "Europe/Oslo"};
    auto u = server::CreateAccount(*store_, a, clock_.Now(), api_->options().password_cost);
    EXPECT_TRUE(u.ok()) << u.status().ToString();
    if (u.ok() && enrol_totp && server::TotpRequired(role)) EnrolTotp(u->id);
    return u.ok() ? *u : store::User{};
  }

  // Sets up TOTP with TestTotpSecret() for a user, as a confirmed enrolment would.
  void EnrolTotp(store::Id user_id) {
    auto sealer = server::SecretSealer::WithKey(totp_key_);
    ASSERT_TRUE(sealer.ok());
    ASSERT_TRUE(store_->SetPendingTotp(user_id, sealer->Seal(TestTotpSecret(), user_id)).ok());
    ASSERT_TRUE(store_->EnableTotp(user_id, clock_.Now(), 0).ok());
  }

  // A TOTP code of TestTotpSecret() that the server will accept for `username` now: of a time step
  // (now -1, now, now +1) not used before by this fixture; when all three are, the clock moves on
  // 30 seconds. Codes are good once (RFC 6238 §5.2).
  std::string NextTotpCode(const std::string& username) {
    for (;;) {
      const int64_t now = server::TotpStep(clock_.Now().time_since_epoch().count());
      int64_t& last = last_totp_step_[username];
      for (int64_t step = now - 1; step <= now + 1; ++step) {
        if (step > last) {
          last = step;
          return server::TotpCode(TestTotpSecret(), step);
        }
      }
      clock_.Advance(std::chrono::seconds(server::kTotpPeriodSeconds));
    }
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

  // SeedCareTeam, then the clinician's screening and a planned course (protocol ldnrt-standard,
  // first dose on `start`) through the API, as a clinic starts a patient; course_id is 0 when
  // either was refused (the failure is reported).
  struct CourseSeed : CareTeamSeed {
    store::Id course_id = 0;
  };
  // A gate finding overridden with a reason, as a clinician may (docs/safety.md).
  static nlohmann::json OverrideFinding(const std::string& code) {
    return {{"code", code}, {"reason", "Discussed with the patient; see the consultation note of today."}};
  }
  // An active course for `patient_id` from `start`, made by the clinician `doc_token` with the
  // screening and baseline findings overridden; its id.
  int64_t ActiveCourse(store::Id patient_id, const std::string& doc_token, const std::string& start) {
    const nlohmann::json overrides = {OverrideFinding("screening.missing"), OverrideFinding("start.before_baseline")};
    const std::string p = "/api/v1/patients/" + std::to_string(patient_id);
    TestResponse r = Send(
        "POST", p + "/courses",
        nlohmann::json{{"protocol", "ldnrt-standard"}, {"start", start}, {"overrides", overrides}}.dump(), doc_token);
    EXPECT_EQ(r.status, 201) << r.body;
    if (r.status != 201) return 0;
    const int64_t id = r.Json()["id"];
    r = Send("PUT", p + "/courses/" + std::to_string(id) + "/status",
             nlohmann::json{{"status", "active"}, {"overrides", overrides}}.dump(), doc_token);
    EXPECT_EQ(r.status, 200) << r.body;
    return id;
  }

  CourseSeed SeedCareTeamWithCourse(const std::string& patient_name, const std::string& start = "2026-12-06") {
    CourseSeed out;
    static_cast<CareTeamSeed&>(out) = SeedCareTeam(patient_name);
    const std::string p = "/api/v1/patients/" + std::to_string(out.patient_id);
    const TestResponse screened = Send("POST", p + "/screenings", "{}", out.doc);
    EXPECT_EQ(screened.status, 201) << screened.body;
    const TestResponse course =
        Send("POST", p + "/courses", nlohmann::json{{"protocol", "ldnrt-standard"}, {"start", start}}.dump(), out.doc);
    EXPECT_EQ(course.status, 201) << course.body;
    if (screened.status == 201 && course.status == 201) out.course_id = course.Json()["id"].get<store::Id>();
    return out;
  }

  // POST /api/v1/session, with the second step when the server asks for a TOTP code; returns
  // the account with its tokens (empty on failure).
  Account Login(const std::string& username, const std::string& password = kTestPassword) {
    nlohmann::json body = {{"username", username}, {"password", password}};
    TestResponse r = Send("POST", "/api/v1/session", body.dump());
    const nlohmann::json first = r.Json();
    if (r.status == 401 && first.is_object() && first.contains("error") && first["error"]["field"] == "totp_code") {
      body["totp_code"] = NextTotpCode(username);
      r = Send("POST", "/api/v1/session", body.dump());
    }
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
  std::string totp_key_;
  std::map<std::string, int64_t> last_totp_step_;
  server::JsonLog log_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<server::Api> api_;
  std::unique_ptr<server::HttpServer> server_;
};

}  // namespace ldn::testing

#endif  // LDN_TESTS_SERVER_SERVER_FIXTURE_H_
