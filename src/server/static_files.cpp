#include "server/static_files.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <iterator>
#include <mutex>
#include <optional>
#include <unordered_map>

#include <sodium.h>
#include <zlib.h>

#include "server/http_errors.h"

namespace ldn::server {
namespace fs = std::filesystem;

std::string MimeTypeFor(std::string_view filename) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 18> kTypes = {{
      {".html", "text/html; charset=utf-8"},
      {".htm", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".ico", "image/x-icon"},
      {".webmanifest", "application/manifest+json"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".txt", "text/plain; charset=utf-8"},
      {".pdf", "application/pdf"},
      {".wasm", "application/wasm"},
  }};
  const size_t dot = filename.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  std::string ext(filename.substr(dot));
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& [e, t] : kTypes) {
    if (e == ext) return std::string(t);
  }
  return "application/octet-stream";
}

namespace {

HttpResponse NotFound() {
  HttpResponse r = ErrorResponse(Status::NotFound("no such file"));
  r.log_route = "static";
  return r;
}

// The ETag of `content`: a quoted 128-bit BLAKE2b hash in hex.
std::string ETagOf(const std::string& content) {
  unsigned char hash[16];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(content.data()), content.size(), nullptr,
                     0);
  char hex[sizeof hash * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  return std::string("\"") + hex + "\"";
}

// True when the If-None-Match list names `etag` (weak comparison, RFC 9110 13.1.2) or is "*".
bool NoneMatchHits(std::string_view header, std::string_view etag) {
  size_t i = 0;
  while (i < header.size()) {
    while (i < header.size() && (header[i] == ' ' || header[i] == ',' || header[i] == '\t')) ++i;
    size_t j = header.find(',', i);
    if (j == std::string_view::npos) j = header.size();
    std::string_view tag = header.substr(i, j - i);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag == "*") return true;
    if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);
    if (tag == etag) return true;
    i = j + 1;
  }
  return false;
}

// Worth compressing: text, not images or fonts that are compressed already.
bool Compressible(std::string_view mime) {
  return mime.starts_with("text/") || mime.starts_with("application/json") ||
         mime.starts_with("application/manifest+json") || mime.starts_with("image/svg+xml");
}

// `content` as a gzip member (RFC 1952) at zlib's default level; nullopt when zlib fails.
std::optional<std::string> Gzip(const std::string& content) {
  z_stream z{};
  // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return std::nullopt;
  std::string out(deflateBound(&z, static_cast<uLong>(content.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(content.data()));
  z.avail_in = static_cast<uInt>(content.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return std::nullopt;
  return out;
}

constexpr size_t kGzipMinimum = 1024;      // smaller files gain less than the header costs
constexpr size_t kGzipCacheEntries = 512;  // the web app has about 60 files; emptied when full

}  // namespace

bool AcceptsGzip(std::string_view header) {
  size_t i = 0;
  while (i < header.size()) {
    size_t j = header.find(',', i);
    if (j == std::string_view::npos) j = header.size();
    std::string_view item = header.substr(i, j - i);
    i = j + 1;
    std::string_view coding = item.substr(0, item.find(';'));
    auto trim = [](std::string_view v) {
      while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
      while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
      return v;
    };
    coding = trim(coding);
    std::string lower(coding);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower != "gzip" && lower != "*") continue;
    // A q-value of 0 (0, 0.0, 0.000) refuses the coding.
    const size_t q = item.find(";");
    if (q != std::string_view::npos) {
      std::string_view param = trim(item.substr(q + 1));
      if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
        std::string_view v = trim(param.substr(2));
        if (!v.empty() && v.find_first_not_of("0.") == std::string_view::npos) continue;
      }
    }
    return true;
  }
  return false;
}

struct StaticFiles::GzipCache {
  std::mutex mu;
  std::unordered_map<std::string, std::string> by_etag;
};

StaticFiles::StaticFiles(std::filesystem::path root) : root_(std::move(root)), gzip_(std::make_shared<GzipCache>()) {}

HttpResponse StaticFiles::Serve(std::string_view method, const std::vector<std::string>& segments,
                                std::string_view if_none_match, std::string_view accept_encoding) const {
  if (method != "GET" && method != "HEAD") {
    HttpResponse r = MethodNotAllowed("GET, HEAD");
    r.log_route = "static";
    return r;
  }
  for (const std::string& s : segments) {
    const bool bad = s == "." || s == ".." || (!s.empty() && s[0] == '.') || s.find('/') != std::string::npos ||
                     s.find('\\') != std::string::npos || s.find('\0') != std::string::npos;
    if (bad) {
      HttpResponse r = BadRequest("the path must not contain '.', '..', hidden or encoded-separator segments", "path");
      r.log_route = "static";
      return r;
    }
  }
  std::error_code ec;
  const fs::path root = fs::canonical(root_, ec);
  if (ec || !fs::is_directory(root, ec)) return NotFound();
  fs::path p = root;
  for (const std::string& s : segments) {
    if (!s.empty()) p /= s;
  }
  if (segments.empty() || (segments.size() == 1 && segments[0].empty())) p = root / "index.html";
  const fs::path real = fs::canonical(p, ec);
  if (ec) return NotFound();
  // Second guard: symlinks or anything else must not lead outside the root.
  const auto [root_end, real_it] = std::mismatch(root.begin(), root.end(), real.begin(), real.end());
  if (root_end != root.end()) return NotFound();
  if (!fs::is_regular_file(real, ec)) return NotFound();  // directories are never listed
  std::ifstream in(real, std::ios::binary);
  if (!in) return NotFound();
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  HttpResponse r;
  r.log_route = "static";
  const std::string mime = MimeTypeFor(real.filename().string());
  const bool text = Compressible(mime);
  std::string etag = ETagOf(content);
  std::optional<std::string> gzipped;
  if (text && content.size() >= kGzipMinimum && AcceptsGzip(accept_encoding)) {
    std::lock_guard<std::mutex> lock(gzip_->mu);
    if (auto it = gzip_->by_etag.find(etag); it != gzip_->by_etag.end()) {
      gzipped = it->second;
    } else if ((gzipped = Gzip(content))) {
      if (gzip_->by_etag.size() >= kGzipCacheEntries) gzip_->by_etag.clear();
      gzip_->by_etag.emplace(etag, *gzipped);
    }
    if (gzipped && gzipped->size() >= content.size()) gzipped.reset();
  }
  // Another representation, another strong validator (RFC 9110 8.8.3).
  if (gzipped) etag.insert(etag.size() - 1, "-gzip");
  r.headers.emplace_back("ETag", etag);
  r.headers.emplace_back("Cache-Control", "no-cache");
  if (text) r.headers.emplace_back("Vary", "Accept-Encoding");
  if (!if_none_match.empty() && NoneMatchHits(if_none_match, etag)) {
    r.status = 304;
    r.content_type.clear();
    return r;
  }
  r.content_type = mime;
  if (gzipped) {
    r.headers.emplace_back("Content-Encoding", "gzip");
    r.body = std::move(*gzipped);
  } else {
    r.body = std::move(content);
  }
  r.head_only = method == "HEAD";
  return r;
}

}  // namespace ldn::server
