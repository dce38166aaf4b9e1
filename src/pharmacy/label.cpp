#include "pharmacy/label.h"

#include <cmath>

#include <fmt/format.h>

namespace ldn::pharmacy {
namespace {
constexpr char kBlank[] = "______________________________";
}  // namespace

std::string FormatBaseMg(double mg) {
  std::string s = fmt::format("{:.2f}", mg);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

std::vector<std::string> LabelLines(const Label& l) {
  std::vector<std::string> lines;
  lines.push_back(fmt::format("{} {}    Prepared: {}", l.blinded ? "Code:" : "Rx/batch:", l.rx_id, l.prepared));
  lines.push_back(fmt::format("Patient: {}", l.patient.empty() ? kBlank : l.patient));
  lines.push_back(l.product);
  lines.push_back(l.strength);
  lines.push_back(fmt::format("Quantity: {}    Form: {}", l.quantity, l.form));
  lines.push_back(fmt::format("Directions: {}", l.directions));
  lines.push_back(fmt::format("Beyond-use date: do not use after {}", l.bud));
  lines.push_back(l.storage);
  for (const std::string& w : l.warnings) lines.push_back(w);
  for (const std::string& a : l.auxiliary) lines.push_back(fmt::format("[{}]", a));
  lines.push_back(l.compounded_statement);
  lines.push_back(fmt::format("Pharmacy: {}", l.pharmacy.empty() ? kBlank : l.pharmacy));
  return lines;
}

Label BlindLabel(const Label& active, const std::string& code, const std::string& bud, const std::string& statement) {
  Label b = active;
  b.blinded = true;
  b.rx_id = code;
  b.bud = bud;
  const std::string unit = active.form == "capsule" ? "capsules" : active.form;
  b.product = fmt::format("Blinded trial {}: naltrexone HCl {} mg{} or placebo", unit, active.strength_hcl.FormatMg(),
                          active.form == "capsule" ? "" : "/mL");
  b.strength = fmt::format("{}: naltrexone hydrochloride {} mg (= {} mg naltrexone base) OR placebo. Code {}.",
                           active.form == "capsule" ? "Each capsule" : "Each mL", active.strength_hcl.FormatMg(),
                           FormatBaseMg(active.strength_base_mg), code);
  b.warnings.insert(b.warnings.begin(), statement);
  return b;
}

nlohmann::json LabelToJson(const Label& l) {
  nlohmann::json j;
  j["rx_id"] = l.rx_id;
  j["blinded"] = l.blinded;
  j["patient"] = l.patient.empty() ? nlohmann::json(nullptr) : nlohmann::json(l.patient);
  j["product"] = l.product;
  j["ingredient_salt"] = "naltrexone hydrochloride (HCl)";
  j["strength"] = l.strength;
  if (l.blinded) {
    j["strength_mg_hcl"] = nullptr;
    j["strength_mg_base"] = nullptr;
  } else {
    j["strength_mg_hcl"] = l.strength_hcl.milligrams_hcl();
    j["strength_mg_base"] = std::round(l.strength_base_mg * 1000) / 1000;
  }
  j["form"] = l.form;
  j["quantity"] = l.quantity;
  j["directions"] = l.directions;
  j["prepared"] = l.prepared;
  j["bud"] = l.bud;
  j["storage"] = l.storage;
  j["compounded_statement"] = l.compounded_statement;
  j["warnings"] = l.warnings;
  j["auxiliary"] = l.auxiliary;
  j["pharmacy"] = l.pharmacy.empty() ? nlohmann::json(nullptr) : nlohmann::json(l.pharmacy);
  j["lines"] = LabelLines(l);
  return j;
}

}  // namespace ldn::pharmacy
