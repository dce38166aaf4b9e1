#include "analysis/nof1_pool.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <numbers>

#include <fmt/format.h>

#include "core/json_reader.h"

namespace ldn::analysis {
namespace {

constexpr double kMuPrecision = 1e-6;  // mu ~ N(0, precision 1e-6), as the engine's coefficients
constexpr double kLog2Pi = 1.8378770664093453;
constexpr double kEdgeLogRatio = -25.0;
constexpr double kNegInf = -std::numeric_limits<double>::infinity();

double Round6(double v) {
  const double r = std::round(v * 1e6) / 1e6;
  return r == 0.0 ? 0.0 : r;
}

double LogSigmoid(double u) {
  return u >= 0 ? -std::log1p(std::exp(-u)) : u - std::log1p(std::exp(u));
}
double Sigmoid(double u) {
  return u >= 0 ? 1.0 / (1.0 + std::exp(-u)) : std::exp(u) / (1.0 + std::exp(u));
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

Result<double> CsvNumber(std::string_view text, const std::string& field) {
  double v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(v)) {
    return Status::InvalidArgument(field, fmt::format("expected a number, got \"{}\"", text.substr(0, 40)));
  }
  return v;
}

// One point of the tau grid.
struct TauPoint {
  double u = 0;
  double tau = 0;
  double log_density = kNegInf;
  double mu_hat = 0;
  double mu_var = 0;
};

class PoolIntegrand {
 public:
  explicit PoolIntegrand(const std::vector<PooledTrialInput>& t) : t_(t) {}
  // u = logit(tau / 5): tau ~ U(0, 5) has density p (1 - p) in u.
  void Evaluate(double u, TauPoint* p) const {
    p->u = u;
    p->tau = kPoolTauMax * Sigmoid(u);
    const double tau2 = p->tau * p->tau;
    double sw = 0, swd = 0, swdd = 0, slogv = 0;
    for (const PooledTrialInput& x : t_) {
      const double v = x.sd * x.sd + tau2;
      const double w = 1.0 / v;
      sw += w;
      swd += w * x.estimate;
      swdd += w * x.estimate * x.estimate;
      slogv += std::log(v);
    }
    const double big_w = sw + kMuPrecision;
    p->mu_hat = swd / big_w;
    p->mu_var = 1.0 / big_w;
    const double n = static_cast<double>(t_.size());
    p->log_density = -0.5 * (slogv + n * kLog2Pi) - 0.5 * swdd + 0.5 * swd * swd / big_w - 0.5 * std::log(big_w) +
                     0.5 * std::log(kMuPrecision) + LogSigmoid(u) + LogSigmoid(-u);
    if (!std::isfinite(p->log_density)) p->log_density = kNegInf;
  }
  double LogDensity(double u) const {
    TauPoint p;
    Evaluate(u, &p);
    return p.log_density;
  }

 private:
  const std::vector<PooledTrialInput>& t_;
};

NormalMixture MuMixture(const std::vector<TauPoint>& g, double max_log, bool predictive, bool half) {
  NormalMixture m;
  for (size_t k = 0; k < g.size(); ++k) {
    if (half && k % 2 != 0) continue;
    const double w = std::exp(g[k].log_density - max_log);
    if (!(w > 1e-14)) continue;
    m.weight.push_back(w);
    m.mean.push_back(g[k].mu_hat);
    m.sd.push_back(std::sqrt(g[k].mu_var + (predictive ? g[k].tau * g[k].tau : 0.0)));
  }
  double total = 0;
  for (double w : m.weight) total += w;
  for (double& w : m.weight) w /= total;
  return m;
}

double ProbabilityBetterBy(const NormalMixture& m, double margin, bool higher_is_better) {
  return higher_is_better ? 1 - m.Cdf(margin) : m.Cdf(-margin);
}

}  // namespace

Result<std::vector<PooledTrialInput>> ParsePoolInput(std::string_view text, bool csv) {
  std::vector<PooledTrialInput> out;
  if (!csv) {
    LDN_ASSIGN_OR_RETURN(nlohmann::json j, ParseJson(text));
    LDN_ASSIGN_OR_RETURN(JsonObject o, JsonObject::Of(j, ""));
    LDN_ASSIGN_OR_RETURN(const nlohmann::json* trials, o.Array("trials"));
    LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
    for (size_t i = 0; i < trials->size(); ++i) {
      const std::string path = IndexPath("trials", i);
      LDN_ASSIGN_OR_RETURN(JsonObject t, JsonObject::Of((*trials)[i], path));
      PooledTrialInput x;
      LDN_ASSIGN_OR_RETURN(auto id, t.OptionalString("id"));
      x.id = id ? *id : fmt::format("trial {}", i + 1);
      LDN_ASSIGN_OR_RETURN(x.estimate, t.Number("estimate", -1e6, 1e6));
      LDN_ASSIGN_OR_RETURN(x.sd, t.Number("sd", 0, 1e6));
      LDN_RETURN_IF_ERROR(t.RejectUnknownKeys());
      out.push_back(std::move(x));
    }
    return out;
  }
  // CSV: header with estimate and sd, optionally id (any order).
  size_t pos = 0;
  int line_no = 0;
  int col_id = -1, col_est = -1, col_sd = -1;
  size_t columns = 0;
  while (pos < text.size()) {
    const size_t end = text.find('\n', pos);
    std::string_view line = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    pos = end == std::string_view::npos ? text.size() : end + 1;
    ++line_no;
    if (line_no == 1 && line.size() >= 3 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
    if (Trim(line).empty()) continue;
    std::vector<std::string_view> cells;
    size_t start = 0;
    while (true) {
      const size_t comma = line.find(',', start);
      cells.push_back(
          Trim(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start)));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    if (columns == 0) {
      for (size_t c = 0; c < cells.size(); ++c) {
        int* slot = cells[c] == "id"         ? &col_id
                    : cells[c] == "estimate" ? &col_est
                    : cells[c] == "sd"       ? &col_sd
                                             : nullptr;
        if (!slot) {
          return Status::InvalidArgument("header", fmt::format("unknown column \"{}\": the columns are id (optional), "
                                                               "estimate and sd",
                                                               cells[c].substr(0, 40)));
        }
        if (*slot >= 0) return Status::InvalidArgument("header", fmt::format("column \"{}\" appears twice", cells[c]));
        *slot = static_cast<int>(c);
      }
      if (col_est < 0 || col_sd < 0) {
        return Status::InvalidArgument("header", "expected the columns estimate and sd (and optionally id)");
      }
      columns = cells.size();
      continue;
    }
    if (cells.size() != columns) {
      return Status::InvalidArgument(fmt::format("line {}", line_no),
                                     fmt::format("{} cells, but the header has {} columns", cells.size(), columns));
    }
    PooledTrialInput x;
    x.id = col_id >= 0 && !cells[col_id].empty() ? std::string(cells[col_id]) : fmt::format("trial {}", out.size() + 1);
    LDN_ASSIGN_OR_RETURN(x.estimate, CsvNumber(cells[col_est], fmt::format("line {}, column estimate", line_no)));
    LDN_ASSIGN_OR_RETURN(x.sd, CsvNumber(cells[col_sd], fmt::format("line {}, column sd", line_no)));
    if (!(x.sd > 0)) {
      return Status::InvalidArgument(fmt::format("line {}, column sd", line_no), "must be above 0");
    }
    out.push_back(std::move(x));
  }
  if (columns == 0)
    return Status::InvalidArgument("input", "empty: expected a header id,estimate,sd and one line per trial");
  return out;
}

Result<PoolResult> PoolTrials(const std::vector<PooledTrialInput>& trials, const PoolOptions& options) {
  if (trials.size() < 2 || trials.size() > static_cast<size_t>(kMaxPooledTrials)) {
    return Status::InvalidArgument("trials",
                                   fmt::format("pooling needs 2-{} trials, got {}", kMaxPooledTrials, trials.size()));
  }
  for (size_t i = 0; i < trials.size(); ++i) {
    if (!std::isfinite(trials[i].estimate) || std::fabs(trials[i].estimate) > 1e6) {
      return Status::InvalidArgument(IndexPath("trials", i) + ".estimate", "must be a finite number");
    }
    if (!(trials[i].sd > 0) || !std::isfinite(trials[i].sd)) {
      return Status::InvalidArgument(IndexPath("trials", i) + ".sd", "must be above 0");
    }
  }
  if (!(options.mcid > 0)) return Status::InvalidArgument("mcid", "must be above 0");

  const PoolIntegrand f(trials);
  // Mode of the log density in u by golden-section search on a bracket found by scanning.
  double best_u = 0;
  double best = kNegInf;
  for (double u = -20; u <= 20; u += 0.5) {
    const double v = f.LogDensity(u);
    if (v > best) best = v, best_u = u;
  }
  double a = best_u - 0.5, b = best_u + 0.5;
  const double phi = (std::sqrt(5.0) - 1) / 2;
  for (int i = 0; i < 80 && b - a > 1e-9; ++i) {
    const double c = b - phi * (b - a), d = a + phi * (b - a);
    if (f.LogDensity(c) > f.LogDensity(d)) {
      b = d;
    } else {
      a = c;
    }
  }
  const double mode = 0.5 * (a + b);
  const double step = 1e-3;
  const double curv = (f.LogDensity(mode + step) - 2 * f.LogDensity(mode) + f.LogDensity(mode - step)) / (step * step);
  const double sd_u = curv < 0 ? 1.0 / std::sqrt(-curv) : 1.0;
  // A quarter of the posterior SD: the tail towards tau = 0 falls off only like e^u.
  const double h = 0.25 * std::min(sd_u, 1.0);
  // Walk outwards from the mode until the density is below e^-25 of the peak on both sides.
  std::vector<TauPoint> lower, upper;
  TauPoint center;
  f.Evaluate(mode, &center);
  const double peak = center.log_density;
  for (int side = -1; side <= 1; side += 2) {
    std::vector<TauPoint>& out = side < 0 ? lower : upper;
    for (int k = 1; k < 200'000; ++k) {
      TauPoint p;
      f.Evaluate(mode + side * k * h, &p);
      out.push_back(p);
      if (p.log_density - peak < kEdgeLogRatio) break;
    }
  }
  std::vector<TauPoint> grid(lower.rbegin(), lower.rend());
  grid.push_back(center);
  grid.insert(grid.end(), upper.begin(), upper.end());
  double max_log = kNegInf;
  for (const TauPoint& p : grid) max_log = std::max(max_log, p.log_density);

  PoolResult r;
  r.trials = static_cast<int>(trials.size());
  r.grid_points = static_cast<int>(grid.size());
  const NormalMixture mu = MuMixture(grid, max_log, false, false);
  const NormalMixture pred = MuMixture(grid, max_log, true, false);
  r.mu = Summarize(mu);
  r.p_mu_b_better = ProbabilityBetterBy(mu, 0, options.higher_is_better);
  r.p_mu_b_better_by_mcid = ProbabilityBetterBy(mu, options.mcid, options.higher_is_better);
  r.predictive = Summarize(pred);
  r.p_new_patient_b_better = ProbabilityBetterBy(pred, 0, options.higher_is_better);
  r.p_new_patient_b_better_by_mcid = ProbabilityBetterBy(pred, options.mcid, options.higher_is_better);
  const NormalMixture coarse = MuMixture(grid, max_log, false, true);
  r.quadrature_error = std::max(
      {std::fabs(mu.Mean() - coarse.Mean()), std::fabs(mu.Sd() - coarse.Sd()), std::fabs(mu.Cdf(0) - coarse.Cdf(0))});

  // tau: moments from the grid; quantiles by linear interpolation of the cumulative weights.
  std::vector<double> w(grid.size());
  double total = 0;
  for (size_t k = 0; k < grid.size(); ++k) total += w[k] = std::exp(grid[k].log_density - max_log);
  double m1 = 0, m2 = 0;
  for (size_t k = 0; k < grid.size(); ++k) {
    w[k] /= total;
    m1 += w[k] * grid[k].tau;
    m2 += w[k] * grid[k].tau * grid[k].tau;
  }
  auto tau_quantile = [&](double p) {
    double cum = 0;
    for (size_t k = 0; k < grid.size(); ++k) {
      const double next = cum + w[k];
      if (next >= p) {
        if (k == 0) return grid[0].tau;
        const double frac = (p - cum) / w[k];
        return grid[k - 1].tau + frac * (grid[k].tau - grid[k - 1].tau);
      }
      cum = next;
    }
    return grid.back().tau;
  };
  r.tau = {m1, std::sqrt(std::max(m2 - m1 * m1, 0.0)), tau_quantile(0.025), tau_quantile(0.5), tau_quantile(0.975)};

  if (options.per_trial) {
    // Keep only the grid points that matter for the per-trial sums.
    std::vector<size_t> used;
    for (size_t k = 0; k < grid.size(); ++k) {
      if (w[k] > 1e-14) used.push_back(k);
    }
    double used_total = 0;
    for (size_t k : used) used_total += w[k];
    r.per_trial.reserve(trials.size());
    for (const PooledTrialInput& x : trials) {
      PooledTrialEstimate e;
      e.id = x.id;
      e.estimate = x.estimate;
      e.sd = x.sd;
      double mean = 0, second = 0, cdf = 0;
      const double s2 = x.sd * x.sd;
      for (size_t k : used) {
        const TauPoint& p = grid[k];
        const double shrink = s2 / (s2 + p.tau * p.tau);  // B_i: weight on the population mean
        const double m = shrink * p.mu_hat + (1 - shrink) * x.estimate;
        const double v = (1 - shrink) * s2 + shrink * shrink * p.mu_var;
        const double wk = w[k] / used_total;
        mean += wk * m;
        second += wk * (v + m * m);
        const double margin = options.higher_is_better ? options.mcid : -options.mcid;
        const double z = (margin - m) / std::sqrt(v);
        const double below = 0.5 * std::erfc(-z / std::numbers::sqrt2);
        cdf += wk * (options.higher_is_better ? 1 - below : below);
      }
      e.shrunken_mean = mean;
      e.shrunken_sd = std::sqrt(std::max(second - mean * mean, 0.0));
      e.p_b_better_by_mcid = cdf;
      r.per_trial.push_back(std::move(e));
    }
  }
  return r;
}

nlohmann::json PoolResultToJson(const PoolResult& r, const PoolOptions& options) {
  auto summary = [](const PosteriorSummary& s) {
    return nlohmann::json{{"mean", Round6(s.mean)},
                          {"sd", Round6(s.sd)},
                          {"q025", Round6(s.q025)},
                          {"median", Round6(s.median)},
                          {"q975", Round6(s.q975)}};
  };
  nlohmann::json j = {
      {"model", "d_i ~ N(theta_i, s_i^2), theta_i ~ N(mu, tau^2), mu ~ N(0, precision 1e-6), tau ~ U(0, 5)"},
      {"source", "Zucker DR et al., J Clin Epidemiol 1997;50:401 (normal random effects on the trials' differences)"},
      {"trials", r.trials},
      {"mcid", options.mcid},
      {"outcome_direction", options.higher_is_better ? "higher_is_better" : "lower_is_better"},
      {"mu", summary(r.mu)},
      {"p_mu_b_better", Round6(r.p_mu_b_better)},
      {"p_mu_b_better_by_mcid", Round6(r.p_mu_b_better_by_mcid)},
      {"tau", summary(r.tau)},
      {"new_patient", summary(r.predictive)},
      {"p_new_patient_b_better", Round6(r.p_new_patient_b_better)},
      {"p_new_patient_b_better_by_mcid", Round6(r.p_new_patient_b_better_by_mcid)},
      {"computation",
       {{"method", "exact: mu and theta_i analytic given tau, trapezoid quadrature over tau"},
        {"grid_points", r.grid_points},
        {"quadrature_error_bound", r.quadrature_error}}}};
  if (options.per_trial) {
    nlohmann::json per = nlohmann::json::array();
    for (const PooledTrialEstimate& e : r.per_trial) {
      per.push_back({{"id", e.id},
                     {"estimate", e.estimate},
                     {"sd", e.sd},
                     {"shrunken_mean", Round6(e.shrunken_mean)},
                     {"shrunken_sd", Round6(e.shrunken_sd)},
                     {"p_b_better_by_mcid", Round6(e.p_b_better_by_mcid)}});
    }
    j["per_trial"] = std::move(per);
  }
  return j;
}

}  // namespace ldn::analysis
