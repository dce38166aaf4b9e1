#include "server/http_errors.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ldn::server {
namespace {

TEST(HttpErrorsTest, EveryCodeMapsToItsStatus) {
  EXPECT_EQ(HttpStatusFor(Code::kOk), 200);
  EXPECT_EQ(HttpStatusFor(Code::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(Code::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusFor(Code::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusFor(Code::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(Code::kConflict), 409);
  EXPECT_EQ(HttpStatusFor(Code::kInternal), 500);
  EXPECT_EQ(HttpStatusFor(Code::kUnavailable), 503);
}

TEST(HttpErrorsTest, ErrorResponseCarriesCodeMessageAndField) {
  const HttpResponse r = ErrorResponse(Status::InvalidArgument("diary.pain", "must be 0-10"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.content_type, "application/json");
  const auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["error"]["code"], "invalid_argument");
  EXPECT_EQ(j["error"]["message"], "must be 0-10");
  EXPECT_EQ(j["error"]["field"], "diary.pain");
}

TEST(HttpErrorsTest, EmptyFieldIsNull) {
  const auto j = nlohmann::json::parse(ErrorResponse(Status::NotFound("no such patient")).body);
  EXPECT_TRUE(j["error"]["field"].is_null());
}

TEST(HttpErrorsTest, InvalidUtf8InAMessageDoesNotThrow) {
  const std::string body = ErrorBody("bad_request", std::string("bad \xff byte"), "");
  EXPECT_TRUE(nlohmann::json::accept(body));
}

TEST(HttpErrorsTest, ProtocolErrorsHaveTheirStatusesAndHeaders) {
  EXPECT_EQ(PayloadTooLarge(10).status, 413);
  EXPECT_EQ(HeaderTooLarge(10).status, 431);
  EXPECT_EQ(UnsupportedMediaType("application/json").status, 415);
  const HttpResponse m = MethodNotAllowed("GET, PUT");
  EXPECT_EQ(m.status, 405);
  ASSERT_EQ(m.headers.size(), 1u);
  EXPECT_EQ(m.headers[0].first, "Allow");
  const HttpResponse t = TooManyRequests("slow down", 30);
  EXPECT_EQ(t.status, 429);
  EXPECT_EQ(t.headers[0].second, "30");
}

}  // namespace
}  // namespace ldn::server
