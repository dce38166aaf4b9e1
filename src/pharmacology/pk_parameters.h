// The parameters of the naltrexone / 6beta-naltrexol PK and mu-receptor occupancy model, read from the
// embedded knowledge-base file data/pk_parameters.json (every value there carries its source and trust).
//
// Units and basis: doses are mg of naltrexone HCl (pharmacology-facts.md A2: the 50 mg Cmax refers to the
// 50 mg HCl tablet); apparent volumes V/F (L) and clearances CL/F (L/h) are per mg HCl dosed;
// concentrations are ng/mL of naltrexone or 6beta-naltrexol as reported; rates are 1/h.
#ifndef LDN_PHARMACOLOGY_PK_PARAMETERS_H_
#define LDN_PHARMACOLOGY_PK_PARAMETERS_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace ldn::pharmacology {

// One knowledge-base entry, kept for provenance in outputs.
struct ParameterRecord {
  std::string id;
  double value = 0;  // 0 for the non-numeric "dose_basis" entry
  std::string unit;
  std::string trust;  // "H", "M" or "L" (pharmacology-facts.md legend)
  bool assumption = false;
  std::string source;
};

// Typical (population median) values. Value type; thread-compatible.
struct PkParameters {
  double ka_per_h = 0;                  // absorption rate, parent and metabolite (A2)
  double naltrexone_half_life_h = 0;    // elimination t1/2 (label, A1)
  double naltrexone_v_f_l = 0;          // apparent volume V/F (A2)
  double naltrexol_half_life_h = 0;     // 6beta-naltrexol t1/2 (label, A1)
  double naltrexol_v_f_l = 0;           // apparent volume of the metabolite per mg HCl dosed (A2)
  double linearity_studied_min_mg = 0;  // below this dose, concentrations are extrapolated (Meyer 1984)
  double ec50_direct_ng_ml = 0;         // direct Emax on plasma naltrexone (A4)
  double ke0_half_life_h = 0;           // effect-compartment equilibration t1/2 (ASSUMPTION)
  double ec50_calibration_dose_mg = 0;  // dose whose typical peak effect-site occupancy is 50% (ASSUMPTION)
  double trostheim_ed50_mg = 0;         // Troestheim 2022 dose-based ED50 (valid < 8 h)
  double iiv_cl_f_cv = 0;               // log-normal CVs (ASSUMPTIONS, A6)
  double iiv_v_f_cv = 0;
  double iiv_naltrexol_cl_f_cv = 0;
  double iiv_ec50_cv = 0;
  double molar_mass_hcl = 0;             // g/mol
  double molar_mass_base = 0;            // g/mol
  std::vector<ParameterRecord> records;  // every entry, in file order

  // Derived: CL/F = V/F * ln2 / t1/2 (one-compartment, Gibaldi & Perrier, Pharmacokinetics 2nd ed., ch. 1).
  double naltrexone_cl_f_l_h() const;
  double naltrexol_cl_f_l_h() const;
};

// Parses the text of a pk_parameters.json document. Fails with kInvalidArgument naming the entry
// ("entries[3].value") when the document is malformed, an id is unknown, duplicated or missing, a value
// is out of its plausible range, the dose basis is not "naltrexone HCl", the CL/F check values disagree
// with V/F*ln2/t1/2 by more than 2%, or the molar masses differ from core/dose.h.
Result<PkParameters> ParsePkParameters(std::string_view json_text);

// The parameters of the embedded data/pk_parameters.json. Fails with kInternal when the embedded file is
// missing or invalid (a build error).
Result<PkParameters> DefaultPkParameters();

}  // namespace ldn::pharmacology

#endif  // LDN_PHARMACOLOGY_PK_PARAMETERS_H_
