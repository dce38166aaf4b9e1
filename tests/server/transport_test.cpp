// The transport and the fixed points of the API on a real server over loopback: JSON errors,
// security headers, limits, keep-alive, static files.
#include <fstream>

#include <gtest/gtest.h>

#include "server_fixture.h"

namespace ldn::testing {
namespace {

class TransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fixture_ = std::make_unique<ServerFixture>();
    std::filesystem::create_directories(fixture_->dir() / "web" / "css");
    std::ofstream(fixture_->dir() / "web" / "index.html") << "<!doctype html><title>ldn</title>";
    std::ofstream(fixture_->dir() / "web" / "css" / "app.css") << "body{margin:0}";
    std::ofstream(fixture_->dir() / "web" / ".secret") << "hidden";
    std::ofstream(fixture_->dir() / "outside.txt") << "outside the web root";
  }
  std::unique_ptr<ServerFixture> fixture_;
};

void ExpectJsonError(const TestResponse& r, int status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  const auto j = r.Json();
  ASSERT_TRUE(j.is_object()) << r.body;
  ASSERT_TRUE(j.contains("error")) << r.body;
  EXPECT_EQ(j["error"]["code"], code) << r.body;
  EXPECT_TRUE(j["error"]["message"].is_string());
  EXPECT_TRUE(j["error"].contains("field"));
  EXPECT_EQ(r.Header("content-type"), "application/json");
}

TEST_F(TransportTest, HealthAnswersWithTheStore) {
  const TestResponse r = fixture_->Send("GET", "/api/v1/health");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["status"], "ok");
  EXPECT_EQ(r.Json()["store"], "sqlite");
}

TEST_F(TransportTest, EveryResponseCarriesTheSecurityHeaders) {
  for (const std::string target : {"/api/v1/health", "/api/v1/nope", "/index.html", "/missing"}) {
    const TestResponse r = fixture_->Send("GET", target);
    EXPECT_EQ(r.Header("content-security-policy").rfind("default-src 'self'", 0), 0u) << target;
    EXPECT_EQ(r.Header("x-content-type-options"), "nosniff") << target;
    EXPECT_EQ(r.Header("referrer-policy"), "no-referrer") << target;
    EXPECT_EQ(r.Header("x-frame-options"), "DENY") << target;
  }
  EXPECT_EQ(fixture_->Send("GET", "/api/v1/health").Header("cache-control"), "no-store");
}

TEST_F(TransportTest, UnknownEndpointIsAJson404AndWrongMethodA405) {
  ExpectJsonError(fixture_->Send("GET", "/api/v1/nope"), 404, "not_found");
  const TestResponse r = fixture_->Send("DELETE", "/api/v1/health");
  ExpectJsonError(r, 405, "method_not_allowed");
  EXPECT_EQ(r.Header("allow"), "GET");
}

TEST_F(TransportTest, BodyOverTheLimitIs413) {
  const std::string body(2 * 1024 * 1024, 'x');
  const TestResponse r = fixture_->Send("POST", "/api/v1/session", body);
  ExpectJsonError(r, 413, "payload_too_large");
  EXPECT_EQ(r.Json()["error"]["field"], "body");
}

TEST_F(TransportTest, HeadersOverTheLimitAre431) {
  const std::string big(64 * 1024, 'a');
  const TestResponse r = fixture_->Send("GET", "/api/v1/health", "", "", {{"X-Big", big}});
  ExpectJsonError(r, 431, "header_too_large");
}

TEST_F(TransportTest, GarbageIsA400) {
  ExpectJsonError(SendRaw(fixture_->port(), "HELLO\r\n\r\n"), 400, "bad_request");
  ExpectJsonError(SendRaw(fixture_->port(), "GET / HTTP/9.9\r\n\r\n"), 400, "bad_request");
}

TEST_F(TransportTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  TestConnection c(fixture_->port());
  ASSERT_TRUE(c.ok());
  const std::string req = "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n";
  // Pipelined: both requests in one write.
  ASSERT_TRUE(c.Send(req + req));
  EXPECT_EQ(c.Read().status, 200);
  EXPECT_EQ(c.Read().status, 200);
  ASSERT_TRUE(c.Send(req));
  EXPECT_EQ(c.Read().status, 200);
}

TEST_F(TransportTest, StaticFilesWithMimeTypeAndETag) {
  const TestResponse index = fixture_->Send("GET", "/");
  ASSERT_EQ(index.status, 200);
  EXPECT_EQ(index.Header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(index.body, "<!doctype html><title>ldn</title>");
  const std::string etag = index.Header("etag");
  ASSERT_FALSE(etag.empty());
  const TestResponse again = fixture_->Send("GET", "/index.html", "", "", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  const TestResponse css = fixture_->Send("GET", "/css/app.css");
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.Header("content-type"), "text/css; charset=utf-8");
  const TestResponse head = fixture_->Send("HEAD", "/css/app.css");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("content-length"), "14");
}

TEST_F(TransportTest, StaticFilesRefuseTraversalHiddenFilesAndDirectories) {
  for (const std::string target : {"/../outside.txt", "/%2e%2e/outside.txt", "/css/..%2f..%2foutside.txt", "/.secret",
                                   "/css/%2e%2e/%2e%2e/outside.txt", "/..%5coutside.txt"}) {
    const TestResponse r = fixture_->Send("GET", target);
    ExpectJsonError(r, 400, "bad_request");
    EXPECT_EQ(r.body.find("outside the web root"), std::string::npos) << target;
  }
  ExpectJsonError(fixture_->Send("GET", "/css/"), 404, "not_found");
  ExpectJsonError(fixture_->Send("GET", "/css"), 404, "not_found");
  ExpectJsonError(fixture_->Send("GET", "/nope.js"), 404, "not_found");
  ExpectJsonError(fixture_->Send("POST", "/index.html", "{}"), 405, "method_not_allowed");
}

TEST_F(TransportTest, OpenApiListsEveryRoute) {
  const TestResponse r = fixture_->Send("GET", "/api/v1/openapi.json");
  ASSERT_EQ(r.status, 200);
  const auto doc = r.Json();
  EXPECT_EQ(doc["openapi"].get<std::string>().substr(0, 2), "3.");
  for (const auto& route : fixture_->api().routes().routes()) {
    std::string method = route.method;
    for (auto& ch : method) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    ASSERT_TRUE(doc["paths"].contains(route.pattern)) << route.pattern;
    EXPECT_TRUE(doc["paths"][route.pattern].contains(method)) << route.method << " " << route.pattern;
  }
}

}  // namespace
}  // namespace ldn::testing
