#include "analysis/nof1_data.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <utility>

#include <fmt/format.h>

namespace ldn::analysis {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Shown(std::string_view s) {
  std::string out(s.substr(0, 40));
  if (s.size() > 40) out += "...";
  return out;
}

Result<int> ParseWhole(std::string_view text, const std::string& field, int min, int max) {
  int v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || v < min || v > max) {
    return Status::InvalidArgument(field,
                                   fmt::format("expected a whole number {}-{}, got \"{}\"", min, max, Shown(text)));
  }
  return v;
}

Result<double> ParseReal(std::string_view text, const std::string& field) {
  double v = 0;
  const char* begin = text.data();
  if (!text.empty() && text.front() == '+') ++begin;
  const auto [ptr, ec] = std::from_chars(begin, text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(v)) {
    return Status::InvalidArgument(
        field, fmt::format("expected a number (or nothing for a day without a rating), got \"{}\"", Shown(text)));
  }
  return v;
}

std::string FieldOf(const std::vector<std::string>& names, size_t i) {
  return i < names.size() ? names[i] : fmt::format("days[{}]", i);
}

}  // namespace

std::string_view TrialArmCode(TrialArm arm) {
  return arm == TrialArm::kLdn ? "B" : "A";
}

std::string_view BlindingGuessCode(BlindingGuess guess) {
  switch (guess) {
    case BlindingGuess::kPlacebo: return "A";
    case BlindingGuess::kLdn: return "B";
    case BlindingGuess::kDontKnow: return "DK";
  }
  return "?";
}

Result<TrialData> MakeTrialData(std::vector<TrialDayRecord> records, const std::vector<std::string>& field_of_record) {
  if (records.empty()) return Status::InvalidArgument("input", "no analysed days: the trial data is empty");
  // Remember each record's name before sorting.
  std::vector<size_t> order(records.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  for (size_t i = 0; i < records.size(); ++i) {
    const TrialDayRecord& r = records[i];
    const std::string f = FieldOf(field_of_record, i);
    if (r.day < 1 || r.day > kMaxTrialDay) {
      return Status::InvalidArgument(f, fmt::format("day {} is outside 1-{}", r.day, kMaxTrialDay));
    }
    if (r.period < 1 || r.period > kMaxTrialPeriods) {
      return Status::InvalidArgument(f, fmt::format("period {} is outside 1-{}", r.period, kMaxTrialPeriods));
    }
    if (r.outcome && !std::isfinite(*r.outcome))
      return Status::InvalidArgument(f, "the outcome is not a finite number");
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return records[a].day < records[b].day; });
  for (size_t k = 1; k < order.size(); ++k) {
    if (records[order[k]].day == records[order[k - 1]].day) {
      return Status::InvalidArgument(FieldOf(field_of_record, std::max(order[k], order[k - 1])),
                                     fmt::format("day {} appears twice (on {} too)", records[order[k]].day,
                                                 FieldOf(field_of_record, std::min(order[k], order[k - 1]))));
    }
  }
  // Periods: contiguous in calendar order, numbered 1..P in that order.
  TrialData data;
  std::map<int, size_t> first_of_period;  // period -> record index of its first day
  for (size_t k = 0; k < order.size(); ++k) {
    const TrialDayRecord& r = records[order[k]];
    const std::string f = FieldOf(field_of_record, order[k]);
    if (data.periods.empty() || data.periods.back().number != r.period) {
      const int expected = static_cast<int>(data.periods.size()) + 1;
      if (first_of_period.contains(r.period)) {
        return Status::InvalidArgument(
            f, fmt::format("day {} is in period {}, but period {} ended on day {}: a period's days must be "
                           "consecutive, in period order",
                           r.day, r.period, r.period, data.periods[r.period - 1].last_day));
      }
      if (r.period != expected) {
        return Status::InvalidArgument(
            f, fmt::format("day {} starts period {}, but the next period in calendar order should be {} (periods "
                           "are numbered 1, 2, 3, ... in the order they happen)",
                           r.day, r.period, expected));
      }
      TrialPeriod p;
      p.number = r.period;
      p.pair = (r.period + 1) / 2;
      p.arm = r.arm;
      p.first_day = r.day;
      data.periods.push_back(p);
      first_of_period[r.period] = order[k];
    }
    TrialPeriod& p = data.periods.back();
    if (r.arm != p.arm) {
      return Status::InvalidArgument(
          f, fmt::format("treatment {} on day {}, but period {} began on treatment {} (day {}): the treatment is "
                         "constant within a period",
                         TrialArmCode(r.arm), r.day, p.number, TrialArmCode(p.arm), p.first_day));
    }
    if (r.guess) {
      if (p.guess && *p.guess != *r.guess) {
        return Status::InvalidArgument(
            f, fmt::format("guess {} on day {}, but period {} already has the guess {}: one guess per period",
                           BlindingGuessCode(*r.guess), r.day, p.number, BlindingGuessCode(*p.guess)));
      }
      p.guess = r.guess;
      data.has_guesses = true;
    }
    p.last_day = r.day;
    ++p.rows;
    if (r.outcome) {
      p.values.push_back(*r.outcome);
      p.value_days.push_back(r.day);
    }
  }
  for (size_t i = 1; i < data.periods.size(); i += 2) {
    const TrialPeriod& a = data.periods[i - 1];
    const TrialPeriod& b = data.periods[i];
    if (a.arm == b.arm) {
      return Status::InvalidArgument(
          FieldOf(field_of_record, first_of_period[b.number]),
          fmt::format("periods {} and {} form pair {} and are both on treatment {}: each pair has one period on A "
                      "(placebo) and one on B (LDN)",
                      a.number, b.number, a.pair, TrialArmCode(a.arm)));
    }
  }
  data.days.reserve(order.size());
  for (size_t k : order) data.days.push_back(records[k]);
  return data;
}

Result<TrialData> ParseTrialCsv(std::string_view text) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 BOM
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t end = text.find('\n', pos);
    std::string_view line = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  while (!lines.empty() && Trim(lines.back()).empty()) lines.pop_back();
  if (lines.empty()) {
    return Status::InvalidArgument("input",
                                   "empty: expected a CSV header day,period,treatment,outcome and one line per day");
  }

  // Header.
  enum Column { kDay, kPeriod, kTreatment, kOutcome, kGuess, kColumns };
  static constexpr std::string_view kNames[kColumns] = {"day", "period", "treatment", "outcome", "guess"};
  std::vector<int> column_of_cell;
  int where[kColumns] = {-1, -1, -1, -1, -1};
  {
    std::string_view h = lines[0];
    size_t start = 0;
    int cell = 0;
    while (true) {
      const size_t comma = h.find(',', start);
      const std::string_view name =
          Trim(h.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
      int found = -1;
      for (int c = 0; c < kColumns; ++c) {
        if (name == kNames[c]) found = c;
      }
      if (found < 0) {
        return Status::InvalidArgument(
            "header", fmt::format("unknown column \"{}\": the columns are day, period, treatment, outcome and "
                                  "(optionally) guess",
                                  Shown(name)));
      }
      if (where[found] >= 0) return Status::InvalidArgument("header", fmt::format("column \"{}\" appears twice", name));
      where[found] = cell++;
      column_of_cell.push_back(found);
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    for (int c = 0; c < kGuess; ++c) {
      if (where[c] < 0) {
        return Status::InvalidArgument(
            "header", fmt::format("missing column \"{}\" (expected day,period,treatment,outcome)", kNames[c]));
      }
    }
  }

  std::vector<TrialDayRecord> records;
  std::vector<std::string> names;
  for (size_t li = 1; li < lines.size(); ++li) {
    const int line_no = static_cast<int>(li) + 1;
    const std::string_view line = lines[li];
    if (Trim(line).empty()) {
      return Status::InvalidArgument(fmt::format("line {}", line_no), "empty line inside the data");
    }
    std::vector<std::string_view> cells;
    size_t start = 0;
    while (true) {
      const size_t comma = line.find(',', start);
      cells.push_back(
          Trim(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start)));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    if (cells.size() != column_of_cell.size()) {
      return Status::InvalidArgument(
          fmt::format("line {}", line_no),
          fmt::format("{} cells, but the header has {} columns", cells.size(), column_of_cell.size()));
    }
    auto field = [&](int c) { return fmt::format("line {}, column {}", line_no, kNames[c]); };
    TrialDayRecord r;
    LDN_ASSIGN_OR_RETURN(r.day, ParseWhole(cells[where[kDay]], field(kDay), 1, kMaxTrialDay));
    LDN_ASSIGN_OR_RETURN(r.period, ParseWhole(cells[where[kPeriod]], field(kPeriod), 1, kMaxTrialPeriods));
    const std::string_view t = cells[where[kTreatment]];
    if (t == "A") {
      r.arm = TrialArm::kPlacebo;
    } else if (t == "B") {
      r.arm = TrialArm::kLdn;
    } else {
      return Status::InvalidArgument(field(kTreatment),
                                     fmt::format("expected A (placebo) or B (LDN), got \"{}\"", Shown(t)));
    }
    const std::string_view o = cells[where[kOutcome]];
    if (!o.empty()) {
      LDN_ASSIGN_OR_RETURN(double v, ParseReal(o, field(kOutcome)));
      r.outcome = v;
    }
    if (where[kGuess] >= 0) {
      const std::string_view g = cells[where[kGuess]];
      if (g == "A") {
        r.guess = BlindingGuess::kPlacebo;
      } else if (g == "B") {
        r.guess = BlindingGuess::kLdn;
      } else if (g == "DK") {
        r.guess = BlindingGuess::kDontKnow;
      } else if (!g.empty()) {
        return Status::InvalidArgument(
            field(kGuess),
            fmt::format("expected A (placebo), B (LDN), DK (don't know) or nothing, got \"{}\"", Shown(g)));
      }
    }
    records.push_back(r);
    names.push_back(fmt::format("line {}", line_no));
  }
  if (records.empty()) return Status::InvalidArgument("input", "a header but no days");
  LDN_ASSIGN_OR_RETURN(TrialData data, MakeTrialData(std::move(records), names));
  if (where[kGuess] >= 0) data.has_guesses = true;
  return data;
}

Nof1Series ToNof1Series(const TrialData& data) {
  Nof1Series s;
  if (data.days.empty()) return s;
  s.first_day = data.days.front().day;
  const int n = data.days.back().day - s.first_day + 1;
  s.ldn.assign(static_cast<size_t>(n), false);
  s.outcome.assign(static_cast<size_t>(n), std::nullopt);
  // Walk backwards so that a day not in the data takes the arm of the next day that is.
  size_t k = data.days.size();
  bool arm = data.days.back().arm == TrialArm::kLdn;
  for (int i = n - 1; i >= 0; --i) {
    const int day = s.first_day + i;
    if (k > 0 && data.days[k - 1].day == day) {
      --k;
      arm = data.days[k].arm == TrialArm::kLdn;
      s.outcome[static_cast<size_t>(i)] = data.days[k].outcome;
    }
    s.ldn[static_cast<size_t>(i)] = arm;
  }
  return s;
}

}  // namespace ldn::analysis
