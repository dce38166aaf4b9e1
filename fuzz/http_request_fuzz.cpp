// HTTP request parsing and routing: raw bytes through the transport's RequestReader
// (server/http_request_reader.h), and every request it accepts through the whole Api -- router,
// authentication, authorization, handlers, audit -- over a real SQLite store (in memory) seeded
// with the demo clinic, exactly as `ldn serve` answers it.
//
// Input: byte 0 chooses the credentials added to each request (none, or a session of the demo's
// patient, clinician, pharmacist, researcher or admin, as a Bearer token or as a cookie with its
// CSRF token); byte 1 how many bytes the reader is fed at a time (as a socket would split them);
// the rest is the byte stream of one connection (up to 8 pipelined requests).
//
// Properties: the reader never throws and refuses with a 4xx; every answer comes (no hang), is a
// status 100-599 and never a 5xx (a 500 is a bug, a 503 means the store failed), carries a JSON
// error with a code for every 4xx; no answer contains the file beside the web root (reachable
// only by traversal, a hidden file or a symbolic link, all of which are refused).
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "core/clock.h"
#include "core/json_reader.h"
#include "fuzz_support.h"
#include "server/api.h"
#include "server/auth.h"
#include "server/demo.h"
#include "server/http_request_reader.h"
#include "server/json_log.h"
#include "store/store.h"

namespace {

namespace fs = std::filesystem;
using ldn::server::HttpRequest;
using ldn::server::HttpResponse;

constexpr char kSecret[] = "LDN-FUZZ-SECRET-OUTSIDE-THE-WEB-ROOT";
// A fresh store every this many inputs: every request to a patient route adds an audit event,
// and an in-memory database must not grow without end over millions of runs.
constexpr int kRunsPerWorld = 50000;

struct Credentials {
  std::string token;
  std::string csrf;
};

// The server as `ldn serve --demo` builds it, on an in-memory store.
class World {
 public:
  World() : clock_(*ldn::ParseUtcInstant("2026-11-22T12:00:00Z", "now")), log_(nullptr) {
    char tmpl[] = "/tmp/ldn-fuzz-http-XXXXXX";
    LDN_FUZZ_CHECK(::mkdtemp(tmpl) != nullptr, "mkdtemp");
    dir_ = tmpl;
    fs::create_directories(dir_ / "web" / "css");
    std::ofstream(dir_ / "web" / "index.html") << "<!doctype html><title>ldn</title>";
    std::ofstream(dir_ / "web" / "css" / "app.css") << "body{margin:0}";
    std::ofstream(dir_ / "web" / ".hidden") << kSecret;
    std::ofstream(dir_ / "secret.txt") << kSecret;
    fs::create_symlink(dir_ / "secret.txt", dir_ / "web" / "link.txt");
    auto store = ldn::store::OpenStore("sqlite::memory:");
    LDN_FUZZ_CHECK(store.ok(), store.status().ToString());
    store_ = std::move(store).value();
    LDN_FUZZ_CHECK(ldn::server::InitCrypto().ok(), "libsodium");
    auto seeded = ldn::server::SeedDemo(*store_, clock_.Now());
    LDN_FUZZ_CHECK(seeded.ok(), seeded.status().ToString());
    // Sessions made in the store directly: logging in would hash each password with Argon2id.
    for (const auto& login : ldn::server::DemoLogins()) {
      auto user = store_->GetUserByUsername(login.username);
      LDN_FUZZ_CHECK(user.ok(), login.username);
      Credentials c{ldn::server::NewToken(), ldn::server::NewToken()};
      ldn::store::Session s;
      s.token_hash = ldn::server::TokenHash(c.token);
      s.user_id = user->id;
      s.created_at = clock_.Now();
      s.expires_at = clock_.Now() + std::chrono::hours(12);
      s.csrf_token_hash = ldn::server::TokenHash(c.csrf);
      LDN_FUZZ_CHECK(store_->CreateSession(s).ok(), login.username);
      credentials_.push_back(c);
    }
    ldn::server::ApiOptions options;
    options.web_root = dir_ / "web";
    auto api = ldn::server::Api::Create(*store_, clock_, log_, options);
    LDN_FUZZ_CHECK(api.ok(), api.status().ToString());
    api_ = std::move(api).value();
  }
  ~World() {
    api_.reset();
    store_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Adds the credentials `choice` picks: 0 none; 1-5 the demo's pat, doc, pharm, res, admin by
  // Bearer token; 6-10 the same by cookie, with the CSRF header.
  void Authorize(HttpRequest& r, int choice) const {
    if (choice == 0) return;
    const Credentials& c = credentials_[static_cast<size_t>((choice - 1) % 5)];
    if (choice <= 5) {
      r.headers.emplace_back("authorization", "Bearer " + c.token);
    } else {
      r.headers.emplace_back("cookie", "ldn_session=" + c.token + "; ldn_csrf=" + c.csrf);
      r.headers.emplace_back("x-csrf-token", c.csrf);
    }
  }

  // Answers `r` through the Api and waits for the answer (it may come from the store's committer
  // thread).
  HttpResponse Answer(const HttpRequest& r) {
    struct Slot {
      std::mutex mu;
      std::condition_variable cv;
      std::optional<HttpResponse> response;
    };
    auto slot = std::make_shared<Slot>();
    api_->Handle(r, [slot](HttpResponse res) {
      std::lock_guard<std::mutex> lock(slot->mu);
      slot->response = std::move(res);
      slot->cv.notify_all();
    });
    std::unique_lock<std::mutex> lock(slot->mu);
    const bool answered = slot->cv.wait_for(lock, std::chrono::seconds(20), [&] { return slot->response.has_value(); });
    LDN_FUZZ_CHECK(answered, "no answer within 20 s to " + r.method + " " + r.target.substr(0, 200));
    return std::move(*slot->response);
  }

 private:
  fs::path dir_;
  ldn::FixedClock clock_;
  ldn::server::JsonLog log_;
  std::unique_ptr<ldn::store::Store> store_;
  std::unique_ptr<ldn::server::Api> api_;
  std::vector<Credentials> credentials_;
};

// True when `text` holds the secret. Compiled without coverage instrumentation and written without
// memcmp or std::string::find, which libFuzzer intercepts: otherwise the fuzzer learns the secret
// from this very check, puts it in a request, and the server rightly quotes it back in an error
// ("'2LDN-FUZZ-SECRET-...' is not a date YYYY-MM-DD"): a fault of the harness, not of the server
// (fuzz/regressions/http/, docs/fuzzing.md "Findings").
__attribute__((no_sanitize("coverage"))) bool HoldsSecret(std::string_view text) {
  const size_t n = sizeof(kSecret) - 1;
  for (size_t i = 0; i + n <= text.size(); ++i) {
    size_t k = 0;
    while (k < n && text[i + k] == kSecret[k]) ++k;
    if (k == n) return true;
  }
  return false;
}

// `sent_secret`: the connection's own bytes carried the secret, which an error may rightly echo.
void CheckAnswer(const HttpResponse& res, const std::string& what, bool sent_secret) {
  LDN_FUZZ_CHECK(res.status >= 100 && res.status <= 599, what + " -> " + std::to_string(res.status));
  LDN_FUZZ_CHECK(res.status < 500, what + " -> " + std::to_string(res.status) + " " + res.body.substr(0, 500));
  LDN_FUZZ_CHECK(sent_secret || !HoldsSecret(res.body), what + " leaked the file outside the web root");
  if (res.status >= 400) {
    LDN_FUZZ_CHECK(res.content_type == "application/json", what + ": an error that is not JSON");
    auto j = ldn::ParseJson(res.body);
    LDN_FUZZ_CHECK(j.ok() && j->contains("error") && (*j)["error"].contains("code"),
                   what + ": a malformed error " + res.body.substr(0, 300));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::unique_ptr<World> world;
  static int runs = 0;
  if (!world || ++runs % kRunsPerWorld == 0) {
    world.reset();
    world = std::make_unique<World>();
  }
  if (size < 2) return 0;
  const int credentials = data[0] % 11;
  const size_t step = data[1] == 0 ? size : data[1];
  std::string_view stream = ldn::fuzz::AsText(data + 2, size - 2);
  const bool sent_secret = HoldsSecret(stream);

  ldn::server::RequestLimits limits;
  std::string pending;  // bytes read but not yet used, as in the transport's buffer
  for (int request = 0; request < 8; ++request) {
    ldn::server::RequestReader reader(limits);
    bool eof = false;
    for (;;) {
      pending.erase(0, reader.Feed(pending));
      if (reader.done() || reader.failed()) break;
      // The transport reads no more once the reader holds a header's worth it cannot use.
      LDN_FUZZ_CHECK(pending.size() < limits.header_limit, "the reader kept " + std::to_string(pending.size()) +
                                                               " unused bytes");
      if (stream.empty()) {
        reader.FeedEof();
        eof = true;
        break;
      }
      const size_t n = std::min(step, stream.size());
      pending.append(stream.substr(0, n));
      stream.remove_prefix(n);
    }
    if (reader.failed()) {
      if (reader.error()) {
        const HttpResponse& e = *reader.error();
        LDN_FUZZ_CHECK(e.status >= 400 && e.status < 500, "the reader answered " + std::to_string(e.status));
        CheckAnswer(e, "a refused request", sent_secret);
      } else {
        LDN_FUZZ_CHECK(eof, "the reader gave up without an answer before the stream ended");
      }
      return 0;
    }
    HttpRequest r = reader.TakeRequest("127.0.0.1");
    const std::string what = r.method + " " + r.target.substr(0, 200);
    world->Authorize(r, credentials);
    CheckAnswer(world->Answer(r), what, sent_secret);
    if (!reader.keep_alive() || (stream.empty() && pending.empty())) return 0;
  }
  return 0;
}
