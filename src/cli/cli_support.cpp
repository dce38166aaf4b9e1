#include "cli/cli_support.h"

#include <cmath>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include <fmt/format.h>

namespace ldn::cli {

int ExitCodeFor(Code code) {
  switch (code) {
    case Code::kOk: return kExitOk;
    case Code::kInvalidArgument:
    case Code::kNotFound:
    case Code::kConflict: return kExitBadInput;
    case Code::kUnauthenticated:
    case Code::kPermissionDenied:
    case Code::kUnavailable:
    case Code::kInternal: return kExitFailure;
  }
  return kExitFailure;
}

Result<std::string> ReadInput(const std::string& path_or_dash, std::string_view field) {
  if (path_or_dash == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    return ss.str();
  }
  std::ifstream in(path_or_dash, std::ios::binary);
  if (!in) {
    return Status::InvalidArgument(std::string(field), fmt::format("cannot read file '{}'", path_or_dash));
  }
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

int ReportError(std::string_view verb, const Status& status) {
  std::cerr << fmt::format("ldn {}: error: {}\n", verb, status.ToString());
  return ExitCodeFor(status.code());
}

void PrintJson(const nlohmann::json& j) {
  std::cout << j.dump(2) << "\n";
}

double Round(double value, int decimals) {
  const double f = std::pow(10.0, decimals);
  double r = std::round(value * f) / f;
  return r == 0.0 ? 0.0 : r;  // no "-0"
}

}  // namespace ldn::cli
