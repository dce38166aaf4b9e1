#include "server/server.h"

#include <sys/stat.h>

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "server/demo.h"
#include "store/store.h"

namespace ldn::server {
namespace {

Result<int64_t> EnvInteger(const char* name, int64_t min, int64_t max, int64_t fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  const std::string text(v);
  if (text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) {
    return Status::InvalidArgument(name, fmt::format("must be a whole number {}..{}, got '{}'", min, max, text));
  }
  const int64_t n = std::stoll(text);
  if (n < min || n > max) return Status::InvalidArgument(name, fmt::format("must be {}..{}, got {}", min, max, n));
  return n;
}

std::string EnvString(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v == nullptr || *v == '\0' ? fallback : std::string(v);
}

// Runs `task` every `interval` on a thread of its own until destroyed (the destructor waits for a
// round under way). An interval of zero or less runs nothing.
class Periodic {
 public:
  Periodic(std::chrono::seconds interval, std::function<void()> task) : interval_(interval), task_(std::move(task)) {
    if (interval_.count() <= 0) return;
    thread_ = std::thread([this] {
      std::unique_lock<std::mutex> lock(mu_);
      while (!cv_.wait_for(lock, interval_, [this] { return stopping_; })) {
        lock.unlock();
        task_();
        lock.lock();
      }
    });
  }
  ~Periodic() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;

 private:
  std::chrono::seconds interval_;
  std::function<void()> task_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

// Writes the audit chain's head to the log ({"msg":"audit_head","seq":N,"hash":"..."}): at once,
// every `interval` when it moved, and when destroyed. The log (journald, a log host) keeps these
// lines outside the database: anchors for `ldn audit verify --anchor` (store/audit_anchor.h).
class AuditHeadLogger {
 public:
  AuditHeadLogger(store::Store& store, JsonLog& log, std::chrono::seconds interval) : store_(store), log_(log) {
    LogIfMoved();
    timer_.emplace(interval, [this] { LogIfMoved(); });
  }
  ~AuditHeadLogger() {
    timer_.reset();
    LogIfMoved();
  }

 private:
  void LogIfMoved() {
    Result<store::AuditHead> head = store_.GetAuditHead();
    if (!head.ok()) {
      log_.Warn("audit_head_failed", {{"message", head.status().message()}});
      return;
    }
    if (last_seq_ && *last_seq_ == head->seq) return;
    last_seq_ = head->seq;
    log_.Info("audit_head", {{"seq", head->seq}, {"hash", head->hash}});
  }

  store::Store& store_;
  JsonLog& log_;
  std::optional<int64_t> last_seq_;  // used by one thread at a time (constructor, timer, destructor)
  std::optional<Periodic> timer_;    // last: stopped before the members it uses
};

// Sends the due Web Push reminders every `interval` (push_service.h) on a thread of its own, until
// destroyed. A round that sent or failed anything is logged; its errors never stop the server.
class PushReminderLoop {
 public:
  PushReminderLoop(PushService* push, const Clock& clock, JsonLog& log, std::chrono::seconds interval)
      : push_(push), clock_(clock), log_(log) {
    if (push_ != nullptr) timer_.emplace(interval, [this] { Round(); });
  }

 private:
  void Round() {
    Result<PushService::Round> r = push_->RunOnce(clock_.Now());
    if (!r.ok()) {
      log_.Warn("push_round_failed", {{"message", r.status().message()}});
      return;
    }
    if (r->errors > 0) {
      log_.Warn("push_round_errors", {{"errors", r->errors}, {"first", r->first_error}});
    }
    if (r->sent + r->failed + r->gone > 0) {
      log_.Info("push_round",
                {{"subscriptions", r->subscriptions}, {"sent", r->sent}, {"failed", r->failed}, {"gone", r->gone}});
    }
  }

  PushService* push_;
  const Clock& clock_;
  JsonLog& log_;
  std::optional<Periodic> timer_;  // last: stopped before the members it uses
};

// M8: the database holds health data. ldn creates its files 0600; one made otherwise (by hand, by
// an older version) is reported, not changed.
void WarnIfReadableByOthers(const std::string& url, JsonLog& log) {
  if (!url.starts_with("sqlite:") || url == "sqlite::memory:") return;
  struct stat st {};
  const std::string path = url.substr(7);
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    log.Warn("insecure_permissions", {{"path", path},
                                      {"mode", fmt::format("{:04o}", st.st_mode & 07777)},
                                      {"advice", "chmod 600 the database and its -wal and -shm files"}});
  }
}

}  // namespace

Status ApplyEnvironment(ServerConfig& c) {
  c.db_url = EnvString("LDN_DB", c.db_url);
  c.http.bind_address = EnvString("LDN_BIND", c.http.bind_address);
  c.api.web_root = EnvString("LDN_WEB", c.api.web_root.string());
  LDN_ASSIGN_OR_RETURN(int64_t port, EnvInteger("LDN_PORT", 0, 65535, c.http.port));
  c.http.port = static_cast<uint16_t>(port);
  LDN_ASSIGN_OR_RETURN(int64_t threads, EnvInteger("LDN_THREADS", 1, 256, c.http.threads));
  c.http.threads = static_cast<int>(threads);
  LDN_ASSIGN_OR_RETURN(int64_t ttl, EnvInteger("LDN_SESSION_TTL", 60, 90LL * 24 * 3600, c.api.session_ttl.count()));
  c.api.session_ttl = std::chrono::seconds(ttl);
  LDN_ASSIGN_OR_RETURN(int64_t pttl, EnvInteger("LDN_PATIENT_SESSION_TTL", 60, 90LL * 24 * 3600,
                                                c.api.patient_session_ttl.count()));
  c.api.patient_session_ttl = std::chrono::seconds(pttl);
  LDN_ASSIGN_OR_RETURN(int64_t max_life, EnvInteger("LDN_SESSION_MAX", 60, 90LL * 24 * 3600,
                                                    c.api.session_max_lifetime.count()));
  c.api.session_max_lifetime = std::chrono::seconds(max_life);
  LDN_ASSIGN_OR_RETURN(int64_t secure, EnvInteger("LDN_SECURE_COOKIES", 0, 1, c.api.secure_cookies ? 1 : 0));
  c.api.secure_cookies = secure == 1;
  if (const char* v = std::getenv("LDN_BEHIND_HTTPS"); v != nullptr && *v != '\0') {
    LDN_ASSIGN_OR_RETURN(int64_t https, EnvInteger("LDN_BEHIND_HTTPS", 0, 1, 0));
    c.behind_https = https == 1;
  }
  if (const char* v = std::getenv("LDN_TRUSTED_PROXY"); v != nullptr && *v != '\0') {
    c.api.proxy.trusted_proxies.clear();
    std::string list(v);
    size_t i = 0;
    while (i <= list.size()) {
      size_t comma = list.find(',', i);
      if (comma == std::string::npos) comma = list.size();
      std::string item = list.substr(i, comma - i);
      item.erase(0, item.find_first_not_of(' '));
      item.erase(item.find_last_not_of(' ') + 1);
      if (!item.empty()) c.api.proxy.trusted_proxies.push_back(item);
      i = comma + 1;
    }
    LDN_RETURN_IF_ERROR(CheckProxyOptions(c.api.proxy, "LDN_TRUSTED_PROXY"));
  }
  c.api.proxy.client_ip_header = EnvString("LDN_CLIENT_IP_HEADER", c.api.proxy.client_ip_header);
  c.key_file = EnvString("LDN_KEY_FILE", c.key_file);
  LDN_ASSIGN_OR_RETURN(int64_t workers, EnvInteger("LDN_PASSWORD_WORKERS", 0, 64, c.api.password_workers));
  c.api.password_workers = static_cast<int>(workers);
  LDN_ASSIGN_OR_RETURN(int64_t body,
                       EnvInteger("LDN_BODY_LIMIT", 1024, 64LL << 20, static_cast<int64_t>(c.http.body_limit)));
  c.http.body_limit = static_cast<size_t>(body);
  LDN_ASSIGN_OR_RETURN(int64_t grace, EnvInteger("LDN_SHUTDOWN_GRACE", 0, 3600, c.http.shutdown_grace.count()));
  c.http.shutdown_grace = std::chrono::seconds(grace);
  c.research_db_url = EnvString("LDN_RESEARCH_DB", c.research_db_url);
  LDN_ASSIGN_OR_RETURN(int64_t head_interval,
                       EnvInteger("LDN_AUDIT_HEAD_INTERVAL", 1, 86400, c.audit_head_interval.count()));
  c.audit_head_interval = std::chrono::seconds(head_interval);
  return Status::Ok();
}

std::filesystem::path DefaultWebRoot() {
  std::error_code ec;
  if (std::filesystem::is_directory("web", ec)) return "web";
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const std::filesystem::path installed = exe.parent_path().parent_path() / "share" / "ldn" / "web";
    if (std::filesystem::is_directory(installed, ec)) return installed;
  }
  return "web";
}

Status RunServer(const ServerConfig& config, const Clock& clock, std::ostream& out, JsonLog& log) {
  LDN_RETURN_IF_ERROR(InitCrypto());
  const std::string url = config.db_url.empty() ? store::DefaultStoreUrl() : config.db_url;
  store::OpenOptions options;
  // A connection per server thread (at least the store's default of 4, at most its limit of 64):
  // with fewer, threads queue for a connection before their query even starts.
  options.pool_size = std::clamp(config.http.threads, 4, 64);
  auto opened = store::OpenStore(url, options);
  if (!opened.ok()) {
    const Status& s = opened.status();
    return s.field() == "url" ? Status::InvalidArgument("--db", s.message()) : s;
  }
  std::unique_ptr<store::Store> store = std::move(opened).value();
  WarnIfReadableByOthers(url, log);
  // The research replica: read-only, and its schema must match (a replica follows the primary).
  std::unique_ptr<store::Store> research;
  if (!config.research_db_url.empty()) {
    store::OpenOptions ro;
    ro.read_only = true;
    ro.pool_size = 4;
    auto replica = store::OpenStore(config.research_db_url, ro);
    if (!replica.ok()) {
      const Status& s = replica.status();
      return s.field() == "url" ? Status::InvalidArgument("--research-db", s.message())
                                : Status::Unavailable("--research-db: " + s.message());
    }
    research = std::move(replica).value();
  }
  if (config.demo) {
    LDN_ASSIGN_OR_RETURN(DemoSeed seed, SeedDemo(*store, clock.Now()));
    log.Info("demo", {{"seeded", seed.created}});
  }
  ApiOptions api_options = config.api;
  LDN_RETURN_IF_ERROR(CheckProxyOptions(api_options.proxy, "--trusted-proxy"));
  const bool https = config.behind_https.value_or(!api_options.proxy.trusted_proxies.empty());
  api_options.secure_cookies = api_options.secure_cookies || https;
  api_options.hsts = https;
  // The key that seals TOTP secrets lives outside the database (a backup alone does not reveal
  // them): a file beside an SQLite database, or where --key-file says.
  std::string key_file = config.key_file;
  if (key_file.empty() && url.rfind("sqlite:", 0) == 0 && url != "sqlite::memory:") key_file = url.substr(7) + ".key";
  if (key_file.empty() && url != "sqlite::memory:") key_file = "ldn-totp.key";
  if (!key_file.empty()) {
    LDN_ASSIGN_OR_RETURN(api_options.totp_key,
                         SecretSealer::LoadOrCreateKeyFile(key_file, config.key_file.empty() ? "key file" : "--key-file"));
  }
  api_options.research_store = research.get();
  LDN_ASSIGN_OR_RETURN(std::unique_ptr<Api> api, Api::Create(*store, clock, log, api_options));
  HttpServerOptions http = config.http;
  http.handle_signals = true;
  HttpServer server(
      http, [&api](const HttpRequest& r, Responder respond) { api->Handle(r, std::move(respond)); }, &log);
  Status started = server.Start();
  if (!started.ok()) return started.field() == "bind" ? Status::InvalidArgument("--bind", started.message()) : started;
  const std::string host =
      http.bind_address.find(':') != std::string::npos ? "[" + http.bind_address + "]" : http.bind_address;
  log.Info("listening", {{"address", http.bind_address},
                         {"port", server.port()},
                         {"store", store->backend()},
                         {"web_root", config.api.web_root.string()},
                         {"behind_https", https},
                         {"trusted_proxies", api_options.proxy.trusted_proxies},
                         {"key_file", key_file}});
  out << fmt::format("ldn serve: listening on http://{}:{}/ (database {}, {})\n", host, server.port(), url,
                     store->backend());
  if (config.demo) {
    out << "Demo logins (for trying ldn out only):\n";
    for (const DemoLogin& l : DemoLogins()) {
      out << fmt::format("  {:<11} {:<6} / {}\n", l.role, l.username, l.password);
    }
  }
  out << "Stop with Ctrl-C (SIGINT) or SIGTERM: requests in flight finish first.\n";
  out.flush();
  {
    AuditHeadLogger heads(*store, log, config.audit_head_interval);
    {
      PushReminderLoop reminders(api->push(), clock, log, config.push_check_interval);
      server.Wait();
    }  // the reminder thread stops before the API goes
    log.Info("shutdown", {{"phase", "connections closed"}});
    api.reset();
  }  // logs the final head
  research.reset();
  store.reset();  // closes the database cleanly (WAL checkpointed by SQLite on the last close)
  log.Info("shutdown", {{"phase", "complete"}});
  return Status::Ok();
}

}  // namespace ldn::server
