#include "core/dose.h"

#include <cassert>
#include <cmath>

#include <fmt/format.h>

namespace ldn {

Dose Dose::FromMicrogramsHcl(int64_t micrograms) {
  assert(micrograms >= 0);
  return Dose(micrograms);
}

Result<Dose> Dose::FromMilligramsHcl(double mg, std::string_view field) {
  if (!std::isfinite(mg)) return Status::InvalidArgument(std::string(field), "dose must be a finite number of mg");
  if (mg < 0)
    return Status::InvalidArgument(std::string(field), fmt::format("dose must not be negative (got {} mg)", mg));
  if (mg > 1'000'000)
    return Status::InvalidArgument(std::string(field), fmt::format("dose {} mg is not plausible", mg));
  const double ug = mg * 1000.0;
  const double rounded = std::round(ug);
  // 1e-6 ug of slack absorbs binary representation error of decimal input such as 4.5 or 0.1.
  if (std::fabs(ug - rounded) > 1e-6 * std::max(1.0, ug)) {
    return Status::InvalidArgument(std::string(field),
                                   fmt::format("dose {} mg is finer than 1 microgram (use at most 3 decimals)", mg));
  }
  return Dose(static_cast<int64_t>(rounded));
}

double Dose::milligrams_base() const {
  return milligrams_hcl() * kNaltrexoneBaseMolarMass / kNaltrexoneHclMolarMass;
}

std::string FormatMilligrams(double mg) {
  std::string s = fmt::format("{:.3f}", mg);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

std::string Dose::FormatMg() const {
  return FormatMilligrams(milligrams_hcl());
}

std::string Dose::ToString() const {
  return FormatMg() + " mg naltrexone HCl";
}

}  // namespace ldn
