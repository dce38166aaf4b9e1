#include "pharmacology/pk_parameters.h"

#include <cmath>
#include <map>
#include <numbers>

#include <fmt/format.h>

#include "core/dose.h"
#include "core/json_reader.h"
#include "core/knowledge_files.h"

namespace ldn::pharmacology {
namespace {

struct NumericSpec {
  double PkParameters::*member;  // nullptr for check-only entries
  double min;
  double max;
};

// Plausibility ranges guard against unit slips in the data file (e.g. a half-life typed in minutes).
const std::map<std::string, NumericSpec, std::less<>>& Specs() {
  static const auto* specs = new std::map<std::string, NumericSpec, std::less<>>{
      {"naltrexone.ka", {&PkParameters::ka_per_h, 0.1, 20}},
      {"naltrexone.half_life", {&PkParameters::naltrexone_half_life_h, 0.5, 48}},
      {"naltrexone.v_f", {&PkParameters::naltrexone_v_f_l, 10, 100000}},
      {"naltrexone.cl_f", {nullptr, 1, 10000}},
      {"naltrexol.ka", {nullptr, 0.1, 20}},
      {"naltrexol.half_life", {&PkParameters::naltrexol_half_life_h, 0.5, 96}},
      {"naltrexol.v_f", {&PkParameters::naltrexol_v_f_l, 10, 100000}},
      {"naltrexol.cl_f", {nullptr, 0.1, 10000}},
      {"linearity.studied_min_mg", {&PkParameters::linearity_studied_min_mg, 0, 1000}},
      {"occupancy.ec50_direct", {&PkParameters::ec50_direct_ng_ml, 1e-3, 1000}},
      {"occupancy.ke0_half_life", {&PkParameters::ke0_half_life_h, 0.01, 200}},
      {"occupancy.ec50_effect_calibration", {&PkParameters::ec50_calibration_dose_mg, 0.01, 1000}},
      {"occupancy.trostheim_ed50", {&PkParameters::trostheim_ed50_mg, 0.01, 1000}},
      {"iiv.cl_f_cv", {&PkParameters::iiv_cl_f_cv, 0, 3}},
      {"iiv.v_f_cv", {&PkParameters::iiv_v_f_cv, 0, 3}},
      {"iiv.naltrexol_cl_f_cv", {&PkParameters::iiv_naltrexol_cl_f_cv, 0, 3}},
      {"iiv.ec50_cv", {&PkParameters::iiv_ec50_cv, 0, 3}},
      {"molar_mass.naltrexone_hcl", {&PkParameters::molar_mass_hcl, 100, 1000}},
      {"molar_mass.naltrexone_base", {&PkParameters::molar_mass_base, 100, 1000}},
  };
  return *specs;
}

Status CheckWithin(double reported, double derived, double rel_tol, std::string_view field) {
  if (std::fabs(reported - derived) > rel_tol * derived) {
    return Status::InvalidArgument(std::string(field),
                                   fmt::format("{} disagrees with the value derived from the other parameters ({:.4g}) "
                                               "by more than {:.0f}%",
                                               reported, derived, rel_tol * 100));
  }
  return Status::Ok();
}

}  // namespace

double PkParameters::naltrexone_cl_f_l_h() const {
  return naltrexone_v_f_l * std::numbers::ln2 / naltrexone_half_life_h;
}
double PkParameters::naltrexol_cl_f_l_h() const {
  return naltrexol_v_f_l * std::numbers::ln2 / naltrexol_half_life_h;
}

Result<PkParameters> ParsePkParameters(std::string_view json_text) {
  LDN_ASSIGN_OR_RETURN(nlohmann::json doc, ParseJson(json_text));
  LDN_ASSIGN_OR_RETURN(JsonObject root, JsonObject::Of(doc, ""));
  LDN_ASSIGN_OR_RETURN(std::string version, root.String("version"));
  LDN_ASSIGN_OR_RETURN(std::string description, root.String("description"));
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* entries, root.Array("entries"));
  LDN_RETURN_IF_ERROR(root.RejectUnknownKeys());
  (void)version;
  (void)description;

  PkParameters p;
  std::map<std::string, double, std::less<>> seen;
  bool basis_seen = false;
  for (size_t i = 0; i < entries->size(); ++i) {
    const std::string path = IndexPath("entries", i);
    LDN_ASSIGN_OR_RETURN(JsonObject e, JsonObject::Of((*entries)[i], path));
    ParameterRecord r;
    LDN_ASSIGN_OR_RETURN(r.id, e.String("id"));
    LDN_ASSIGN_OR_RETURN(r.unit, e.String("unit"));
    LDN_ASSIGN_OR_RETURN(r.trust, e.String("trust"));
    LDN_ASSIGN_OR_RETURN(r.assumption, e.Bool("assumption"));
    LDN_ASSIGN_OR_RETURN(r.source, e.String("source"));
    if (r.trust != "H" && r.trust != "M" && r.trust != "L") {
      return Status::InvalidArgument(e.PathOf("trust"), "must be \"H\", \"M\" or \"L\"");
    }
    if (r.source.empty()) return Status::InvalidArgument(e.PathOf("source"), "must not be empty");
    if (seen.contains(r.id) || (r.id == "dose_basis" && basis_seen)) {
      return Status::InvalidArgument(e.PathOf("id"), fmt::format("duplicate id '{}'", r.id));
    }
    if (r.id == "dose_basis") {
      LDN_ASSIGN_OR_RETURN(std::string basis, e.String("value"));
      if (basis != "naltrexone HCl") {
        return Status::InvalidArgument(e.PathOf("value"), "the model is parametrised per mg of naltrexone HCl");
      }
      basis_seen = true;
    } else {
      auto spec = Specs().find(r.id);
      if (spec == Specs().end()) return Status::InvalidArgument(e.PathOf("id"), fmt::format("unknown id '{}'", r.id));
      LDN_ASSIGN_OR_RETURN(r.value, e.Number("value", spec->second.min, spec->second.max));
      if (spec->second.member != nullptr) p.*(spec->second.member) = r.value;
      seen[r.id] = r.value;
    }
    LDN_RETURN_IF_ERROR(e.RejectUnknownKeys());
    p.records.push_back(std::move(r));
  }
  if (!basis_seen) return Status::InvalidArgument("entries", "missing entry 'dose_basis'");
  for (const auto& [id, spec] : Specs()) {
    if (!seen.contains(id)) return Status::InvalidArgument("entries", fmt::format("missing entry '{}'", id));
  }
  // Consistency checks of the derived A2 values (pharmacology-facts.md A2 lists both V/F and CL/F).
  LDN_RETURN_IF_ERROR(CheckWithin(seen["naltrexone.cl_f"], p.naltrexone_cl_f_l_h(), 0.02, "naltrexone.cl_f"));
  LDN_RETURN_IF_ERROR(CheckWithin(seen["naltrexol.cl_f"], p.naltrexol_cl_f_l_h(), 0.02, "naltrexol.cl_f"));
  // The metabolite is formed presystemically with the parent's ka (A2); the model has one ka.
  if (seen["naltrexol.ka"] != p.ka_per_h) {
    return Status::InvalidArgument("naltrexol.ka", "must equal naltrexone.ka (formed presystemically, same ka)");
  }
  LDN_RETURN_IF_ERROR(CheckWithin(p.molar_mass_hcl, kNaltrexoneHclMolarMass, 1e-9, "molar_mass.naltrexone_hcl"));
  LDN_RETURN_IF_ERROR(CheckWithin(p.molar_mass_base, kNaltrexoneBaseMolarMass, 1e-9, "molar_mass.naltrexone_base"));
  return p;
}

Result<PkParameters> DefaultPkParameters() {
  auto text = KnowledgeFileText("pk_parameters.json");
  if (!text.ok()) return Status::Internal("data/pk_parameters.json is not embedded: " + text.status().ToString());
  auto p = ParsePkParameters(*text);
  if (!p.ok()) return Status::Internal("data/pk_parameters.json is invalid: " + p.status().ToString());
  return p;
}

}  // namespace ldn::pharmacology
