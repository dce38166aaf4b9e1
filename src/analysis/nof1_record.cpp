#include "analysis/nof1_record.h"

#include <algorithm>
#include <cmath>

namespace ldn::analysis {
namespace {

const TrialRecordDay* DayOf(const TrialRecord& record, LocalDate d) {
  const auto it = record.find(d);
  return it == record.end() ? nullptr : &it->second;
}

}  // namespace

Result<TrialData> TrialDataFromRecord(const std::vector<PeriodDates>& calendar, const TrialRecord& record,
                                      std::string_view outcome, const std::map<int, BlindingGuess>& guesses,
                                      LocalDate until) {
  std::vector<TrialDayRecord> rows;
  std::vector<std::string> names;
  for (const PeriodDates& p : calendar) {
    if (p.analysed_first > until) break;  // periods come in calendar order
    const LocalDate last = std::min(p.last, until);
    const auto guess = guesses.find(p.period);
    for (LocalDate d = p.analysed_first; d <= last; d = AddDays(d, 1)) {
      TrialDayRecord r;
      r.day = p.first_trial_day + DaysBetween(p.first, d);
      r.period = p.period;
      r.arm = p.arm;
      if (guess != guesses.end()) r.guess = guess->second;
      if (const TrialRecordDay* day = DayOf(record, d); day != nullptr && day->items && day->items->is_object()) {
        const auto v = day->items->find(outcome);
        if (v != day->items->end() && v->is_number()) r.outcome = v->get<double>();
      }
      rows.push_back(r);
      names.push_back(FormatDate(d));
    }
  }
  if (rows.empty()) {
    return Status::InvalidArgument("outcome", "no period of the trial reached its analysed days (after the run-in)");
  }
  return MakeTrialData(std::move(rows), names);
}

std::vector<PeriodConduct> ConductByPeriod(const std::vector<PeriodDates>& calendar, const TrialRecord& record,
                                           LocalDate until) {
  std::vector<PeriodConduct> out;
  for (const PeriodDates& p : calendar) {
    if (p.first > until) break;
    PeriodConduct c;
    c.period = p.period;
    c.pair = p.pair;
    c.arm = p.arm;
    c.first = p.first;
    c.last = std::min(p.last, until);
    for (LocalDate d = c.first; d <= c.last; d = AddDays(d, 1)) {
      ++c.days;
      const TrialRecordDay* day = DayOf(record, d);
      if (day == nullptr || !day->dose_taken) {
        ++c.doses_unrecorded;
      } else if (*day->dose_taken) {
        ++c.doses_taken;
      } else {
        ++c.doses_missed;
      }
      if (day == nullptr || !day->items || !day->items->is_object()) continue;
      ++c.diary_days;
      const nlohmann::json& items = *day->items;
      if (const auto se = items.find("side_effects"); se != items.end() && se->is_array() && !se->empty()) {
        ++c.side_effect_days;
        bool severe = false;
        for (const auto& e : *se) {
          if (!e.is_object()) continue;
          if (const auto n = e.find("name"); n != e.end() && n->is_string()) ++c.side_effects[n->get<std::string>()];
          if (const auto s = e.find("severity"); s != e.end() && s->is_number_integer() && s->get<int>() >= 3) {
            severe = true;
          }
        }
        if (severe) ++c.severe_side_effect_days;
      }
      if (const auto rm = items.find("rescue_medication"); rm != items.end() && rm->is_array() && !rm->empty()) {
        ++c.rescue_days;
      }
    }
    out.push_back(std::move(c));
  }
  return out;
}

nlohmann::json ConductToJson(const std::vector<PeriodConduct>& conduct, bool blind) {
  nlohmann::json out = nlohmann::json::array();
  for (const PeriodConduct& c : conduct) {
    nlohmann::json side = nlohmann::json::object();
    for (const auto& [name, days] : c.side_effects) side[name] = days;
    out.push_back({{"period", c.period},
                   {"pair", c.pair},
                   {"arm", blind ? nlohmann::json() : nlohmann::json(c.arm == TrialArm::kLdn ? "ldn" : "placebo")},
                   {"first", FormatDate(c.first)},
                   {"last", FormatDate(c.last)},
                   {"days", c.days},
                   {"diary_days", c.diary_days},
                   {"doses_taken", c.doses_taken},
                   {"doses_missed", c.doses_missed},
                   {"doses_unrecorded", c.doses_unrecorded},
                   {"adherence", c.days > 0 ? std::round(1000.0 * c.doses_taken / c.days) / 1000.0 : 0.0},
                   {"side_effect_days", c.side_effect_days},
                   {"severe_side_effect_days", c.severe_side_effect_days},
                   {"rescue_days", c.rescue_days},
                   {"side_effects", std::move(side)}});
  }
  return out;
}

}  // namespace ldn::analysis
