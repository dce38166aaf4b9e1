// A prescription as an order a pharmacy can fill: the titration plan's steps turned into dated
// directions in mg and in mL (oral liquid) or capsules, the quantity and days' supply of each fill,
// and renewals -- every fill within the formulation's beyond-use date (BUD).
//
// Rules (docs/clinic.md, "Prescriptions as orders"):
//  - A fill covers `days_supply` consecutive days from its first day; fill k (0-based) starts
//    k x renewal_interval_days after the order's start. days_supply is at most the BUD in days:
//    a preparation made on the day a fill is dispensed must not be used after its BUD (USP <795>
//    2023, BUD definition; data/bud.json).
//  - A fill's quantity is what its days need by the plan: for a liquid the sum of the daily doses
//    divided by the concentration, rounded up to a whole mL; for capsules the sum of the daily
//    capsule counts, each step's dose being a whole number of capsules (else the strength does not
//    fit the plan). No overage is added (the pharmacy records any overfill on its batch).
//  - Renewals: 0-12, every interval_days (>= days_supply: supplies never overlap, so no stock is
//    kept past its BUD), the last fill starting within 366 days of the start.
// Doses are integer micrograms of naltrexone HCl; all arithmetic on them is integer.
#ifndef LDN_PHARMACY_ORDER_H_
#define LDN_PHARMACY_ORDER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/calendar.h"
#include "core/dose.h"
#include "core/result.h"
#include "pharmacy/bud.h"
#include "pharmacy/knowledge.h"

namespace ldn::pharmacy {

enum class OrderForm { kCapsule, kLiquid };
// "capsule" / "liquid".
std::string_view OrderFormName(OrderForm f);

// One step of the plan: a daily dose from start to end (inclusive; open when end is empty) at a
// time of day ("bedtime", "morning").
struct OrderStep {
  LocalDate start;
  std::optional<LocalDate> end;
  Dose dose = Dose::FromMicrogramsHcl(0);
  std::string time = "bedtime";
};

struct OrderRequest {
  OrderForm form = OrderForm::kLiquid;
  Dose strength = Dose::FromMicrogramsHcl(1000);  // per capsule, or per mL of liquid
  std::vector<OrderStep> steps;                   // the plan, in date order
  LocalDate start;                                // first day of the first fill
  int days_supply = 28;
  int renewals = 0;
  int renewal_interval_days = 0;  // required when renewals > 0
  int bud_days = 0;               // the formulation's BUD in days (OrderBud)
};

// The directions of one step within the days the order covers.
struct OrderLine {
  LocalDate from;
  LocalDate to;
  Dose dose = Dose::FromMicrogramsHcl(0);
  int64_t amount_centi = 0;  // per dose: 0.01 mL of liquid (rounded, halves up) or 0.01 capsules
  std::string time;
};

struct OrderFill {
  int number = 1;  // 1 = the first dispensing, 2 = the first renewal, ...
  LocalDate from;
  LocalDate to;
  int days_supply = 0;
  int64_t quantity = 0;  // whole mL or capsules
  int dosing_days = 0;   // days with a dose in the plan (0 before the plan starts)
};

struct Order {
  OrderForm form = OrderForm::kLiquid;
  Dose strength = Dose::FromMicrogramsHcl(0);
  std::string unit;  // "mL" / "capsules"
  LocalDate start;
  LocalDate end;  // last day of the last fill
  std::vector<OrderLine> lines;
  std::vector<OrderFill> fills;
  int renewals = 0;
  int renewal_interval_days = 0;
};

// Builds the order. Fails with kInvalidArgument naming:
//   "days_supply"            outside 1..bud_days (the message gives the BUD);
//   "renewals.number"        outside 0..12; "renewals.interval_days" below days_supply, or the
//                            last fill starting more than 366 days after the start;
//   "formulation.strength_mg" when a step's dose is not a whole number of capsules;
//   "start"                  when no step of the plan doses within the first fill.
// REQUIRES: steps non-empty and in date order; bud_days >= 1.
Result<Order> BuildOrder(const OrderRequest& request);

// The BUD of the formulation an order names, as the pharmacy's worksheet computes it for a
// preparation made on `prepared` with no component expiry known: capsules in microcrystalline
// cellulose at room temperature (USP <795> solid, 180 days), or the Fawcett 1997 preserved
// oral liquid in the refrigerator (60 days at 1 mg/mL from its study; the USP preserved-aqueous
// default, capped by studied neighbours, at other concentrations). data/bud.json.
Result<BudResult> OrderBud(const CompoundingKnowledge& k, OrderForm form, Dose strength, LocalDate prepared);

// "1.5 mg = 1.5 mL" / "3 mg = 2 capsules".
std::string AmountText(const Order& order, const OrderLine& line);
// "2026-12-01 to 2026-12-07: 1.5 mg (1.5 mL) by mouth once daily at bedtime".
std::string LineText(const Order& order, const OrderLine& line);
// All lines in one sentence for a label: "Take by mouth once daily: ...; then ...".
std::string DirectionsText(const Order& order);
// The directions for the dispensing label, which holds at most kLabelDirectionsMax characters
// (pharmacy/preparation.h, CheckDispensing): DirectionsText when it fits, else the first and last
// steps with a pointer to the dated schedule that the prescription and its worksheet carry:
// "Take by mouth once daily at bedtime: 1 mg = 1 mL from 2026-12-01, rising step by step to
// 4 mg = 4 mL from 2026-12-22, as on the dated schedule.".
inline constexpr size_t kLabelDirectionsMax = 200;
std::string LabelDirectionsText(const Order& order);

// {"form", "strength_mg", "strength_ug", "unit", "start", "end", "days_supply", "quantity",
//  "lines": [{"from","to","dose_mg","dose_ug","amount","unit","time","text"}],
//  "fills": [{"number","from","to","days_supply","quantity","dosing_days"}],
//  "renewals": {"number","interval_days"}, "directions", "label_directions"}; quantity and days_supply are the first
// fill's.
nlohmann::json OrderToJson(const Order& order);

}  // namespace ldn::pharmacy

#endif  // LDN_PHARMACY_ORDER_H_
