#include "server/static_files.h"

#include <fstream>

#include <gtest/gtest.h>

#include "server/auth.h"
#include "server/router.h"

namespace ldn::server {
namespace {

TEST(MimeTypeTest, KnownExtensionsCaseInsensitiveAndADefault) {
  EXPECT_EQ(MimeTypeFor("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(MimeTypeFor("APP.JS"), "text/javascript; charset=utf-8");
  EXPECT_EQ(MimeTypeFor("a.b.css"), "text/css; charset=utf-8");
  EXPECT_EQ(MimeTypeFor("logo.svg"), "image/svg+xml");
  EXPECT_EQ(MimeTypeFor("data.json"), "application/json");
  EXPECT_EQ(MimeTypeFor("archive.tar.gz"), "application/octet-stream");
  EXPECT_EQ(MimeTypeFor("README"), "application/octet-stream");
}

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    std::string tmpl = (std::filesystem::temp_directory_path() / "ldn-static-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
    std::filesystem::create_directories(dir_ / "web" / "js");
    std::ofstream(dir_ / "web" / "index.html") << "<p>hi</p>";
    std::ofstream(dir_ / "web" / "js" / "app.js") << "export {}";
    std::ofstream(dir_ / "secret.txt") << "secret";
    std::filesystem::create_symlink(dir_ / "secret.txt", dir_ / "web" / "link.txt");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(StaticFilesTest, ServesFilesWithETagAnd304) {
  StaticFiles files(dir_ / "web");
  HttpResponse r = files.Serve("GET", SplitPath("/js/app.js"), "");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "export {}");
  std::string etag;
  for (const auto& [k, v] : r.headers) {
    if (k == "ETag") etag = v;
  }
  ASSERT_EQ(etag.size(), 34u);  // quoted 128-bit hex
  EXPECT_EQ(files.Serve("GET", SplitPath("/js/app.js"), etag).status, 304);
  EXPECT_EQ(files.Serve("GET", SplitPath("/js/app.js"), "\"other\", W/" + etag).status, 304);
  EXPECT_EQ(files.Serve("GET", SplitPath("/js/app.js"), "*").status, 304);
  EXPECT_EQ(files.Serve("GET", SplitPath("/js/app.js"), "\"other\"").status, 200);
  std::ofstream(dir_ / "web" / "js" / "app.js") << "export {changed}";
  EXPECT_EQ(files.Serve("GET", SplitPath("/js/app.js"), etag).status, 200);
  EXPECT_EQ(files.Serve("GET", SplitPath("/"), "").body, "<p>hi</p>");
}

TEST_F(StaticFilesTest, RefusesEscapes) {
  StaticFiles files(dir_ / "web");
  EXPECT_EQ(files.Serve("GET", {"..", "secret.txt"}, "").status, 400);
  EXPECT_EQ(files.Serve("GET", {"js", "..", "..", "secret.txt"}, "").status, 400);
  EXPECT_EQ(files.Serve("GET", {"..%2fsecret.txt"}, "").status, 400);      // never decoded twice; hidden name
  EXPECT_EQ(files.Serve("GET", {"x%2f..%2fsecret.txt"}, "").status, 404);  // a plain (missing) name
  EXPECT_EQ(files.Serve("GET", {"js/../../secret.txt"}, "").status, 400);  // a decoded %2F
  EXPECT_EQ(files.Serve("GET", {"link.txt"}, "").status, 404);             // symlink out of the root
  EXPECT_EQ(files.Serve("GET", {"js"}, "").status, 404);                   // no directory listing
  EXPECT_EQ(files.Serve("DELETE", {"index.html"}, "").status, 405);
  EXPECT_EQ(StaticFiles(dir_ / "nope").Serve("GET", {"index.html"}, "").status, 404);
}

}  // namespace
}  // namespace ldn::server
