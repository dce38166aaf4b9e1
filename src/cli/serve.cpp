// `ldn serve`, `ldn user add`, `ldn careteam add|list`: running the HTTP server and managing the
// accounts and care teams it serves. docs/operations.md (configuration, logs, shutdown) and
// docs/api.md (the API).
#include <sys/stat.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/cli_support.h"
#include "clinical/screening/knowledge_base.h"
#include "server/accounts.h"
#include "server/auth.h"
#include "server/json_log.h"
#include "server/server.h"
#include "store/store.h"

namespace ldn::cli {
namespace {

// Opens the store named by --db (or $LDN_DB, else sqlite:ldn.db); the store's "url" is "--db".
Result<std::unique_ptr<store::Store>> Open(const std::string& db) {
  auto opened = store::OpenStore(db.empty() ? store::DefaultStoreUrl() : db);
  if (!opened.ok() && opened.status().field() == "url")
    return Status::InvalidArgument("--db", opened.status().message());
  return opened;
}

struct ServeFlags {
  std::string db;
  std::string research_db;
  std::optional<int> port;
  std::string bind;
  std::string web;
  std::optional<int> threads;
  bool demo = false;
  std::vector<std::string> trusted_proxies;
  std::string client_ip_header;
  bool behind_https = false;
  bool plain_http = false;
  std::string key_file;
  std::optional<int> password_workers;
  bool test_fixed_clock = false;  // accept LDN_NOW (tests only)
  std::string jurisdiction;
  std::optional<int> push_check_seconds;
  std::vector<std::string> push_origins;
  std::string push_contact;
};

int Serve(const ServeFlags& f, const Context& ctx) {
  // Health data: every file the server creates (the database, its WAL and SHM) is the owner's
  // alone. The store creates them 0600 anyway; the umask covers anything else.
  ::umask(077);
  server::ServerConfig config;
  config.api.web_root = server::DefaultWebRoot();
  Status env = server::ApplyEnvironment(config);
  if (!env.ok()) return ReportError("serve", env);
  if (!f.db.empty()) config.db_url = f.db;
  if (!f.research_db.empty()) config.research_db_url = f.research_db;
  if (f.port) {
    if (*f.port < 0 || *f.port > 65535)
      return ReportError("serve", Status::InvalidArgument("--port", "must be 0-65535"));
    config.http.port = static_cast<uint16_t>(*f.port);
  }
  if (!f.bind.empty()) config.http.bind_address = f.bind;
  if (!f.web.empty()) config.api.web_root = f.web;
  if (f.threads) {
    if (*f.threads < 1 || *f.threads > 256)
      return ReportError("serve", Status::InvalidArgument("--threads", "must be 1-256"));
    config.http.threads = *f.threads;
  }
  config.demo = f.demo;
  // A server whose clock stands still never expires a session, never locks an account out for
  // long and never moves a patient's diary to the next day (issue 17, L9): LDN_NOW is for the
  // CLI's reproducible output, and for a server only when a test asks for it by name.
  if (!ctx.fixed_now.empty() && !f.test_fixed_clock) {
    return ReportError("serve", Status::InvalidArgument(
                                    "LDN_NOW", "would fix the server's clock at " + ctx.fixed_now +
                                                   " (sessions and lockouts would never expire); unset it, or pass "
                                                   "--test-fixed-clock to run a test server"));
  }
  if (!f.trusted_proxies.empty()) config.api.proxy.trusted_proxies = f.trusted_proxies;
  if (!f.client_ip_header.empty()) config.api.proxy.client_ip_header = f.client_ip_header;
  if (f.behind_https && f.plain_http) {
    return ReportError("serve", Status::InvalidArgument("--behind-https", "conflicts with --plain-http"));
  }
  if (f.behind_https) config.behind_https = true;
  if (f.plain_http) config.behind_https = false;
  if (!f.key_file.empty()) config.key_file = f.key_file;
  if (f.password_workers) {
    if (*f.password_workers < 1 || *f.password_workers > 64)
      return ReportError("serve", Status::InvalidArgument("--password-workers", "must be 1-64"));
    config.api.password_workers = *f.password_workers;
  }
  if (!f.jurisdiction.empty()) {
    auto kb = clinical::DrugKnowledgeBase::Embedded();
    if (!kb.ok()) return ReportError("serve", kb.status());
    const clinical::Jurisdiction* j = (*kb)->FindJurisdiction(f.jurisdiction);
    if (j == nullptr) {
      std::string known;
      for (const clinical::Jurisdiction& x : (*kb)->jurisdictions()) known += (known.empty() ? "" : ", ") + x.id;
      return ReportError(
          "serve", Status::InvalidArgument("--jurisdiction",
                                           fmt::format("unknown jurisdiction '{}'; known: {}", f.jurisdiction, known)));
    }
    config.api.jurisdiction = j->id;
  }
  if (f.push_check_seconds) {
    if (*f.push_check_seconds < 0 || *f.push_check_seconds > 3600)
      return ReportError("serve", Status::InvalidArgument("--push-check-seconds", "must be 0 (off) to 3600"));
    config.push_check_interval = std::chrono::seconds(*f.push_check_seconds);
    if (*f.push_check_seconds == 0) config.api.push_enabled = false;
  }
  for (const std::string& o : f.push_origins) {
    if (!(o.starts_with("http://") || o.starts_with("https://")) ||
        o.find('/', o.find("://") + 3) != std::string::npos) {
      return ReportError("serve",
                         Status::InvalidArgument("--push-origin",
                                                 "must be an origin such as https://push.example.org:8443 (no path)"));
    }
    config.api.push_extra_origins.push_back(o);
  }
  if (!f.push_contact.empty()) {
    if (!(f.push_contact.starts_with("mailto:") || f.push_contact.starts_with("https://")))
      return ReportError(
          "serve", Status::InvalidArgument("--push-contact", "must be a mailto: or https: URL (RFC 8292 section 2.1)"));
    config.api.push.subject = f.push_contact;
  }
  server::JsonLog log(stderr);
  if (!ctx.fixed_now.empty()) {
    log.Warn("fixed_clock", {{"now", ctx.fixed_now},
                             {"message",
                              "LDN_NOW fixes the clock (--test-fixed-clock): for tests only, never for "
                              "patients"}});
    std::cout << "ldn serve: WARNING: the clock is fixed at " << ctx.fixed_now
              << " by LDN_NOW (--test-fixed-clock): a test server, not for patients\n";
  }
  Status s = server::RunServer(config, *ctx.clock, std::cout, log);
  if (!s.ok()) return ReportError("serve", s);
  return kExitOk;
}

struct UserFlags {
  std::string db;
  std::string role;
  std::string username;
  bool password_stdin = false;
  std::string display_name;
  std::string time_zone = "UTC";
  std::optional<int64_t> patient_id;
  bool must_change_password = false;
  bool json = false;
};

int AddUser(const UserFlags& f, const Context& ctx) {
  ::umask(077);  // may create the database
  if (!f.password_stdin) {
    return ReportError("user add", Status::InvalidArgument("--password-stdin",
                                                           "is required: the password is read from standard input "
                                                           "(never from the command line)"));
  }
  Status crypto = server::InitCrypto();
  if (!crypto.ok()) return ReportError("user add", crypto);
  std::string password;
  std::getline(std::cin, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  server::NewAccount a;
  a.username = f.username;
  auto role = store::ParseRole(f.role, "--role");
  if (!role.ok()) return ReportError("user add", role.status());
  a.role = *role;
  a.password = password;
  a.must_change_password = f.must_change_password;
  if (a.role == store::Role::kPatient) {
    if (f.patient_id) {
      a.patient_id = *f.patient_id;
    } else {
      a.new_patient = server::NewPatient{f.display_name.empty() ? f.username : f.display_name, f.time_zone};
    }
  } else if (f.patient_id || !f.display_name.empty()) {
    return ReportError("user add", Status::InvalidArgument("--patient-id", "only a patient user has a patient record"));
  }
  auto st = Open(f.db);
  if (!st.ok()) return ReportError("user add", st.status());
  auto user = server::CreateAccount(**st, a, ctx.clock->Now());
  if (!user.ok()) {
    Status s = user.status();
    if (s.field() == "password") s = Status::InvalidArgument("--password-stdin", s.message());
    if (s.field() == "time_zone") s = Status::InvalidArgument("--time-zone", s.message());
    if (s.field() == "username") s = Status::InvalidArgument("--username", s.message());
    if (s.field() == "display_name") s = Status::InvalidArgument("--display-name", s.message());
    if (s.field() == "patient_id" || (f.patient_id && s.code() == Code::kNotFound)) {
      s = Status::InvalidArgument("--patient-id", s.message());
    }
    return ReportError("user add", s);
  }
  if (f.json) {
    PrintJson({{"user_id", user->id},
               {"username", user->username},
               {"role", store::RoleName(user->role)},
               {"patient_id", user->patient_id ? nlohmann::json(*user->patient_id) : nlohmann::json()}});
  } else {
    std::cout << fmt::format("created {} user '{}' (id {}){}\n", store::RoleName(user->role), user->username, user->id,
                             user->patient_id ? fmt::format(", patient id {}", *user->patient_id) : "");
  }
  return kExitOk;
}

struct TeamFlags {
  std::string db;
  std::string name;
  std::vector<std::string> members;  // usernames
  std::vector<int64_t> patients;     // patient ids
  bool json = false;
};

int AddTeam(const TeamFlags& f, const Context& ctx) {
  ::umask(077);  // may create the database
  auto st = Open(f.db);
  if (!st.ok()) return ReportError("careteam add", st.status());
  store::Store& s = **st;
  const store::Instant now = ctx.clock->Now();
  store::CareTeam created;
  Status done = s.RunInTransaction([&](store::Store& tx) -> Status {
    store::CareTeam t;
    t.name = f.name;
    t.created_at = now;
    auto team = tx.CreateCareTeam(t);
    if (!team.ok())
      return team.status().field() == "name" ? Status::InvalidArgument("--name", team.status().message())
                                             : team.status();
    created = *team;
    for (const std::string& username : f.members) {
      auto u = tx.GetUserByUsername(username);
      if (!u.ok()) return Status::InvalidArgument("--member", fmt::format("no user '{}'", username));
      Status added = tx.AddCareTeamMember(team->id, u->id, now);
      if (!added.ok()) return Status::InvalidArgument("--member", fmt::format("'{}': {}", username, added.message()));
    }
    for (int64_t patient : f.patients) {
      Status added = tx.AddCareTeamPatient(team->id, patient, now);
      if (!added.ok()) return Status::InvalidArgument("--patient", fmt::format("{}: {}", patient, added.message()));
    }
    return Status::Ok();
  });
  if (!done.ok()) return ReportError("careteam add", done);
  if (f.json) {
    PrintJson({{"care_team_id", created.id}, {"name", created.name}, {"members", f.members}, {"patients", f.patients}});
  } else {
    std::cout << fmt::format("created care team '{}' (id {}) with {} member(s) and {} patient(s)\n", created.name,
                             created.id, f.members.size(), f.patients.size());
  }
  return kExitOk;
}

int ListTeams(const std::string& db, bool json) {
  auto st = Open(db);
  if (!st.ok()) return ReportError("careteam list", st.status());
  auto teams = (*st)->ListCareTeams();
  if (!teams.ok()) return ReportError("careteam list", teams.status());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& t : *teams) {
    auto members = (*st)->ListCareTeamMembers(t.id);
    auto patients = (*st)->ListCareTeamPatients(t.id);
    if (!members.ok()) return ReportError("careteam list", members.status());
    if (!patients.ok()) return ReportError("careteam list", patients.status());
    nlohmann::json m = nlohmann::json::array();
    for (const auto& x : *members) m.push_back(x.user_id);
    nlohmann::json p = nlohmann::json::array();
    for (const auto& x : *patients) p.push_back(x.id);
    out.push_back({{"id", t.id}, {"name", t.name}, {"member_user_ids", m}, {"patient_ids", p}});
  }
  if (json) {
    PrintJson({{"care_teams", out}});
  } else {
    for (const auto& t : out) {
      std::cout << fmt::format("{:>4}  {}  members {}  patients {}\n", t["id"].get<int64_t>(),
                               t["name"].get<std::string>(), t["member_user_ids"].dump(), t["patient_ids"].dump());
    }
  }
  return kExitOk;
}

}  // namespace

void AddServerCommands(CLI::App& app, Context& ctx) {
  auto serve = std::make_shared<ServeFlags>();
  CLI::App* s = app.add_subcommand(
      "serve",
      "Serve the HTTP JSON API (/api/v1) and the web front end until SIGTERM or SIGINT. Configuration by flags or "
      "the environment (LDN_DB, LDN_PORT, LDN_BIND, LDN_WEB, LDN_THREADS, ...; docs/operations.md). JSON-lines logs "
      "go to standard error.");
  s->add_option("--db", serve->db, "database: sqlite:PATH or postgresql://... (default $LDN_DB, else sqlite:ldn.db)");
  s->add_option("--research-db", serve->research_db,
                "read-only PostgreSQL URL (a streaming replica) that the research summary reads from (default "
                "$LDN_RESEARCH_DB, else --db)");
  s->add_option("--port", serve->port, "TCP port (default $LDN_PORT, else 8080; 0 picks a free port)");
  s->add_option("--bind", serve->bind, "address to listen on (default $LDN_BIND, else 127.0.0.1)");
  s->add_option("--web", serve->web,
                "directory of the web front end (default $LDN_WEB, else ./web, else share/ldn/web beside the "
                "binary's directory: /usr/share/ldn/web when installed)");
  s->add_option("--threads", serve->threads, "server threads (default $LDN_THREADS, else 4)");
  s->add_flag("--demo", serve->demo,
              "seed demo accounts and patients into an empty database (refused for a database with other accounts) "
              "and print the demo logins");
  s->add_option("--trusted-proxy", serve->trusted_proxies,
                "address or network (addr/bits) of a reverse proxy whose client-address header is believed "
                "(repeatable; default $LDN_TRUSTED_PROXY, else none)");
  s->add_option("--client-ip-header", serve->client_ip_header,
                "the header a trusted proxy puts the client address in (default X-Forwarded-For)");
  s->add_flag("--behind-https", serve->behind_https,
              "clients reach the server over HTTPS (a TLS proxy): Secure __Host- cookies and HSTS (default: on "
              "when --trusted-proxy is given; $LDN_BEHIND_HTTPS)");
  s->add_flag("--plain-http", serve->plain_http, "clients reach the server over plain HTTP (turns --behind-https off)");
  s->add_option("--key-file", serve->key_file,
                "file with the key that seals TOTP secrets, created (mode 0600) when missing (default: the SQLite "
                "database's path + .key, else ./ldn-totp.key; $LDN_KEY_FILE). Back it up apart from the database.");
  s->add_option("--password-workers", serve->password_workers,
                "threads hashing passwords, apart from the I/O threads (default: half the cores, at least 1)");
  s->add_flag("--test-fixed-clock", serve->test_fixed_clock,
              "tests only: accept LDN_NOW, which fixes the server's clock (refused without this flag)");
  s->add_option("--jurisdiction", serve->jurisdiction,
                "the clinic's market for screening label rules when a request names none (us, ca, uk, eu, dk, au, "
                "...; data/jurisdictions.json); default: none, the most restrictive rule applies");
  s->add_option("--push-check-seconds", serve->push_check_seconds,
                "how often due push reminders are sent (default 60; 0 turns Web Push reminders off)");
  s->add_option("--push-origin", serve->push_origins,
                "also accept push subscriptions whose endpoint has this origin (repeatable; tests and private "
                "push services: by default only the browsers' push services over HTTPS)");
  s->add_option("--push-contact", serve->push_contact,
                "how push services reach the operator: a mailto: or https: URL (RFC 8292; default "
                "mailto:ldn-operator@localhost)");
  s->callback([serve, &ctx] { ctx.exit_code = Serve(*serve, ctx); });

  CLI::App* user = app.add_subcommand("user", "Manage accounts.");
  user->require_subcommand(1);
  auto uf = std::make_shared<UserFlags>();
  CLI::App* add = user->add_subcommand(
      "add",
      "Create an account; the password is read from the first line of standard input. A patient user gets a new "
      "patient record (--display-name, --time-zone) unless --patient-id links an existing one.");
  add->add_option("--role", uf->role, "patient, clinician, pharmacist, researcher or admin")->required();
  add->add_option("--username", uf->username, "1-64 characters of A-Z a-z 0-9 . _ @ -")->required();
  add->add_flag("--password-stdin", uf->password_stdin, "read the password from standard input (required)");
  add->add_option("--display-name", uf->display_name, "patient: the name shown to the care team (default: username)");
  add->add_option("--time-zone", uf->time_zone, "patient: IANA time zone of the diary dates (default UTC)");
  add->add_option("--patient-id", uf->patient_id, "patient: link this existing patient record instead");
  add->add_flag("--must-change-password", uf->must_change_password,
                "the owner must choose a new password at the first login (use it when you set the password for "
                "someone else)");
  add->add_option("--db", uf->db, "database (default $LDN_DB, else sqlite:ldn.db)");
  add->add_flag("--json", uf->json, "print the result as JSON");
  add->callback([uf, &ctx] { ctx.exit_code = AddUser(*uf, ctx); });

  CLI::App* team = app.add_subcommand("careteam", "Manage care teams (who may see which patients).");
  team->require_subcommand(1);
  auto tf = std::make_shared<TeamFlags>();
  CLI::App* tadd = team->add_subcommand("add", "Create a care team with its members and patients.");
  tadd->add_option("--name", tf->name, "the team's name")->required();
  tadd->add_option("--member", tf->members, "username of a clinician or pharmacist (repeatable)");
  tadd->add_option("--patient", tf->patients, "patient id (repeatable)");
  tadd->add_option("--db", tf->db, "database (default $LDN_DB, else sqlite:ldn.db)");
  tadd->add_flag("--json", tf->json, "print the result as JSON");
  tadd->callback([tf, &ctx] { ctx.exit_code = AddTeam(*tf, ctx); });
  auto list_db = std::make_shared<std::pair<std::string, bool>>();
  CLI::App* tlist = team->add_subcommand("list", "List care teams with member user ids and patient ids.");
  tlist->add_option("--db", list_db->first, "database (default $LDN_DB, else sqlite:ldn.db)");
  tlist->add_flag("--json", list_db->second, "print as JSON");
  tlist->callback([list_db, &ctx] { ctx.exit_code = ListTeams(list_db->first, list_db->second); });
}

}  // namespace ldn::cli
