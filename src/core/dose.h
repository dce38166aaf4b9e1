// Dose: an amount of naltrexone, held as integer micrograms of naltrexone hydrochloride.
//
// LDN doses, like the 50 mg commercial tablet, are stated as mg of the HCl salt
// (pharmacology-facts.md A2: "4.5 mg HCl = 4.07 mg base"). The salt is explicit in every name
// here so that a base amount cannot be mistaken for a salt amount.
#ifndef LDN_CORE_DOSE_H_
#define LDN_CORE_DOSE_H_

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace ldn {

// Molar masses, g/mol (pharmacology-facts.md A2; PubChem CID 5497121 naltrexone HCl,
// CID 5360515 naltrexone).
inline constexpr double kNaltrexoneHclMolarMass = 377.86;
inline constexpr double kNaltrexoneBaseMolarMass = 341.4;

// A non-negative amount of naltrexone HCl in whole micrograms. Value type; thread-compatible.
// Zero is allowed (a placebo dose); negative amounts cannot be constructed.
class Dose {
 public:
  // REQUIRES: micrograms >= 0.
  static Dose FromMicrogramsHcl(int64_t micrograms);

  // Converts milligrams of the HCl salt to a Dose.
  // Fails with kInvalidArgument naming `field` when mg is negative, not finite, above
  // 1,000,000 mg, or finer than 1 microgram (more than three decimals): a dose is never
  // silently rounded.
  static Result<Dose> FromMilligramsHcl(double mg, std::string_view field);

  int64_t micrograms_hcl() const { return micrograms_hcl_; }
  double milligrams_hcl() const { return static_cast<double>(micrograms_hcl_) / 1000.0; }
  // Equivalent mass of naltrexone base: HCl mass x 341.4 / 377.86.
  double milligrams_base() const;

  // "4.5" -- milligrams of HCl with no trailing zeros, for messages and JSON-adjacent text.
  std::string FormatMg() const;
  // "4.5 mg naltrexone HCl".
  std::string ToString() const;

  auto operator<=>(const Dose&) const = default;

 private:
  explicit Dose(int64_t micrograms) : micrograms_hcl_(micrograms) {}
  int64_t micrograms_hcl_;
};

// Formats a number of milligrams with up to three decimals and no trailing zeros ("0.5", "12").
std::string FormatMilligrams(double mg);

}  // namespace ldn

#endif  // LDN_CORE_DOSE_H_
