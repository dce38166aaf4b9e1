#include "server/static_files.h"

#include <fstream>

#include <gtest/gtest.h>

#include "server/auth.h"
#include "server/router.h"
#include "support/command_output.h"

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

std::string Header(const HttpResponse& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

// gunzip through a pipe to the system's gzip: an implementation other than the server's zlib call.
std::string Gunzip(const std::string& bytes, const std::filesystem::path& dir) {
  const auto file = dir / "body.gz";
  std::ofstream(file, std::ios::binary) << bytes;
  return test_support::CommandOutput("gzip -dc '" + file.string() + "'");
}

TEST(AcceptsGzipTest, ListsQValuesAndWildcards) {
  EXPECT_TRUE(AcceptsGzip("gzip, deflate, br"));
  EXPECT_TRUE(AcceptsGzip("br;q=1.0, GZIP;q=0.5"));
  EXPECT_TRUE(AcceptsGzip("*"));
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("identity"));
  EXPECT_FALSE(AcceptsGzip("br, deflate"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip; q=0.000, br"));
  EXPECT_FALSE(AcceptsGzip("x-gzip"));
}

// Text files of 1 KB or more go gzipped to a client that accepts it, with an ETag of their own
// and Vary; small files, images and clients that do not accept gzip get the file as it is.
TEST_F(StaticFilesTest, GzipsTextForClientsThatAcceptIt) {
  std::string big;
  for (int i = 0; i < 200; ++i) big += "export const line" + std::to_string(i) + " = 'the same words again';\n";
  std::ofstream(dir_ / "web" / "js" / "big.js") << big;
  std::ofstream(dir_ / "web" / "icon.png", std::ios::binary) << std::string(4096, 'x');
  StaticFiles files(dir_ / "web");

  const HttpResponse plain = files.Serve("GET", SplitPath("/js/big.js"), "");
  EXPECT_EQ(plain.body, big);
  EXPECT_EQ(Header(plain, "Content-Encoding"), "");
  EXPECT_EQ(Header(plain, "Vary"), "Accept-Encoding");

  const HttpResponse gz = files.Serve("GET", SplitPath("/js/big.js"), "", "gzip, deflate, br");
  ASSERT_EQ(gz.status, 200);
  EXPECT_EQ(Header(gz, "Content-Encoding"), "gzip");
  EXPECT_EQ(Header(gz, "Vary"), "Accept-Encoding");
  EXPECT_EQ(gz.content_type, "text/javascript; charset=utf-8");
  EXPECT_LT(gz.body.size(), big.size() / 4);
  EXPECT_EQ(Gunzip(gz.body, dir_), big);
  const std::string etag = Header(gz, "ETag");
  EXPECT_EQ(etag, Header(plain, "ETag").substr(0, 33) + "-gzip\"");
  EXPECT_EQ(files.Serve("GET", SplitPath("/js/big.js"), etag, "gzip").status, 304);
  EXPECT_EQ(files.Serve("GET", SplitPath("/js/big.js"), etag, "").status, 200) << "the identity file is another one";
  EXPECT_EQ(files.Serve("GET", SplitPath("/js/big.js"), "", "gzip").body, gz.body) << "served again from the cache";

  EXPECT_EQ(Header(files.Serve("GET", SplitPath("/js/app.js"), "", "gzip"), "Content-Encoding"), "") << "under 1 KB";
  const HttpResponse png = files.Serve("GET", SplitPath("/icon.png"), "", "gzip");
  EXPECT_EQ(Header(png, "Content-Encoding"), "");
  EXPECT_EQ(Header(png, "Vary"), "");
  EXPECT_EQ(Header(files.Serve("GET", SplitPath("/js/big.js"), "", "gzip;q=0"), "Content-Encoding"), "");
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
