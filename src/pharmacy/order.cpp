#include "pharmacy/order.h"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

namespace ldn::pharmacy {
namespace {

constexpr int kMaxRenewals = 12;
// The last fill must start within a year: a common ceiling for renewing a non-controlled
// prescription (e.g. one year in most US states; UK repeatable prescriptions are first dispensed
// within six months, HMR 2012 reg. 217(5)). The prescriber's jurisdiction may be stricter.
constexpr int kMaxSpanDays = 366;

// The plan's dose on `day`, or nullptr before the plan starts.
const OrderStep* StepOn(const std::vector<OrderStep>& steps, LocalDate day) {
  const OrderStep* found = nullptr;
  for (const OrderStep& s : steps) {
    if (s.start <= day && (!s.end || *s.end >= day)) found = &s;
  }
  return found;
}

// "1.5" from 150 hundredths; "0.45" from 45; "2" from 200.
std::string Centi(int64_t centi) {
  std::string s = fmt::format("{}.{:02d}", centi / 100, centi % 100);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

std::string DayText(LocalDate d) {
  return FormatDate(d);
}

// "4.5 mg".
std::string Mg(Dose d) {
  return d.FormatMg() + " mg";
}

}  // namespace

std::string_view OrderFormName(OrderForm f) {
  return f == OrderForm::kCapsule ? "capsule" : "liquid";
}

Result<Order> BuildOrder(const OrderRequest& r) {
  if (r.steps.empty()) return Status::InvalidArgument("course_id", "the course's plan has no steps");
  if (r.bud_days < 1) return Status::Internal("BuildOrder: no beyond-use date");
  if (r.days_supply < 1 || r.days_supply > r.bud_days) {
    return Status::InvalidArgument(
        "days_supply", fmt::format("must be 1 to {} days: a fill may not outlast the preparation's beyond-use date "
                                   "({} days)",
                                   r.bud_days, r.bud_days));
  }
  if (r.renewals < 0 || r.renewals > kMaxRenewals) {
    return Status::InvalidArgument("renewals.number", fmt::format("must be 0 to {}", kMaxRenewals));
  }
  if (r.renewals > 0) {
    if (r.renewal_interval_days < r.days_supply) {
      return Status::InvalidArgument(
          "renewals.interval_days",
          fmt::format("must be at least the days' supply ({}): supplies may not overlap", r.days_supply));
    }
    if (r.renewals * r.renewal_interval_days > kMaxSpanDays) {
      return Status::InvalidArgument(
          "renewals.interval_days", fmt::format("the last renewal would start {} days after the first fill; at most {}",
                                                r.renewals * r.renewal_interval_days, kMaxSpanDays));
    }
  }
  const int64_t strength_ug = r.strength.micrograms_hcl();
  if (strength_ug <= 0) return Status::InvalidArgument("formulation.strength_mg", "must be above 0");

  Order o;
  o.form = r.form;
  o.strength = r.strength;
  o.unit = r.form == OrderForm::kLiquid ? "mL" : "capsules";
  o.start = r.start;
  o.renewals = r.renewals;
  o.renewal_interval_days = r.renewals > 0 ? r.renewal_interval_days : 0;
  for (int k = 0; k <= r.renewals; ++k) {
    OrderFill fill;
    fill.number = k + 1;
    fill.from = AddDays(r.start, k * o.renewal_interval_days);
    fill.to = AddDays(fill.from, r.days_supply - 1);
    fill.days_supply = r.days_supply;
    int64_t total_ug = 0;
    for (LocalDate d = fill.from; d <= fill.to; d = AddDays(d, 1)) {
      const OrderStep* s = StepOn(r.steps, d);
      if (s == nullptr) continue;
      const int64_t ug = s->dose.micrograms_hcl();
      if (r.form == OrderForm::kCapsule && ug % strength_ug != 0) {
        return Status::InvalidArgument(
            "formulation.strength_mg",
            fmt::format("{} capsules do not make the plan's {} dose from {}: choose a strength that divides every "
                        "step (e.g. {})",
                        Mg(r.strength), Mg(s->dose), DayText(std::max(s->start, fill.from)),
                        Mg(Dose::FromMicrogramsHcl(std::gcd(ug, strength_ug)))));
      }
      total_ug += ug;
      ++fill.dosing_days;
    }
    if (k == 0 && fill.dosing_days == 0) {
      return Status::InvalidArgument("start",
                                     "the plan has no dose in the first fill's days: start on or after the "
                                     "plan's first step");
    }
    // Whole mL (rounded up) or capsules (exact).
    fill.quantity = (total_ug + strength_ug - 1) / strength_ug;
    o.fills.push_back(fill);
  }
  o.end = o.fills.back().to;

  for (const OrderStep& s : r.steps) {
    const LocalDate from = std::max(s.start, o.start);
    const LocalDate to = s.end ? std::min(*s.end, o.end) : o.end;
    if (from > to) continue;
    OrderLine line;
    line.from = from;
    line.to = to;
    line.dose = s.dose;
    line.time = s.time;
    // Per dose, in hundredths of a mL or of a capsule, halves up.
    line.amount_centi = (s.dose.micrograms_hcl() * 200 + strength_ug) / (2 * strength_ug);
    o.lines.push_back(line);
  }
  return o;
}

Result<BudResult> OrderBud(const CompoundingKnowledge& k, OrderForm form, Dose strength, LocalDate prepared) {
  BudRequest b;
  b.prepared = prepared;
  if (form == OrderForm::kCapsule) {
    b.category = BudCategory::kSolid;
    b.storage = Storage::kRoom;
    b.formula = "capsules-mcc";  // the default filler (data/excipients.json)
  } else {
    b.category = BudCategory::kAqueousPreserved;
    b.storage = Storage::kFridge;
    b.formula = "fawcett-1997";
    b.concentration_per_ml = strength;
    b.preserved = true;
  }
  return ComputeBud(k, b);
}

std::string AmountText(const Order& order, const OrderLine& line) {
  if (order.form == OrderForm::kLiquid) return fmt::format("{} = {} mL", Mg(line.dose), Centi(line.amount_centi));
  const int64_t n = line.amount_centi / 100;
  return fmt::format("{} = {} capsule{}", Mg(line.dose), n, n == 1 ? "" : "s");
}

std::string LineText(const Order& order, const OrderLine& line) {
  return fmt::format("{} to {}: {} by mouth once daily at {}", DayText(line.from), DayText(line.to),
                     AmountText(order, line), line.time);
}

std::string DirectionsText(const Order& order) {
  std::string out = "Take by mouth once daily: ";
  for (size_t i = 0; i < order.lines.size(); ++i) {
    const OrderLine& l = order.lines[i];
    out += fmt::format("{}{} at {} from {} to {}", i == 0 ? "" : "; then ", AmountText(order, l), l.time,
                       DayText(l.from), DayText(l.to));
  }
  out += ".";
  return out;
}

std::string LabelDirectionsText(const Order& order) {
  std::string full = DirectionsText(order);
  if (full.size() <= kLabelDirectionsMax || order.lines.empty()) return full;
  // A titration does not fit on a label line by line; the label names where it starts and ends and
  // points to the schedule printed with the prescription (docs/clinic.md).
  const OrderLine& first = order.lines.front();
  const OrderLine& last = order.lines.back();
  std::string text = fmt::format(
      "Take by mouth once daily at {}: {} from {}, rising step by step to {} from {}, as on the "
      "dated schedule.",
      first.time, AmountText(order, first), DayText(first.from), AmountText(order, last), DayText(last.from));
  if (text.size() > kLabelDirectionsMax)
    text = fmt::format("Take by mouth once daily at {}, as on the dated schedule.", first.time);
  return text;
}

nlohmann::json OrderToJson(const Order& o) {
  nlohmann::json lines = nlohmann::json::array();
  for (const OrderLine& l : o.lines) {
    lines.push_back({{"from", DayText(l.from)},
                     {"to", DayText(l.to)},
                     {"dose_mg", l.dose.milligrams_hcl()},
                     {"dose_ug", l.dose.micrograms_hcl()},
                     {"amount", static_cast<double>(l.amount_centi) / 100.0},
                     {"unit", o.unit},
                     {"time", l.time},
                     {"text", LineText(o, l)}});
  }
  nlohmann::json fills = nlohmann::json::array();
  for (const OrderFill& f : o.fills) {
    fills.push_back({{"number", f.number},
                     {"from", DayText(f.from)},
                     {"to", DayText(f.to)},
                     {"days_supply", f.days_supply},
                     {"quantity", f.quantity},
                     {"dosing_days", f.dosing_days}});
  }
  return {{"form", std::string(OrderFormName(o.form))},
          {"strength_mg", o.strength.milligrams_hcl()},
          {"strength_ug", o.strength.micrograms_hcl()},
          {"unit", o.unit},
          {"start", DayText(o.start)},
          {"end", DayText(o.end)},
          {"days_supply", o.fills.front().days_supply},
          {"quantity", o.fills.front().quantity},
          {"lines", std::move(lines)},
          {"fills", std::move(fills)},
          {"renewals", {{"number", o.renewals}, {"interval_days", o.renewal_interval_days}}},
          {"directions", DirectionsText(o)},
          {"label_directions", LabelDirectionsText(o)}};
}

}  // namespace ldn::pharmacy
