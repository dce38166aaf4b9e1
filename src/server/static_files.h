// Static files of the web front end (web/), served read-only.
//
// GET and HEAD only (others: 405). "/" serves index.html; a directory is never listed (404).
// The path is percent-decoded once; a request is refused with 400 (JSON error, field "path")
// when a decoded segment is "." or "..", starts with '.', or contains '/', '\\' or a NUL byte --
// so "/../x", "/%2e%2e/x" and "/a%2fb" never leave the root -- and, as a second guard, the
// resolved real path (symlinks followed) must lie inside the root. Files carry a strong ETag
// (a BLAKE2b hash of the content) and Cache-Control: no-cache; If-None-Match with that ETag (or
// "*") gives 304 with no body. Content-Type comes from the extension (MimeTypeFor).
#ifndef LDN_SERVER_STATIC_FILES_H_
#define LDN_SERVER_STATIC_FILES_H_

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/http_types.h"

namespace ldn::server {

// The Content-Type for a file name's extension (case-insensitive): text/html; charset=utf-8,
// text/css, text/javascript, application/json, image/svg+xml, image/png, ..., and
// application/octet-stream for anything unknown.
std::string MimeTypeFor(std::string_view filename);

// True when an Accept-Encoding header accepts gzip: "gzip" or "*" listed with a q-value above 0
// (RFC 9110 12.5.3).
bool AcceptsGzip(std::string_view accept_encoding);

// Serves files under one root directory. Thread-safe (a mutex guards the cache of compressed
// files).
class StaticFiles {
 public:
  // `root` may not exist (yet): while it does not, every request is 404. It is resolved on each
  // request, so a directory created or replaced later is served.
  explicit StaticFiles(std::filesystem::path root);

  // Answers `method` for the decoded path segments of the request (the transport's target after
  // percent-decoding; SplitPath form). `if_none_match` is the request's If-None-Match or empty.
  // Text files (HTML, CSS, JavaScript, JSON, SVG, the manifest) of 1 KB or more are sent gzipped
  // when `accept_encoding` accepts gzip (Content-Encoding: gzip, an ETag of their own ending in
  // "-gzip"); every text file says Vary: Accept-Encoding.
  HttpResponse Serve(std::string_view method, const std::vector<std::string>& segments, std::string_view if_none_match,
                     std::string_view accept_encoding = {}) const;

 private:
  struct GzipCache;
  std::filesystem::path root_;
  std::shared_ptr<GzipCache> gzip_;  // compressed files by the identity ETag
};

}  // namespace ldn::server

#endif  // LDN_SERVER_STATIC_FILES_H_
