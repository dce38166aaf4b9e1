#include "server/router.h"

namespace ldn::server {

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> out;
  size_t i = 0;
  if (!path.empty() && path[0] == '/') i = 1;
  if (i >= path.size()) return out;
  while (true) {
    const size_t j = path.find('/', i);
    out.emplace_back(path.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i));
    if (j == std::string_view::npos) break;
    i = j + 1;
  }
  return out;
}

namespace {

bool IsParam(const std::string& seg) {
  return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

bool MatchPattern(const std::vector<std::string>& pattern, const std::vector<std::string>& segments,
                  std::map<std::string, std::string>* params) {
  if (pattern.size() != segments.size()) return false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (IsParam(pattern[i])) {
      if (segments[i].empty()) return false;
      (*params)[pattern[i].substr(1, pattern[i].size() - 2)] = segments[i];
    } else if (pattern[i] != segments[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

RouteTable::Match RouteTable::Find(std::string_view method, const std::vector<std::string>& segments) const {
  Match m;
  for (size_t i = 0; i < routes_.size(); ++i) {
    const Route& r = routes_[i];
    std::map<std::string, std::string> params;
    if (!MatchPattern(patterns_[i], segments, &params)) continue;
    if (r.method == method) {
      m.route = &r;
      m.params = std::move(params);
      m.allowed_methods.clear();
      return m;
    }
    m.allowed_methods.push_back(r.method);
  }
  return m;
}

}  // namespace ldn::server
