#include "server/router.h"

#include <gtest/gtest.h>

namespace ldn::server {
namespace {

TEST(SplitPathTest, SplitsOnSlashes) {
  EXPECT_EQ(SplitPath("/a/{b}/c"), (std::vector<std::string>{"a", "{b}", "c"}));
  EXPECT_EQ(SplitPath("/"), std::vector<std::string>{});
  EXPECT_EQ(SplitPath(""), std::vector<std::string>{});
  EXPECT_EQ(SplitPath("/a/"), (std::vector<std::string>{"a", ""}));
}

RouteTable Table() {
  RouteTable t;
  Access a;
  a.audience = Audience::kPublic;
  for (const auto& [m, p] :
       std::vector<std::pair<std::string, std::string>>{{"GET", "/api/v1/patients/{patient_id}/diary/{date}"},
                                                        {"PUT", "/api/v1/patients/{patient_id}/diary/{date}"},
                                                        {"POST", "/api/v1/patients/{patient_id}/diary:batch"},
                                                        {"GET", "/api/v1/health"}}) {
    t.Add({m, p, a, nullptr, "", "", {}});
  }
  return t;
}

TEST(RouteTableTest, MatchesLiteralsAndCapturesParameters) {
  const RouteTable t = Table();
  auto m = t.Find("PUT", SplitPath("/api/v1/patients/12/diary/2026-11-20"));
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->method, "PUT");
  EXPECT_EQ(m.params.at("patient_id"), "12");
  EXPECT_EQ(m.params.at("date"), "2026-11-20");
  m = t.Find("POST", SplitPath("/api/v1/patients/12/diary:batch"));
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params.at("patient_id"), "12");
}

TEST(RouteTableTest, WrongMethodListsTheAllowedOnes) {
  const auto m = Table().Find("DELETE", SplitPath("/api/v1/patients/12/diary/2026-11-20"));
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allowed_methods, (std::vector<std::string>{"GET", "PUT"}));
}

TEST(RouteTableTest, NoMatchForOtherShapesOrEmptyParameters) {
  const RouteTable t = Table();
  EXPECT_EQ(t.Find("GET", SplitPath("/api/v1/patients//diary/2026-11-20")).route, nullptr);
  EXPECT_EQ(t.Find("GET", SplitPath("/api/v1/patients/12/diary")).route, nullptr);
  EXPECT_EQ(t.Find("GET", SplitPath("/api/v1/health/")).route, nullptr);
  EXPECT_TRUE(t.Find("GET", SplitPath("/api/v1/healthz")).allowed_methods.empty());
}

}  // namespace
}  // namespace ldn::server
