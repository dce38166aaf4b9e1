// Graceful shutdown of the real `ldn serve` process: on SIGTERM it stops accepting, closes idle
// connections, lets a request already in flight finish (its write is durable and answered), then
// closes the store and exits 0.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <thread>

#include <gtest/gtest.h>
#include <spawn.h>

#include "server/auth.h"
#include "server_fixture.h"

extern char** environ;

namespace ldn::testing {
namespace {

// A child process with stdout (and optionally stdin) on pipes and stderr in a file.
class Child {
 public:
  Child(const std::vector<std::string>& args, const std::string& stderr_path, const std::string& stdin_text = "") {
    int out[2], in[2];
    EXPECT_EQ(::pipe(out), 0);
    EXPECT_EQ(::pipe(in), 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_addopen(&fa, 2, stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    posix_spawn_file_actions_addclose(&fa, in[1]);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    EXPECT_EQ(posix_spawn(&pid_, argv[0], &fa, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    ::close(out[1]);
    ::close(in[0]);
    out_ = out[0];
    if (!stdin_text.empty()) {
      EXPECT_EQ(::write(in[1], stdin_text.data(), stdin_text.size()), static_cast<ssize_t>(stdin_text.size()));
    }
    ::close(in[1]);
  }
  ~Child() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(out_);
  }

  // Reads stdout until a line matches `re` (or EOF / timeout); returns the match or "".
  std::string WaitForLine(const std::regex& re, int timeout_ms = 30000) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
      size_t nl;
      while ((nl = buffer_.find('\n')) != std::string::npos) {
        const std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        std::smatch m;
        if (std::regex_search(line, m, re)) return m.size() > 1 ? m[1].str() : m[0].str();
      }
      pollfd p{out_, POLLIN, 0};
      if (::poll(&p, 1, 200) > 0) {
        char chunk[4096];
        const ssize_t n = ::read(out_, chunk, sizeof chunk);
        if (n <= 0) return "";
        buffer_.append(chunk, static_cast<size_t>(n));
      }
    }
    return "";
  }

  // The exit status after waiting at most timeout_ms, or -1 while still running.
  int Wait(int timeout_ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    do {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (std::chrono::steady_clock::now() < deadline);
    return -1;
  }

  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = 0;
  int out_ = -1;
  bool exited_ = false;
  std::string buffer_;
};

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(ShutdownTest, SigtermLetsTheInFlightRequestFinishThenExitsCleanly) {
  TempDir dir;
  const std::string db = "sqlite:" + (dir.path() / "ldn.db").string();
  {
    Child add({LDN_BINARY, "user", "add", "--role", "clinician", "--username", "doc", "--password-stdin", "--db", db},
              (dir.path() / "add.err").string(), "a long password\n");
    ASSERT_EQ(add.Wait(60000), 0) << ReadFile(dir.path() / "add.err");
  }
  Child serve({LDN_BINARY, "serve", "--db", db, "--port", "0", "--web", (dir.path() / "web").string()},
              (dir.path() / "serve.err").string());
  const std::string port_text = serve.WaitForLine(std::regex("listening on http://127\\.0\\.0\\.1:([0-9]+)/"));
  ASSERT_FALSE(port_text.empty()) << ReadFile(dir.path() / "serve.err");
  const uint16_t port = static_cast<uint16_t>(std::stoi(port_text));
  ASSERT_EQ(SendRaw(port, BuildRequest("GET", "/api/v1/health")).status, 200);

  // An idle keep-alive connection (a request done, waiting for the next one).
  TestConnection idle(port);
  ASSERT_TRUE(idle.Send("GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_EQ(idle.Read().status, 200);

  // A login in flight: headers and half of the body sent.
  const std::string body = R"({"username":"doc","password":"a long password"})";
  TestConnection busy(port);
  ASSERT_TRUE(
      busy.Send("POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                "Content-Length: " +
                std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, 10)));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_EQ(::kill(serve.pid(), SIGTERM), 0);

  // The idle connection is closed; new connections are refused; the process waits for `busy`.
  EXPECT_TRUE(idle.ClosedByPeer(5000));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(TestConnection(port).ok());
  EXPECT_EQ(serve.Wait(200), -1) << "exited with a request in flight";

  ASSERT_TRUE(busy.Send(body.substr(10)));
  const TestResponse r = busy.Read();
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Header("connection"), "close");
  const std::string token = r.Json()["token"];
  EXPECT_EQ(serve.Wait(15000), 0) << ReadFile(dir.path() / "serve.err");

  const std::string log = ReadFile(dir.path() / "serve.err");
  EXPECT_NE(log.find(R"("msg":"signal")"), std::string::npos) << log;
  EXPECT_NE(log.find(R"("phase":"complete")"), std::string::npos) << log;
  EXPECT_EQ(log.find("a long password"), std::string::npos);
  EXPECT_EQ(log.find(token), std::string::npos);

  // The answered write is in the database.
  auto st = store::OpenStore(db);
  ASSERT_TRUE(st.ok());
  EXPECT_TRUE((*st)
                  ->FindSession(server::TokenHash(token),
                                std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()))
                  .ok());
}

TEST(ShutdownTest, SigintWithNothingInFlightExitsAtOnce) {
  TempDir dir;
  Child serve({LDN_BINARY, "serve", "--db", "sqlite:" + (dir.path() / "ldn.db").string(), "--port", "0"},
              (dir.path() / "serve.err").string());
  ASSERT_FALSE(serve.WaitForLine(std::regex("listening on http://127\\.0\\.0\\.1:([0-9]+)/")).empty());
  ASSERT_EQ(::kill(serve.pid(), SIGINT), 0);
  EXPECT_EQ(serve.Wait(10000), 0) << ReadFile(dir.path() / "serve.err");
}


// ---- Issue 17, L9: LDN_NOW does not silently freeze a server's clock -------------------------------

TEST(ServeClockTest, FixedClockIsRefusedWithoutTheTestFlag) {
  TempDir dir;
  ::setenv("LDN_NOW", "2026-11-22T12:00:00Z", 1);
  Child serve({LDN_BINARY, "serve", "--db", "sqlite:" + (dir.path() / "ldn.db").string(), "--port", "0"},
              (dir.path() / "serve.err").string());
  ::unsetenv("LDN_NOW");
  EXPECT_EQ(serve.Wait(30000), 2);
  const std::string err = ReadFile(dir.path() / "serve.err");
  EXPECT_NE(err.find("LDN_NOW"), std::string::npos) << err;
  EXPECT_NE(err.find("--test-fixed-clock"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "ldn.db")) << "nothing may be opened before the refusal";
}

TEST(ServeClockTest, FixedClockWithTheTestFlagIsUsedAndLoudlyLogged) {
  TempDir dir;
  const std::string db = "sqlite:" + (dir.path() / "ldn.db").string();
  {
    Child add({LDN_BINARY, "user", "add", "--role", "clinician", "--username", "doc", "--password-stdin", "--db", db},
              (dir.path() / "add.err").string(), "a long password\n");
    ASSERT_EQ(add.Wait(60000), 0) << ReadFile(dir.path() / "add.err");
  }
  ::setenv("LDN_NOW", "2026-11-22T12:00:00Z", 1);
  Child serve({LDN_BINARY, "serve", "--db", db, "--port", "0", "--test-fixed-clock"},
              (dir.path() / "serve.err").string());
  ::unsetenv("LDN_NOW");
  EXPECT_EQ(serve.WaitForLine(std::regex("WARNING: the clock is fixed at (\\S+)")), "2026-11-22T12:00:00Z");
  const std::string port_text = serve.WaitForLine(std::regex("listening on http://127\\.0\\.0\\.1:([0-9]+)/"));
  ASSERT_FALSE(port_text.empty()) << ReadFile(dir.path() / "serve.err");
  const uint16_t port = static_cast<uint16_t>(std::stoi(port_text));
  // The session's expiry is 30 minutes (a clinician's idle timeout) after the fixed instant, not
  // after the real one.
  const TestResponse r =
      SendRaw(port, BuildRequest("POST", "/api/v1/session", R"({"username":"doc","password":"a long password"})",
                                 {{"Content-Type", "application/json"}}));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Json()["expires_at"], "2026-11-22T12:30:00Z");
  ASSERT_EQ(::kill(serve.pid(), SIGTERM), 0);
  EXPECT_EQ(serve.Wait(15000), 0);
  const std::string log = ReadFile(dir.path() / "serve.err");
  EXPECT_NE(log.find(R"("level":"warn","msg":"fixed_clock")"), std::string::npos) << log;
}

}  // namespace
}  // namespace ldn::testing
