#include "analysis/nof1_protocol.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <set>

#include <fmt/format.h>
#include <openssl/evp.h>

#include "clinical/instruments/diary_definitions.h"
#include "core/json_reader.h"

namespace ldn::analysis {
namespace {

// data/diary_items.json, parsed once: the one source of the outcome scales' directions.
const Result<std::vector<clinical::DiaryItem>>& DiaryItems() {
  static const auto* items = new Result<std::vector<clinical::DiaryItem>>(clinical::LoadDiaryItems());
  return *items;
}

std::string KnownOutcomes() {
  const auto& items = DiaryItems();
  if (!items.ok()) return "";
  std::string out;
  for (const auto& item : *items) out += (out.empty() ? "" : ", ") + item.id;
  return out;
}

}  // namespace

std::string_view TrialDecisionName(TrialDecision d) {
  switch (d) {
    case TrialDecision::kContinue: return "continue";
    case TrialDecision::kStop: return "stop";
    case TrialDecision::kUncertain: return "uncertain";
  }
  return "?";
}

std::string TrialDecisionMeaning(TrialDecision d, const DecisionRule& rule, double mcid) {
  const std::string points = fmt::format("{:g} point{}", mcid, mcid == 1 ? "" : "s");
  switch (d) {
    case TrialDecision::kContinue:
      return fmt::format(
          "Continue LDN: the trial makes it at least {:g}% likely that LDN helped this patient by {} or more "
          "compared with the identical placebo capsules, the difference agreed before the trial as worth having.",
          100 * rule.continue_probability, points);
    case TrialDecision::kStop:
      return fmt::format(
          "Stop LDN: the trial makes it less than {:g}% likely that LDN did better than the identical placebo "
          "capsules at all for this patient; what helped during the trial was most likely not LDN itself.",
          100 * rule.stop_probability);
    case TrialDecision::kUncertain:
      return fmt::format(
          "Uncertain: LDN may have helped, but the trial cannot say with the agreed confidence ({:g}%) that it "
          "helped by {} or more. The patient and clinician decide together; a longer trial (more pairs) could "
          "settle it.",
          100 * rule.continue_probability, points);
  }
  return "";
}

TrialDecision Decide(const DecisionRule& rule, double p_ldn_better_by_mcid, double p_ldn_better) {
  if (p_ldn_better_by_mcid >= rule.continue_probability) return TrialDecision::kContinue;
  if (p_ldn_better < rule.stop_probability) return TrialDecision::kStop;
  return TrialDecision::kUncertain;
}

Result<bool> OutcomeHigherIsBetter(std::string_view outcome, std::string_view field) {
  const auto& items = DiaryItems();
  if (!items.ok()) return Status::Internal("data/diary_items.json: " + items.status().ToString());
  for (const auto& item : *items) {
    if (item.id == outcome) return item.direction == clinical::ScaleDirection::kHigherIsBetter;
  }
  return Status::InvalidArgument(
      std::string(field),
      fmt::format("unknown outcome \"{}\": use one of the diary items ({})", outcome, KnownOutcomes()));
}

Status ValidateProtocol(const TrialProtocol& p) {
  if (p.pairs < kMinPairs || p.pairs > kMaxPairs) {
    return Status::InvalidArgument("pairs", fmt::format("must be {}-{}, got {}", kMinPairs, kMaxPairs, p.pairs));
  }
  if (p.period_days < kMinPeriodDays || p.period_days > kMaxPeriodDays) {
    return Status::InvalidArgument(
        "period_days", fmt::format("must be {}-{} days, got {}", kMinPeriodDays, kMaxPeriodDays, p.period_days));
  }
  if (p.run_in_days < 0 || p.period_days - p.run_in_days < kMinAnalysedDaysPerPeriod) {
    return Status::InvalidArgument(
        "run_in_days", fmt::format("must be 0-{} days for {}-day periods (at least {} analysed days per period), "
                                   "got {}",
                                   p.period_days - kMinAnalysedDaysPerPeriod, p.period_days, kMinAnalysedDaysPerPeriod,
                                   p.run_in_days));
  }
  LDN_RETURN_IF_ERROR(OutcomeHigherIsBetter(p.primary_outcome, "primary_outcome").status());
  std::set<std::string> seen = {p.primary_outcome};
  for (size_t i = 0; i < p.secondary_outcomes.size(); ++i) {
    const std::string field = IndexPath("secondary_outcomes", i);
    LDN_RETURN_IF_ERROR(OutcomeHigherIsBetter(p.secondary_outcomes[i], field).status());
    if (!seen.insert(p.secondary_outcomes[i]).second) {
      return Status::InvalidArgument(
          field, fmt::format("\"{}\" is listed twice (or is the primary outcome)", p.secondary_outcomes[i]));
    }
  }
  if (!(p.mcid > 0 && p.mcid <= 10)) {
    return Status::InvalidArgument("mcid", fmt::format("must be above 0 and at most 10 points, got {:g}", p.mcid));
  }
  const DecisionRule& r = p.rule;
  if (!(r.continue_probability > 0 && r.continue_probability < 1)) {
    return Status::InvalidArgument(
        "decision_rule.continue_probability",
        fmt::format("must be between 0 and 1 (exclusive), got {:g}", r.continue_probability));
  }
  if (!(r.stop_probability > 0 && r.stop_probability < 1)) {
    return Status::InvalidArgument("decision_rule.stop_probability",
                                   fmt::format("must be between 0 and 1 (exclusive), got {:g}", r.stop_probability));
  }
  if (!(r.stop_probability < r.continue_probability)) {
    return Status::InvalidArgument(
        "decision_rule.stop_probability",
        fmt::format("must be below the continue threshold ({:g}), got {:g}: otherwise one result could mean both "
                    "continue and stop",
                    r.continue_probability, r.stop_probability));
  }
  return Status::Ok();
}

nlohmann::json ConsequencesToJson(const DesignConsequences& c) {
  // Six decimals: 0.25, 0.03125 and 0.015625 exactly; 1/2^12 = 0.000244 to the sixth.
  const auto six = [](double v) { return std::round(v * 1e6) / 1e6; };
  return {{"allocations", c.allocations},
          {"smallest_p_two_sided", six(c.smallest_p_two_sided)},
          {"smallest_p_one_sided", six(c.smallest_p_one_sided)},
          {"two_sided_can_reach_005", c.two_sided_can_reach_005},
          {"one_sided_can_reach_005", c.one_sided_can_reach_005},
          {"pairs_needed_two_sided_005", kPairsForTwoSided005},
          {"pairs_needed_one_sided_005", kPairsForOneSided005},
          {"paired_t_degrees_of_freedom", c.paired_t_degrees_of_freedom},
          {"analysed_days_per_period", c.analysed_days_per_period},
          {"total_days", c.total_days},
          {"notes", c.notes}};
}

DesignConsequences ConsequencesOf(const TrialProtocol& p) {
  DesignConsequences c;
  c.allocations = 1 << p.pairs;
  c.smallest_p_two_sided = std::min(1.0, 2.0 / c.allocations);
  c.smallest_p_one_sided = 1.0 / c.allocations;
  c.two_sided_can_reach_005 = c.smallest_p_two_sided <= 0.05;
  c.one_sided_can_reach_005 = c.smallest_p_one_sided <= 0.05;
  c.paired_t_degrees_of_freedom = p.pairs - 1;
  c.analysed_days_per_period = p.period_days - p.run_in_days;
  c.total_days = 2 * p.pairs * p.period_days;
  c.notes.push_back(fmt::format(
      "{} pair{} of {}-day periods: {} days ({:.1f} months) in all, the last {} days of each period analysed.", p.pairs,
      p.pairs == 1 ? "" : "s", p.period_days, c.total_days, c.total_days / 30.44, c.analysed_days_per_period));
  c.notes.push_back(fmt::format(
      "The randomization test compares the result with all {} ways the pharmacy could have ordered the pairs: its "
      "smallest possible two-sided p-value is {:.3g} (one-sided {:.3g}).",
      c.allocations, c.smallest_p_two_sided, c.smallest_p_one_sided));
  if (!c.two_sided_can_reach_005) {
    c.notes.push_back(fmt::format(
        "With {} pair{} the randomization test can never reach p <= 0.05 two-sided ({} pairs needed; one-sided: {}). "
        "The Bayesian decision rule can still decide.",
        p.pairs, p.pairs == 1 ? "" : "s", kPairsForTwoSided005, kPairsForOneSided005));
  }
  if (p.pairs < 2) {
    c.notes.push_back("With one pair there is no paired t interval (it needs at least 2 pairs).");
  }
  if (p.pairs < 3) {
    c.notes.push_back("Fewer than 3 pairs: below the usual minimum for N-of-1 trials (AHRQ 2014 user's guide).");
  }
  return c;
}

Result<TrialProtocol> ProtocolFromJson(const nlohmann::json& j) {
  LDN_ASSIGN_OR_RETURN(JsonObject o, JsonObject::Of(j, ""));
  TrialProtocol p;
  LDN_ASSIGN_OR_RETURN(auto format, o.OptionalString("format"));
  if (format && *format != kProtocolFormat) {
    return Status::InvalidArgument("format", fmt::format("expected \"{}\", got \"{}\"", kProtocolFormat, *format));
  }
  LDN_ASSIGN_OR_RETURN(auto pairs, o.OptionalInteger("pairs", kMinPairs, kMaxPairs));
  if (pairs) p.pairs = static_cast<int>(*pairs);
  LDN_ASSIGN_OR_RETURN(auto period, o.OptionalInteger("period_days", kMinPeriodDays, kMaxPeriodDays));
  if (period) p.period_days = static_cast<int>(*period);
  LDN_ASSIGN_OR_RETURN(auto run_in, o.OptionalInteger("run_in_days", 0, kMaxPeriodDays));
  if (run_in) p.run_in_days = static_cast<int>(*run_in);
  LDN_ASSIGN_OR_RETURN(auto primary, o.OptionalString("primary_outcome"));
  if (primary) p.primary_outcome = *primary;
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* secondary, o.OptionalArray("secondary_outcomes"));
  if (secondary) {
    p.secondary_outcomes.clear();
    for (size_t i = 0; i < secondary->size(); ++i) {
      LDN_ASSIGN_OR_RETURN(std::string s, ReadString((*secondary)[i], IndexPath("secondary_outcomes", i)));
      p.secondary_outcomes.push_back(std::move(s));
    }
  }
  LDN_ASSIGN_OR_RETURN(auto mcid, o.OptionalNumber("mcid", 0, 10));
  if (mcid) p.mcid = *mcid;
  if (o.HasNonNull("decision_rule")) {
    LDN_ASSIGN_OR_RETURN(JsonObject r, o.Object("decision_rule"));
    LDN_ASSIGN_OR_RETURN(auto cont, r.OptionalNumber("continue_probability", 0, 1));
    if (cont) p.rule.continue_probability = *cont;
    LDN_ASSIGN_OR_RETURN(auto stop, r.OptionalNumber("stop_probability", 0, 1));
    if (stop) p.rule.stop_probability = *stop;
    LDN_RETURN_IF_ERROR(r.RejectUnknownKeys());
  } else {
    o.Consume("decision_rule");
  }
  LDN_ASSIGN_OR_RETURN(auto model, o.OptionalString("model"));
  if (model) {
    LDN_ASSIGN_OR_RETURN(p.model, ParseNof1Model(*model, "model"));
  }
  // The frozen directions, when present, must still be the knowledge base's.
  const bool has_directions = o.HasNonNull("higher_is_better");
  nlohmann::json directions;
  if (has_directions) {
    LDN_ASSIGN_OR_RETURN(JsonObject d, o.Object("higher_is_better"));
    directions = j.at("higher_is_better");
    (void)d;
  } else {
    o.Consume("higher_is_better");
  }
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  LDN_RETURN_IF_ERROR(ValidateProtocol(p));
  if (has_directions) {
    std::vector<std::string> outcomes = {p.primary_outcome};
    outcomes.insert(outcomes.end(), p.secondary_outcomes.begin(), p.secondary_outcomes.end());
    for (const auto& [key, value] : directions.items()) {
      if (std::find(outcomes.begin(), outcomes.end(), key) == outcomes.end()) {
        return Status::InvalidArgument("higher_is_better." + key, "is not one of the protocol's outcomes");
      }
      if (!value.is_boolean()) return Status::InvalidArgument("higher_is_better." + key, "expected true or false");
    }
    for (const std::string& outcome : outcomes) {
      const std::string field = "higher_is_better." + outcome;
      if (!directions.contains(outcome)) return Status::InvalidArgument(field, "missing");
      LDN_ASSIGN_OR_RETURN(bool kb, OutcomeHigherIsBetter(outcome, field));
      if (directions.at(outcome).get<bool>() != kb) {
        return Status::InvalidArgument(
            field, fmt::format("the protocol says {} but data/diary_items.json says higher is {}: the scale's "
                               "direction changed since the protocol was frozen",
                               directions.at(outcome).get<bool>(), kb ? "better" : "worse"));
      }
    }
  }
  return p;
}

Result<TrialProtocol> ParseProtocolJson(std::string_view text) {
  LDN_ASSIGN_OR_RETURN(nlohmann::json j, ParseJson(text));
  return ProtocolFromJson(j);
}

std::string CanonicalProtocolJson(const TrialProtocol& p) {
  nlohmann::json directions = nlohmann::json::object();
  directions[p.primary_outcome] = OutcomeHigherIsBetter(p.primary_outcome, "primary_outcome").value();
  for (const std::string& s : p.secondary_outcomes)
    directions[s] = OutcomeHigherIsBetter(s, "secondary_outcomes").value();
  // nlohmann::json keeps object keys sorted (std::map) and dump() without indent writes no
  // whitespace; doubles are written in their shortest round-trip form. Equal values, equal bytes.
  const nlohmann::json j = {
      {"format", kProtocolFormat},
      {"pairs", p.pairs},
      {"period_days", p.period_days},
      {"run_in_days", p.run_in_days},
      {"primary_outcome", p.primary_outcome},
      {"secondary_outcomes", p.secondary_outcomes},
      {"higher_is_better", directions},
      {"mcid", p.mcid},
      {"decision_rule",
       {{"continue_probability", p.rule.continue_probability}, {"stop_probability", p.rule.stop_probability}}},
      {"model", std::string(Nof1ModelName(p.model))}};
  return j.dump();
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  const int ok = EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  assert(ok == 1 && length == 32);
  (void)ok;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

std::string ProtocolSha256(const TrialProtocol& protocol) {
  return Sha256Hex(CanonicalProtocolJson(protocol));
}

TrialArm Allocation::ArmOfPeriod(int period) const {
  assert(period >= 1 && period <= 2 * static_cast<int>(pairs.size()));
  const PairOrder order = pairs[static_cast<size_t>((period - 1) / 2)];
  const bool first = period % 2 == 1;
  return (order == PairOrder::kAB) == first ? TrialArm::kPlacebo : TrialArm::kLdn;
}

std::string Allocation::ToString() const {
  std::string out;
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (i > 0) out += ',';
    out += pairs[i] == PairOrder::kAB ? "AB" : "BA";
  }
  return out;
}

Result<Allocation> DrawAllocation(const TrialProtocol& protocol, const RandomBytes& random_bytes) {
  LDN_RETURN_IF_ERROR(ValidateProtocol(protocol));
  assert(random_bytes);
  std::vector<uint8_t> bytes(static_cast<size_t>(protocol.pairs));
  random_bytes(bytes.data(), bytes.size());
  Allocation a;
  for (uint8_t b : bytes) a.pairs.push_back((b & 1) != 0 ? PairOrder::kBA : PairOrder::kAB);
  return a;
}

Result<Allocation> ParseAllocation(std::string_view text, int pairs, std::string_view field) {
  Allocation a;
  std::string compact;
  for (char c : text) {
    if (c != ' ') compact += c;
  }
  size_t start = 0;
  while (start <= compact.size()) {
    const size_t comma = compact.find(',', start);
    const std::string item = compact.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (item == "AB") {
      a.pairs.push_back(PairOrder::kAB);
    } else if (item == "BA") {
      a.pairs.push_back(PairOrder::kBA);
    } else {
      return Status::InvalidArgument(std::string(field),
                                     fmt::format("pair {}: expected AB or BA, got \"{}\"", a.pairs.size() + 1, item));
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (pairs > 0 && static_cast<int>(a.pairs.size()) != pairs) {
    return Status::InvalidArgument(std::string(field),
                                   fmt::format("{} pairs, but the protocol has {}", a.pairs.size(), pairs));
  }
  return a;
}

std::vector<PeriodDates> TrialCalendar(const TrialProtocol& protocol, const Allocation& allocation, LocalDate start) {
  assert(static_cast<int>(allocation.pairs.size()) == protocol.pairs);
  std::vector<PeriodDates> out;
  for (int period = 1; period <= 2 * protocol.pairs; ++period) {
    PeriodDates d;
    d.period = period;
    d.pair = (period + 1) / 2;
    d.arm = allocation.ArmOfPeriod(period);
    d.first_trial_day = (period - 1) * protocol.period_days + 1;
    d.analysed_first_trial_day = d.first_trial_day + protocol.run_in_days;
    d.last_trial_day = period * protocol.period_days;
    d.first = AddDays(start, d.first_trial_day - 1);
    d.analysed_first = AddDays(start, d.analysed_first_trial_day - 1);
    d.last = AddDays(start, d.last_trial_day - 1);
    out.push_back(d);
  }
  return out;
}

}  // namespace ldn::analysis
