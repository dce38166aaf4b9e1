// Issue 17, H1/H2/L2/L10: the transport against hostile bytes, over plain TCP with every byte
// written by hand. Each test asserts the answer (status and JSON error) and that the server then
// closes the connection; none measures time or memory (the memory figures are in
// docs/operations.md, "Request limits", measured by bench/http_limits_rss.py).
#include <dirent.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "server_fixture.h"

namespace ldn::testing {
namespace {

// Open descriptors of this process (the server runs in it).
int OpenDescriptors() {
  int n = 0;
  DIR* d = ::opendir("/proc/self/fd");
  if (d == nullptr) return -1;
  while (::readdir(d) != nullptr) ++n;
  ::closedir(d);
  return n;
}

std::string ReadAll(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  return out;
}

class HttpHardeningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_ = std::tmpfile();
    ASSERT_NE(log_, nullptr);
    server::HttpServerOptions http;
    http.request_timeout = std::chrono::seconds(1);
    f_ = std::make_unique<ServerFixture>(server::ApiOptions{}, http, log_);
    f_->AddUser("pat", store::Role::kPatient, "Pat");
  }
  void TearDown() override {
    f_.reset();
    std::fclose(log_);
  }

  // Sends `raw` on a fresh connection, reads one response, and checks that the server closes.
  TestResponse SendAndExpectClose(const std::string& raw) {
    TestConnection c(f_->port());
    EXPECT_TRUE(c.ok());
    c.Send(raw);
    TestResponse r = c.Read();
    EXPECT_TRUE(c.ClosedByPeer()) << "the server kept the connection open after " << r.status;
    return r;
  }

  std::string Log() { return ReadAll(log_); }

  std::FILE* log_ = nullptr;
  std::unique_ptr<ServerFixture> f_;
};

void ExpectError(const TestResponse& r, int status, const std::string& code, const std::string& field) {
  EXPECT_EQ(r.status, status) << r.body;
  const auto j = r.Json();
  ASSERT_TRUE(j.is_object() && j.contains("error")) << r.body;
  EXPECT_EQ(j["error"]["code"], code) << r.body;
  if (field.empty()) {
    EXPECT_TRUE(j["error"]["field"].is_null()) << r.body;
  } else {
    EXPECT_EQ(j["error"]["field"], field) << r.body;
  }
}

const std::string kChunkedPost =
    "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";

// ---- H1: no exception from one connection reaches the I/O loop ---------------------------------

TEST_F(HttpHardeningTest, TrailerFieldOf64KiBIsAnsweredAndTheConnectionClosed) {
  // The reproduction of issue 17: Beast throws length_error("field value too large") for it.
  const std::string raw = "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\nX-T: " +
                          std::string(65534, 'a') + "\r\n\r\n";
  const TestResponse r = SendAndExpectClose(raw);
  ExpectError(r, 431, "header_too_large", "Transfer-Encoding");
  EXPECT_EQ(Log().find("io_thread_exception"), std::string::npos) << Log();
  EXPECT_EQ(f_->Send("GET", "/api/v1/health").status, 200);
}

TEST_F(HttpHardeningTest, ManyHostileRequestsLeakNoDescriptor) {
  const std::string raw = "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\nX-T: " +
                          std::string(65534, 'a') + "\r\n\r\n";
  EXPECT_EQ(f_->Send("GET", "/api/v1/health").status, 200);
  const int before = OpenDescriptors();
  for (int i = 0; i < 40; ++i) {
    const TestResponse r = SendAndExpectClose(raw);
    ASSERT_EQ(r.status, 431) << i;
  }
  // The server closes its side of each connection after answering (with a lingering read of at
  // most 2 s): wait until it has.
  int after = OpenDescriptors();
  for (int i = 0; i < 100 && after > before; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    after = OpenDescriptors();
  }
  EXPECT_LE(after, before) << "descriptors leaked";
  EXPECT_EQ(f_->Send("GET", "/api/v1/health").status, 200);
}

// ---- H2: chunk extensions and trailers are bounded ------------------------------------------------

TEST_F(HttpHardeningTest, TrailerSectionOverTheHeaderLimitIs431) {
  std::string trailer;
  while (trailer.size() < 20 * 1024) trailer += "X-A: " + std::string(100, 'b') + "\r\n";
  const TestResponse r = SendAndExpectClose(kChunkedPost + "2\r\n{}\r\n0\r\n" + trailer + "\r\n");
  ExpectError(r, 431, "header_too_large", "Transfer-Encoding");
}

TEST_F(HttpHardeningTest, AnyTrailerFieldIsRefused) {
  const TestResponse r = SendAndExpectClose(kChunkedPost + "2\r\n{}\r\n0\r\nAuthorization: Bearer x\r\n\r\n");
  ExpectError(r, 400, "bad_request", "trailer");
}

TEST_F(HttpHardeningTest, EndlessChunkExtensionIsCutOffAtTheLimit) {
  // One chunk-size line that never ends: the server answers once 16 KiB are buffered, without
  // waiting for the rest (the write may fail once the server has closed).
  TestConnection c(f_->port());
  ASSERT_TRUE(c.ok());
  c.Send(kChunkedPost + "1;ext=");
  const std::string block(64 * 1024, 'a');
  for (int i = 0; i < 16 && c.Send(block); ++i) {
  }
  const TestResponse r = c.Read();
  ExpectError(r, 431, "header_too_large", "Transfer-Encoding");
  EXPECT_TRUE(c.ClosedByPeer());
}

TEST_F(HttpHardeningTest, ChunkExtensionsCountAgainstTheHeaderLimit) {
  std::string body;
  for (int i = 0; i < 20; ++i) body += "1;e=" + std::string(1000, 'x') + "\r\n{\r\n";
  const TestResponse r = SendAndExpectClose(kChunkedPost + body + "0\r\n\r\n");
  ExpectError(r, 400, "bad_request", "Transfer-Encoding");
}

TEST_F(HttpHardeningTest, TinyChunksCannotStretchARequestWithoutEnd) {
  // 0-padded chunk sizes: 40 bytes of framing per body byte; the body stays under its limit but
  // the request passes header_limit + 2 * body_limit on the wire.
  TestConnection c(f_->port());
  ASSERT_TRUE(c.ok());
  c.Send(kChunkedPost);
  std::string block;
  for (int i = 0; i < 1000; ++i) {
    block.append(36, '0');
    block.append("1\r\nx\r\n");
  }
  for (int i = 0; i < 100 && c.Send(block); ++i) {
  }
  ExpectError(c.Read(), 413, "payload_too_large", "body");
  EXPECT_TRUE(c.ClosedByPeer());
}

TEST_F(HttpHardeningTest, ChunkedRequestsWithinTheLimitsStillWork) {
  const std::string json = R"({"username":"pat","password":")" + std::string(kTestPassword) + R"("})";
  std::string body;
  for (size_t i = 0; i < json.size(); i += 7) {
    const std::string part = json.substr(i, 7);
    char size[8];
    std::snprintf(size, sizeof size, "%zx", part.size());
    body += std::string(size) + (i == 0 ? ";name=value" : "") + "\r\n" + part + "\r\n";
  }
  TestConnection c(f_->port());
  ASSERT_TRUE(c.ok());
  c.Send(kChunkedPost + body + "0\r\n\r\n");
  const TestResponse r = c.Read();
  EXPECT_EQ(r.status, 201) << r.body;
  // Keep-alive: the connection serves the next request.
  c.Send("GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(c.Read().status, 200);
}

// ---- L2: request smuggling primitives are refused and the connection closed ----------------------

// The body of each smuggling attempt is a second request; it must never be answered.
const std::string kSmuggled = "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n";

TEST_F(HttpHardeningTest, TransferEncodingNotEndingInChunkedIs400) {
  for (const std::string te : {"gzip", "chunked, gzip", "identity", "chunked,"}) {
    const TestResponse r = SendAndExpectClose("POST /api/v1/session HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + te +
                                              "\r\n\r\n" + kSmuggled);
    ExpectError(r, 400, "bad_request", "Transfer-Encoding");
    EXPECT_NE(r.body.find("must end in chunked"), std::string::npos) << te << ": " << r.body;
  }
}

TEST_F(HttpHardeningTest, OtherCodingsBeforeChunkedAndRepeatedChunkedAre400) {
  for (const std::string te : {"Transfer-Encoding: gzip, chunked\r\n", "Transfer-Encoding: chunked, chunked\r\n",
                               "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n"}) {
    const TestResponse r =
        SendAndExpectClose("POST /api/v1/session HTTP/1.1\r\nHost: x\r\n" + te + "\r\n0\r\n\r\n" + kSmuggled);
    ExpectError(r, 400, "bad_request", "Transfer-Encoding");
  }
}

TEST_F(HttpHardeningTest, ContentLengthWithTransferEncodingIs400) {
  for (const std::string fields : {"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
                                   "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
                                   "Transfer-Encoding: gzip\r\nContent-Length: 5\r\n"}) {
    const TestResponse r =
        SendAndExpectClose("POST /api/v1/session HTTP/1.1\r\nHost: x\r\n" + fields + "\r\n0\r\n\r\n" + kSmuggled);
    EXPECT_EQ(r.status, 400) << fields << r.body;
    EXPECT_EQ(r.Json()["error"]["code"], "bad_request") << r.body;
  }
}

TEST_F(HttpHardeningTest, TransferEncodingInHttp10Is400) {
  const TestResponse r = SendAndExpectClose(
      "POST /api/v1/session HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + kSmuggled);
  ExpectError(r, 400, "bad_request", "Transfer-Encoding");
}

TEST_F(HttpHardeningTest, MissingOrRepeatedHostIs400) {
  ExpectError(SendAndExpectClose("GET /api/v1/health HTTP/1.1\r\n\r\n"), 400, "bad_request", "Host");
  ExpectError(SendAndExpectClose("GET /api/v1/health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400, "bad_request",
              "Host");
  ExpectError(SendAndExpectClose("GET /api/v1/health HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n"), 400, "bad_request",
              "Host");
  ExpectError(SendAndExpectClose("GET /api/v1/health HTTP/1.1\r\nHost: a b\r\n\r\n"), 400, "bad_request", "Host");
  // HTTP/1.0 does not require Host.
  EXPECT_EQ(SendRaw(f_->port(), "GET /api/v1/health HTTP/1.0\r\n\r\n").status, 200);
}

TEST_F(HttpHardeningTest, RepeatedContentLengthIs400) {
  ExpectError(SendAndExpectClose("POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: "
                                 "2\r\n\r\n{}"),
              400, "bad_request", "Content-Length");
  ExpectError(SendAndExpectClose("POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Length: 2, 2\r\n\r\n{}"), 400,
              "bad_request", "Content-Length");
}

// ---- L10: a request that does not arrive in time gets 408, then the connection closes -------------

TEST_F(HttpHardeningTest, StalledHeaderGets408) {
  const TestResponse r = SendAndExpectClose("GET /api/v1/health HTTP/1.1\r\nHost: x\r\n");
  ExpectError(r, 408, "request_timeout", "");
}

TEST_F(HttpHardeningTest, StalledBodyGets408) {
  const TestResponse r =
      SendAndExpectClose("POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"user");
  ExpectError(r, 408, "request_timeout", "");
  EXPECT_NE(Log().find("\"status\":408"), std::string::npos);
}

TEST_F(HttpHardeningTest, ManySmallHeaderFieldsCountAsOneHeader) {
  // Arriving in pieces, each under the limit: the whole header is what is bounded.
  std::string raw = "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 2000; ++i) raw += "X-H" + std::to_string(i) + ": value\r\n";
  TestConnection c(f_->port());
  ASSERT_TRUE(c.ok());
  for (size_t i = 0; i < raw.size(); i += 1000) c.Send(raw.substr(i, 1000));
  c.Send("\r\n");
  ExpectError(c.Read(), 431, "header_too_large", "headers");
  EXPECT_TRUE(c.ClosedByPeer());
}

TEST_F(HttpHardeningTest, ExpectContinueIsHonoured) {
  // A server of its own with the default 30 s request timeout: the client waits for the interim
  // answer before it sends the body.
  ServerFixture f;
  TestConnection c(f.port());
  ASSERT_TRUE(c.ok());
  c.Send(
      "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
      "Expect: 100-continue\r\n\r\n");
  const TestResponse cont = c.Read(2000);  // the interim response has no body
  EXPECT_EQ(cont.status, 100);
  c.Send("{}");
  const TestResponse r = c.Read();
  ExpectError(r, 400, "invalid_argument", "username");
}

}  // namespace
}  // namespace ldn::testing
