#include "analysis/nof1_models.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <limits>
#include <numbers>

#include <fmt/format.h>

namespace ldn::analysis {
namespace {

// Priors (docs/nof1.md, "Models"). TrialistNof1 evaluate(): alphaprior = beta.norm.prior =
// list("norm", 0, 1e-6), slopeprior = list("norm", 0, 0.1), varprior = list("Sd", "unif") with
// varprior.params = c(0.1, 5); data.norm(): Y0 ~ dnorm(v, 2). nof1ins nof1.prior.default():
// beta.prior = list("dnorm", 0, 1e-6), rho.prior = list("dunif", -1, 1), hy.prior =
// list("dgamma", 0.001, 0.001) on the precision.
constexpr double kCoefficientPrecision = 1e-6;
constexpr double kSlopePrecision = 0.1;
constexpr double kSdLow = 0.1;
constexpr double kSdHigh = 5.0;
constexpr double kY0Precision = 2.0;
constexpr double kGammaShape = 0.001;
constexpr double kGammaRate = 0.001;

constexpr double kNegInf = -std::numeric_limits<double>::infinity();
constexpr double kLog2Pi = 1.8378770664093453;  // log(2 pi)

// The grid's edges must carry less than e^-25 (~1e-11) of the peak density.
constexpr double kEdgeLogRatio = -25.0;
// Mixture components lighter than this (normalised weight) are dropped: they cannot move any
// reported number by more than this much probability.
constexpr double kNegligibleWeight = 1e-12;

double Sigmoid(double u) {
  return u >= 0 ? 1.0 / (1.0 + std::exp(-u)) : std::exp(u) / (1.0 + std::exp(u));
}
double Logit(double p) {
  return std::log(p / (1.0 - p));
}
// log(sigmoid(u)) and log(1 - sigmoid(u)) without cancellation.
double LogSigmoid(double u) {
  return u >= 0 ? -std::log1p(std::exp(-u)) : u - std::log1p(std::exp(u));
}

// --- Small dense linear algebra (p <= 3) -----------------------------------------------------------

constexpr int kMaxCoefficients = 3;

// The likelihood of the data given the variance parameters as a quadratic form in theta:
// -1/2 (q - 2 r'theta + theta' S theta) - 1/2 sum log F - n/2 log 2 pi.
struct Quadratic {
  int p = 2;
  double S[kMaxCoefficients][kMaxCoefficients] = {};
  double r[kMaxCoefficients] = {};
  double q = 0;
  double sum_log_f = 0;
  int n = 0;

  void Add(const double* h, double e, double f) {
    const double inv = 1.0 / f;
    for (int a = 0; a < p; ++a) {
      r[a] += h[a] * e * inv;
      for (int b = 0; b <= a; ++b) S[a][b] += h[a] * h[b] * inv;
    }
    q += e * e * inv;
    sum_log_f += std::log(f);
    ++n;
  }
};

// Cholesky of a symmetric positive definite p x p matrix (lower triangle of `a` used). Returns
// false when not positive definite.
bool Cholesky(int p, const double a[kMaxCoefficients][kMaxCoefficients], double l[kMaxCoefficients][kMaxCoefficients]) {
  for (int i = 0; i < p; ++i) {
    for (int j = 0; j <= i; ++j) {
      double s = a[i][j];
      for (int k = 0; k < j; ++k) s -= l[i][k] * l[j][k];
      if (i == j) {
        if (!(s > 0)) return false;
        l[i][i] = std::sqrt(s);
      } else {
        l[i][j] = s / l[j][j];
      }
    }
    for (int j = i + 1; j < p; ++j) l[i][j] = 0;
  }
  return true;
}

void CholeskySolve(int p, const double l[kMaxCoefficients][kMaxCoefficients], const double* b, double* x) {
  double y[kMaxCoefficients];
  for (int i = 0; i < p; ++i) {
    double s = b[i];
    for (int k = 0; k < i; ++k) s -= l[i][k] * y[k];
    y[i] = s / l[i][i];
  }
  for (int i = p - 1; i >= 0; --i) {
    double s = y[i];
    for (int k = i + 1; k < p; ++k) s -= l[k][i] * x[k];
    x[i] = s / l[i][i];
  }
}

// What one grid point contributes.
struct Point {
  double log_density = kNegInf;  // log posterior of the variance parameters in grid coordinates
  double diff_mean = 0;
  double diff_var = 0;
  double aux_mean = 0;  // kTrend: the slope (a coefficient)
  double aux_var = 0;
  double sd = 0;      // residual (innovation) SD at this point
  double second = 0;  // kLag: slope; kAr1: rho
};

// Integrates theta ~ N(0, Lambda^-1) out of the quadratic likelihood; fills the conditional
// posterior of c'theta (and of coefficient `aux` when >= 0). Returns the log marginal likelihood,
// or -inf when the quadratic form is degenerate.
double IntegrateCoefficients(Quadratic& quad, const double* prior_precision, const double* c, int aux, Point* point) {
  const int p = quad.p;
  double h[kMaxCoefficients][kMaxCoefficients];
  for (int a = 0; a < p; ++a) {
    for (int b = 0; b <= a; ++b) h[a][b] = quad.S[a][b] + (a == b ? prior_precision[a] : 0.0);
  }
  double l[kMaxCoefficients][kMaxCoefficients];
  if (!Cholesky(p, h, l)) return kNegInf;
  double mu[kMaxCoefficients];
  CholeskySolve(p, l, quad.r, mu);
  double log_det_h = 0;
  double log_det_prior = 0;
  double r_mu = 0;
  for (int a = 0; a < p; ++a) {
    log_det_h += 2.0 * std::log(l[a][a]);
    log_det_prior += std::log(prior_precision[a]);
    r_mu += quad.r[a] * mu[a];
  }
  double w[kMaxCoefficients];
  CholeskySolve(p, l, c, w);
  point->diff_mean = 0;
  point->diff_var = 0;
  for (int a = 0; a < p; ++a) {
    point->diff_mean += c[a] * mu[a];
    point->diff_var += c[a] * w[a];
  }
  if (aux >= 0) {
    double e[kMaxCoefficients] = {};
    e[aux] = 1;
    double v[kMaxCoefficients];
    CholeskySolve(p, l, e, v);
    point->aux_mean = mu[aux];
    point->aux_var = v[aux];
  }
  return -0.5 * (quad.sum_log_f + quad.n * kLog2Pi) - 0.5 * quad.q + 0.5 * r_mu - 0.5 * log_det_h + 0.5 * log_det_prior;
}

// --- The models' integrands ------------------------------------------------------------------------

// An observed day whose predecessor observation is `gap` calendar days earlier (gap 0: the first
// observation, which follows the model's initial state).
struct Observation {
  int t = 0;    // index on the calendar grid
  int gap = 0;  // days since the previous observation; 0 for the first
  double y = 0;
  double y_prev = 0;  // the previous observation's rating (0 for the first)
  bool ldn = false;
  bool ldn_prev = false;
};

// AR(1) errors: the observations that follow their predecessor by `gap` days contribute
// e = (y - a y') - (x - a x')'theta with a = rho^gap and F = sd^2 (1 - a^2) / (1 - rho^2), i.e.
// quadratics in a whose coefficients are sums over the group, computed once.
struct Ar1Group {
  int gap = 0;  // 0: the first observation (stationary variance, no predecessor)
  int n = 0;
  double suu = 0, suv = 0, svv = 0;
  double sxu[2] = {}, sxv[2] = {}, spu[2] = {}, spv[2] = {};  // x with u, x with v, x' with u, x' with v
  double sxx[2][2] = {}, sxp[2][2] = {}, spp[2][2] = {};      // x x', x x'' , x' x'' (p = previous)
};

// The data prepared once per fit.
struct Prepared {
  // Observed days only (kMean, kTrend): sufficient statistics of (1, B, x) and y.
  double xtx[3][3] = {};
  double xty[3] = {};
  double yty = 0;
  int n = 0;
  // Calendar grid (kLag, kAr1).
  std::vector<unsigned char> ldn;
  std::vector<Observation> observations;
  double mean_y = 0;
  // kLag: observations one day after the previous one, summed: h = (1, B_t), e = y_t - slope y_{t-1}.
  double lag_hh[2][2] = {};
  double lag_hy[2] = {}, lag_hyp[2] = {};
  double lag_yy = 0, lag_yyp = 0, lag_ypyp = 0;
  int lag_n1 = 0;
  std::vector<Observation> lag_others;  // the first observation and those after a gap
  // kAr1.
  std::vector<Ar1Group> ar1_groups;
  // Starting values.
  double sd0 = 1;
  double r0 = 0;  // lag-1 autocorrelation of within-arm residuals
};

class Integrand {
 public:
  Integrand(Nof1Model model, const Prepared& data) : model_(model), d_(data) {}
  int Dimensions() const { return model_ == Nof1Model::kMean || model_ == Nof1Model::kTrend ? 1 : 2; }

  // Grid coordinates of a starting point near the mode.
  std::array<double, 2> Start() const {
    const double sd = std::clamp(d_.sd0, kSdLow + 0.05, kSdHigh - 0.05);
    const double r = std::clamp(d_.r0, -0.9, 0.9);
    switch (model_) {
      case Nof1Model::kMean:
      case Nof1Model::kTrend: return {Logit((sd - kSdLow) / (kSdHigh - kSdLow)), 0};
      case Nof1Model::kLag: {
        const double innovation = std::clamp(sd * std::sqrt(1 - r * r), kSdLow + 0.05, kSdHigh - 0.05);
        return {Logit((innovation - kSdLow) / (kSdHigh - kSdLow)), r};
      }
      case Nof1Model::kAr1: {
        const double innovation = std::max(sd * std::sqrt(1 - r * r), 1e-3);
        return {-2.0 * std::log(innovation), std::asinh(std::atanh(r))};
      }
    }
    return {0, 0};
  }

  void Evaluate(const double* u, Point* point) const {
    point->log_density = kNegInf;
    switch (model_) {
      case Nof1Model::kMean:
      case Nof1Model::kTrend: EvaluateRegression(u[0], point); return;
      case Nof1Model::kLag: EvaluateLag(u[0], u[1], point); return;
      case Nof1Model::kAr1: EvaluateAr1(u[0], u[1], point); return;
    }
  }

 private:
  // u = logit((sd - 0.1) / 4.9): sd ~ U(0.1, 5) has density proportional to p (1 - p) in u.
  static double SdFromU(double u, double* log_prior) {
    *log_prior = LogSigmoid(u) + LogSigmoid(-u);
    return kSdLow + (kSdHigh - kSdLow) * Sigmoid(u);
  }

  void EvaluateRegression(double u, Point* point) const {
    double log_prior = 0;
    const double sd = SdFromU(u, &log_prior);
    const double var = sd * sd;
    const bool trend = model_ == Nof1Model::kTrend;
    Quadratic quad;
    quad.p = trend ? 3 : 2;
    for (int a = 0; a < quad.p; ++a) {
      quad.r[a] = d_.xty[a] / var;
      for (int b = 0; b <= a; ++b) quad.S[a][b] = d_.xtx[a][b] / var;
    }
    quad.q = d_.yty / var;
    quad.sum_log_f = d_.n * std::log(var);
    quad.n = d_.n;
    const double prior[3] = {kCoefficientPrecision, kCoefficientPrecision, kSlopePrecision};
    const double c[3] = {0, 1, 0};
    const double ll = IntegrateCoefficients(quad, prior, c, trend ? 2 : -1, point);
    point->sd = sd;
    point->log_density = ll + log_prior;
  }

  // Y_t = alpha + beta B_t + slope Y_{t-1} + N(0, sd^2), Y_0 ~ N(v, 1/2): a scalar state-space
  // model. Given the previous observation, the prediction of Y_t is c + g'theta with variance P:
  // one day later c = slope y', g = (1, B_t), P = sd^2 (summed once for all such days); after a
  // gap (or from Y_0) the prediction steps through the unobserved days.
  void EvaluateLag(double u, double slope, Point* point) const {
    double log_prior = 0;
    const double sd = SdFromU(u, &log_prior);
    const double var = sd * sd;
    log_prior += -0.5 * kSlopePrecision * slope * slope;
    Quadratic quad;
    quad.p = 2;
    const double inv = 1.0 / var;
    for (int a = 0; a < 2; ++a) {
      quad.r[a] = (d_.lag_hy[a] - slope * d_.lag_hyp[a]) * inv;
      for (int b = 0; b <= a; ++b) quad.S[a][b] = d_.lag_hh[a][b] * inv;
    }
    quad.q = (d_.lag_yy - 2 * slope * d_.lag_yyp + slope * slope * d_.lag_ypyp) * inv;
    quad.sum_log_f = d_.lag_n1 * std::log(var);
    quad.n = d_.lag_n1;
    for (const Observation& o : d_.lag_others) {
      const bool first = o.gap == 0;
      double c = first ? d_.mean_y : o.y_prev;
      double pvar = first ? 1.0 / kY0Precision : 0.0;
      double g0 = 0, g1 = 0;
      const int steps = first ? o.t + 1 : o.gap;
      for (int j = steps - 1; j >= 0; --j) {
        c *= slope;
        g0 = slope * g0 + 1.0;
        g1 = slope * g1 + (d_.ldn[static_cast<size_t>(o.t - j)] ? 1.0 : 0.0);
        pvar = slope * slope * pvar + var;
      }
      const double h[2] = {g0, g1};
      quad.Add(h, o.y - c, pvar);
    }
    if (!std::isfinite(quad.q) || !std::isfinite(quad.sum_log_f)) return;
    const double prior[2] = {kCoefficientPrecision, kCoefficientPrecision};
    const double cvec[2] = {0, 1};
    const double ll = IntegrateCoefficients(quad, prior, cvec, -1, point);
    point->sd = sd;
    point->second = slope;
    point->log_density = ll + log_prior;
  }

  // Y_t = mu_t + e_t, e_1 ~ N(0, sd^2 / (1 - rho^2)), e_t = rho e_{t-1} + N(0, sd^2). Given the
  // previous observation `gap` days earlier, e_t ~ N(a e', sd^2 (1 - a^2) / (1 - rho^2)) with
  // a = rho^gap (the Kalman filter's prediction through the unobserved days), so the likelihood
  // is a sum over the gap groups of quadratics in a.
  // u0 = log precision (Gamma(a, b) prior: density tau^a e^(-b tau) in u0); rho = tanh(sinh(u1))
  // (U(-1, 1): density (1 - rho^2) cosh(u1) in u1). The likelihood stays positive as rho -> +/-1,
  // so in atanh(rho) the density would fall off only like e^(-3 |atanh rho|) and need a wide grid;
  // the extra sinh makes the tails fall doubly exponentially.
  void EvaluateAr1(double u0, double u1, Point* point) const {
    const double tau = std::exp(u0);
    const double w = std::sinh(u1);
    const double rho = std::tanh(w);
    const double one_minus_rho2 = 1.0 / (std::cosh(w) * std::cosh(w));
    if (!(tau > 0) || !std::isfinite(tau) || !(one_minus_rho2 > 0) || !(std::fabs(rho) < 1)) return;
    const double var = 1.0 / tau;
    const double log_prior = kGammaShape * u0 - kGammaRate * tau + std::log(one_minus_rho2) + std::log(std::cosh(u1));
    Quadratic quad;
    quad.p = 2;
    for (const Ar1Group& grp : d_.ar1_groups) {
      const bool first = grp.gap == 0;
      const double a = first ? 0.0 : std::pow(rho, grp.gap);
      const double f = first ? var / one_minus_rho2 : var * (1.0 - a * a) / one_minus_rho2;
      if (!(f > 0)) return;
      const double inv = 1.0 / f;
      for (int i = 0; i < 2; ++i) {
        quad.r[i] += (grp.sxu[i] - a * (grp.sxv[i] + grp.spu[i]) + a * a * grp.spv[i]) * inv;
        for (int j = 0; j <= i; ++j) {
          quad.S[i][j] += (grp.sxx[i][j] - a * (grp.sxp[i][j] + grp.sxp[j][i]) + a * a * grp.spp[i][j]) * inv;
        }
      }
      quad.q += (grp.suu - 2 * a * grp.suv + a * a * grp.svv) * inv;
      quad.sum_log_f += grp.n * std::log(f);
      quad.n += grp.n;
    }
    if (!std::isfinite(quad.q) || !std::isfinite(quad.sum_log_f)) return;
    const double prior[2] = {kCoefficientPrecision, kCoefficientPrecision};
    const double cvec[2] = {-1, 1};
    const double ll = IntegrateCoefficients(quad, prior, cvec, -1, point);
    point->sd = std::sqrt(var);
    point->second = rho;
    point->log_density = ll + log_prior;
  }

  Nof1Model model_;
  const Prepared& d_;
};

// --- Mode, curvature and grid ----------------------------------------------------------------------

double LogDensityAt(const Integrand& f, const std::array<double, 2>& u) {
  Point p;
  f.Evaluate(u.data(), &p);
  return std::isfinite(p.log_density) ? p.log_density : kNegInf;
}

// Central-difference gradient and Hessian of the log density at u.
void Derivatives(const Integrand& f, int dims, const std::array<double, 2>& u, double step, double* grad,
                 double hess[2][2]) {
  const double f0 = LogDensityAt(f, u);
  for (int i = 0; i < dims; ++i) {
    std::array<double, 2> up = u, dn = u;
    up[i] += step;
    dn[i] -= step;
    const double fp = LogDensityAt(f, up);
    const double fm = LogDensityAt(f, dn);
    grad[i] = (fp - fm) / (2 * step);
    hess[i][i] = (fp - 2 * f0 + fm) / (step * step);
  }
  if (dims == 2) {
    std::array<double, 2> pp = u, pm = u, mp = u, mm = u;
    pp[0] += step, pp[1] += step;
    pm[0] += step, pm[1] -= step;
    mp[0] -= step, mp[1] += step;
    mm[0] -= step, mm[1] -= step;
    hess[0][1] = hess[1][0] =
        (LogDensityAt(f, pp) - LogDensityAt(f, pm) - LogDensityAt(f, mp) + LogDensityAt(f, mm)) / (4 * step * step);
  }
}

// Damped Newton ascent to the mode of the log density (gradient steps where the Hessian is not
// negative definite). Returns false when no finite density was found.
bool FindMode(const Integrand& f, int dims, std::array<double, 2>* u) {
  double current = LogDensityAt(f, *u);
  if (!std::isfinite(current)) {
    // A wild starting guess: search outwards along the first axis for a finite density.
    bool found = false;
    for (double shift : {1.0, -1.0, 3.0, -3.0, 6.0, -6.0}) {
      std::array<double, 2> v = *u;
      v[0] += shift;
      if (std::isfinite(LogDensityAt(f, v))) {
        *u = v;
        found = true;
        break;
      }
    }
    if (!found) return false;
    current = LogDensityAt(f, *u);
  }
  for (int iter = 0; iter < 200; ++iter) {
    double grad[2] = {0, 0};
    double hess[2][2] = {{0, 0}, {0, 0}};
    Derivatives(f, dims, *u, 1e-4, grad, hess);
    double step[2] = {0, 0};
    bool newton = false;
    if (dims == 1) {
      if (hess[0][0] < 0) {
        step[0] = -grad[0] / hess[0][0];
        newton = true;
      }
    } else {
      const double det = hess[0][0] * hess[1][1] - hess[0][1] * hess[1][0];
      if (hess[0][0] < 0 && det > 0) {
        step[0] = -(hess[1][1] * grad[0] - hess[0][1] * grad[1]) / det;
        step[1] = -(-hess[1][0] * grad[0] + hess[0][0] * grad[1]) / det;
        newton = true;
      }
    }
    if (!newton) {
      step[0] = grad[0];
      step[1] = dims == 2 ? grad[1] : 0;
    }
    // Never jump more than 2 units of the transformed scale at once.
    const double norm = std::hypot(step[0], step[1]);
    if (norm > 2) {
      step[0] *= 2 / norm;
      step[1] *= 2 / norm;
    }
    double t = 1;
    bool accepted = false;
    std::array<double, 2> next = *u;
    for (int k = 0; k < 40; ++k) {
      next = {(*u)[0] + t * step[0], (*u)[1] + t * step[1]};
      const double value = LogDensityAt(f, next);
      if (std::isfinite(value) && value >= current - 1e-12) {
        current = value;
        accepted = true;
        break;
      }
      t /= 2;
    }
    if (!accepted) break;
    const double moved = t * std::hypot(step[0], step[1]);
    *u = next;
    if (newton && moved < 1e-7) break;
  }
  return true;
}

// The trapezoid grid in whitened coordinates: u = mode + L z, z = (i, j) h. Cells are kept when
// the grid grows, so growing costs only the new cells.
class Grid {
 public:
  Grid(const Integrand& f, int dims, std::array<double, 2> mode, const double l[2][2], double h, int half_count)
      : f_(f), dims_(dims), mode_(mode), h_(h) {
    for (int a = 0; a < 2; ++a) {
      for (int b = 0; b < 2; ++b) l_[a][b] = l[a][b];
    }
    lo_ = {-half_count, dims == 2 ? -half_count : 0};
    hi_ = {half_count, dims == 2 ? half_count : 0};
    Fill({}, {}, false);
  }

  int Dimensions() const { return dims_; }
  int Size() const { return static_cast<int>(cells_.size()); }
  double MaxLog() const { return max_log_; }
  int I(int k) const { return lo_[0] + k / Width(); }
  int J(int k) const { return lo_[1] + k % Width(); }
  const Point& Cell(int k) const { return cells_[static_cast<size_t>(k)]; }

  // Grows every edge whose cells carry more than e^kEdgeLogRatio of the peak; returns false when
  // none does (or the grid has reached its size limit).
  bool Grow() {
    bool heavy[2][2] = {{false, false}, {false, false}};
    for (int k = 0; k < Size(); ++k) {
      if (cells_[static_cast<size_t>(k)].log_density - max_log_ <= kEdgeLogRatio) continue;
      for (int d = 0; d < dims_; ++d) {
        const int idx = d == 0 ? I(k) : J(k);
        if (idx == lo_[d]) heavy[d][0] = true;
        if (idx == hi_[d]) heavy[d][1] = true;
      }
    }
    std::array<int, 2> lo = lo_, hi = hi_;
    bool any = false;
    for (int d = 0; d < dims_; ++d) {
      const int add = std::max(4, (hi_[d] - lo_[d]) / 4);
      if (heavy[d][0] && hi_[d] - lo_[d] < kMaxSpan) lo[d] -= add, any = true;
      if (heavy[d][1] && hi_[d] - lo_[d] < kMaxSpan) hi[d] += add, any = true;
    }
    if (!any) return false;
    Fill(lo, hi, true);
    return true;
  }

 private:
  static constexpr int kMaxSpan = 400;
  int Width() const { return hi_[1] - lo_[1] + 1; }

  void Evaluate(int i, int j, Point* p) const {
    const double z0 = i * h_;
    const double z1 = j * h_;
    const double u[2] = {mode_[0] + l_[0][0] * z0, mode_[1] + l_[1][0] * z0 + l_[1][1] * z1};
    f_.Evaluate(u, p);
    if (!std::isfinite(p->log_density)) p->log_density = kNegInf;
  }

  void Fill(std::array<int, 2> lo, std::array<int, 2> hi, bool keep) {
    std::vector<Point> old;
    std::array<int, 2> old_lo = lo_, old_hi = hi_;
    if (keep) {
      old.swap(cells_);
      lo_ = lo;
      hi_ = hi;
    }
    const int old_width = old_hi[1] - old_lo[1] + 1;
    cells_.assign(static_cast<size_t>((hi_[0] - lo_[0] + 1) * Width()), Point{});
    for (int i = lo_[0]; i <= hi_[0]; ++i) {
      for (int j = lo_[1]; j <= hi_[1]; ++j) {
        Point& p = cells_[static_cast<size_t>((i - lo_[0]) * Width() + (j - lo_[1]))];
        if (keep && i >= old_lo[0] && i <= old_hi[0] && j >= old_lo[1] && j <= old_hi[1]) {
          p = old[static_cast<size_t>((i - old_lo[0]) * old_width + (j - old_lo[1]))];
        } else {
          Evaluate(i, j, &p);
        }
        max_log_ = std::max(max_log_, p.log_density);
      }
    }
  }

  const Integrand& f_;
  int dims_;
  std::array<double, 2> mode_;
  double l_[2][2];
  double h_;
  std::array<int, 2> lo_{}, hi_{};
  std::vector<Point> cells_;
  double max_log_ = kNegInf;
};

bool InHalfGrid(const Grid& g, int k) {
  return g.I(k) % 2 == 0 && (g.Dimensions() == 1 || g.J(k) % 2 == 0);
}

// The posterior of diff (or, with long_run, of diff / (1 - slope)) as a normal mixture over the
// grid; with `half`, over every second point only (the error estimate).
NormalMixture MixtureOf(const Grid& g, bool half, bool long_run) {
  NormalMixture m;
  double total = 0;
  for (int k = 0; k < g.Size(); ++k) {
    if (half && !InHalfGrid(g, k)) continue;
    total += std::exp(g.Cell(k).log_density - g.MaxLog());
  }
  for (int k = 0; k < g.Size(); ++k) {
    if (half && !InHalfGrid(g, k)) continue;
    const Point& p = g.Cell(k);
    const double w = std::exp(p.log_density - g.MaxLog()) / total;
    if (!(w > kNegligibleWeight)) continue;
    double mean = p.diff_mean;
    double sd = std::sqrt(std::max(p.diff_var, 0.0));
    if (long_run) {
      const double scale = 1.0 / (1.0 - p.second);
      mean *= scale;
      sd *= std::fabs(scale);
    }
    m.weight.push_back(w);
    m.mean.push_back(mean);
    m.sd.push_back(sd);
  }
  // Renormalise after dropping the negligible components.
  double kept = 0;
  for (double w : m.weight) kept += w;
  for (double& w : m.weight) w /= kept;
  return m;
}

Status Prepare(const Nof1Series& s, Nof1Model model, Prepared* d) {
  assert(s.ldn.size() == s.outcome.size());
  int n = 0;
  int n_ldn = 0;
  double sum[2] = {0, 0};
  int count[2] = {0, 0};
  double day_sum = 0;
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  for (size_t i = 0; i < s.outcome.size(); ++i) {
    if (!s.outcome[i]) continue;
    const double y = *s.outcome[i];
    assert(std::isfinite(y));
    ++n;
    const int arm = s.ldn[i] ? 1 : 0;
    n_ldn += arm;
    sum[arm] += y;
    ++count[arm];
    day_sum += s.first_day + static_cast<double>(i);
    lo = std::min(lo, y);
    hi = std::max(hi, y);
  }
  if (n < 4) {
    return Status::InvalidArgument(
        "outcome", fmt::format("{} analysed day{} with a rating: the models need at least 4", n, n == 1 ? "" : "s"));
  }
  if (n_ldn == 0 || n_ldn == n) {
    return Status::InvalidArgument("outcome", fmt::format("no analysed day with a rating on {}: nothing to compare",
                                                          n_ldn == 0 ? "B (LDN)" : "A (placebo)"));
  }
  if (hi == lo) {
    return Status::InvalidArgument(
        "outcome", fmt::format("every analysed rating is {}: with no variation the models cannot estimate the noise "
                               "(TrialistNof1's run.norm refuses such data too)",
                               lo));
  }
  d->n = n;
  d->mean_y = (sum[0] + sum[1]) / n;
  const double mean_day = day_sum / n;
  const double arm_mean[2] = {sum[0] / count[0], sum[1] / count[1]};
  double ss = 0;
  double lag_num = 0;
  bool has_prev = false;  // the previous calendar day had a rating
  double prev_e = 0;
  for (size_t i = 0; i < s.outcome.size(); ++i) {
    if (!s.outcome[i]) {
      has_prev = false;
      continue;
    }
    const double y = *s.outcome[i];
    const double b = s.ldn[i] ? 1.0 : 0.0;
    const double x = s.first_day + static_cast<double>(i) - mean_day;
    const double row[3] = {1.0, b, x};
    for (int a = 0; a < 3; ++a) {
      d->xty[a] += row[a] * y;
      for (int c = 0; c <= a; ++c) d->xtx[a][c] += row[a] * row[c];
    }
    d->yty += y * y;
    const double e = y - arm_mean[s.ldn[i] ? 1 : 0];
    ss += e * e;
    if (has_prev) lag_num += prev_e * e;
    prev_e = e;
    has_prev = true;
  }
  d->sd0 = std::sqrt(ss / std::max(n - 2, 1));
  d->r0 = ss > 0 ? lag_num / ss : 0;
  if (model != Nof1Model::kLag && model != Nof1Model::kAr1) return Status::Ok();

  d->ldn.resize(s.ldn.size());
  for (size_t i = 0; i < s.ldn.size(); ++i) d->ldn[i] = s.ldn[i] ? 1 : 0;
  int prev_t = -1;
  for (size_t i = 0; i < s.outcome.size(); ++i) {
    if (!s.outcome[i]) continue;
    Observation o;
    o.t = static_cast<int>(i);
    o.gap = prev_t < 0 ? 0 : o.t - prev_t;
    o.y = *s.outcome[i];
    o.ldn = s.ldn[i];
    if (prev_t >= 0) {
      o.y_prev = *s.outcome[static_cast<size_t>(prev_t)];
      o.ldn_prev = s.ldn[static_cast<size_t>(prev_t)];
    }
    d->observations.push_back(o);
    prev_t = o.t;
  }
  if (model == Nof1Model::kLag) {
    for (const Observation& o : d->observations) {
      if (o.gap != 1) {
        d->lag_others.push_back(o);
        continue;
      }
      const double h[2] = {1.0, o.ldn ? 1.0 : 0.0};
      for (int a = 0; a < 2; ++a) {
        d->lag_hy[a] += h[a] * o.y;
        d->lag_hyp[a] += h[a] * o.y_prev;
        for (int b = 0; b <= a; ++b) d->lag_hh[a][b] += h[a] * h[b];
      }
      d->lag_yy += o.y * o.y;
      d->lag_yyp += o.y * o.y_prev;
      d->lag_ypyp += o.y_prev * o.y_prev;
      ++d->lag_n1;
    }
    return Status::Ok();
  }
  for (const Observation& o : d->observations) {
    auto it =
        std::find_if(d->ar1_groups.begin(), d->ar1_groups.end(), [&](const Ar1Group& g) { return g.gap == o.gap; });
    if (it == d->ar1_groups.end()) {
      d->ar1_groups.push_back(Ar1Group{});
      d->ar1_groups.back().gap = o.gap;
      it = d->ar1_groups.end() - 1;
    }
    Ar1Group& g = *it;
    // x = cell indicators (A, B) of this day; x' of the previous observation (0 for the first).
    const double x[2] = {o.ldn ? 0.0 : 1.0, o.ldn ? 1.0 : 0.0};
    const double xp[2] = {o.gap == 0 ? 0.0 : (o.ldn_prev ? 0.0 : 1.0), o.gap == 0 ? 0.0 : (o.ldn_prev ? 1.0 : 0.0)};
    const double u = o.y;
    const double v = o.y_prev;
    ++g.n;
    g.suu += u * u;
    g.suv += u * v;
    g.svv += v * v;
    for (int a = 0; a < 2; ++a) {
      g.sxu[a] += x[a] * u;
      g.sxv[a] += x[a] * v;
      g.spu[a] += xp[a] * u;
      g.spv[a] += xp[a] * v;
      for (int b = 0; b < 2; ++b) {
        g.sxx[a][b] += x[a] * x[b];
        g.sxp[a][b] += x[a] * xp[b];
        g.spp[a][b] += xp[a] * xp[b];
      }
    }
  }
  return Status::Ok();
}

}  // namespace

// --- Public -----------------------------------------------------------------------------------------

std::string_view Nof1ModelName(Nof1Model model) {
  switch (model) {
    case Nof1Model::kMean: return "mean";
    case Nof1Model::kTrend: return "trend";
    case Nof1Model::kLag: return "lag";
    case Nof1Model::kAr1: return "ar1";
  }
  return "?";
}

std::string_view Nof1ModelSource(Nof1Model model) {
  switch (model) {
    case Nof1Model::kMean: return "TrialistNof1 run.norm model 1 (mean)";
    case Nof1Model::kTrend: return "TrialistNof1 run.norm model 2 (covariate: a linear time trend)";
    case Nof1Model::kLag: return "TrialistNof1 run.norm model 4 (yesterday's rating as a covariate)";
    case Nof1Model::kAr1: return "nof1ins normal model with AR(1) errors (corr.y = TRUE)";
  }
  return "?";
}

Result<Nof1Model> ParseNof1Model(std::string_view name, std::string_view field) {
  for (Nof1Model m : {Nof1Model::kMean, Nof1Model::kTrend, Nof1Model::kLag, Nof1Model::kAr1}) {
    if (name == Nof1ModelName(m)) return m;
  }
  return Status::InvalidArgument(std::string(field),
                                 fmt::format("unknown model \"{}\": use mean, trend, lag or ar1", name));
}

double NormalMixture::Mean() const {
  double m = 0;
  for (size_t k = 0; k < weight.size(); ++k) m += weight[k] * mean[k];
  return m;
}

double NormalMixture::Sd() const {
  const double m = Mean();
  double v = 0;
  for (size_t k = 0; k < weight.size(); ++k) {
    const double d = mean[k] - m;
    v += weight[k] * (sd[k] * sd[k] + d * d);
  }
  return std::sqrt(std::max(v, 0.0));
}

double NormalMixture::Cdf(double x) const {
  double c = 0;
  for (size_t k = 0; k < weight.size(); ++k) {
    if (sd[k] > 0) {
      c += weight[k] * 0.5 * std::erfc(-(x - mean[k]) / (sd[k] * std::numbers::sqrt2));
    } else if (x >= mean[k]) {
      c += weight[k];
    }
  }
  return std::clamp(c, 0.0, 1.0);
}

double NormalMixture::Pdf(double x) const {
  double p = 0;
  for (size_t k = 0; k < weight.size(); ++k) {
    if (!(sd[k] > 0)) continue;
    const double z = (x - mean[k]) / sd[k];
    p += weight[k] * std::exp(-0.5 * z * z) / (sd[k] * std::sqrt(2 * std::numbers::pi));
  }
  return p;
}

double NormalMixture::Quantile(double p) const {
  assert(p > 0 && p < 1 && !weight.empty());
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  for (size_t k = 0; k < weight.size(); ++k) {
    lo = std::min(lo, mean[k] - 40 * sd[k]);
    hi = std::max(hi, mean[k] + 40 * sd[k]);
  }
  // Start from the normal with the mixture's moments (its z by bisection on erfc: no mixture
  // evaluations), then keep a bracket [lo, hi] with Cdf(lo) < p <= Cdf(hi) and take Newton steps
  // inside it, bisecting otherwise.
  double za = -10, zb = 10;
  for (int i = 0; i < 60; ++i) {
    const double zm = 0.5 * (za + zb);
    if (0.5 * std::erfc(-zm / std::numbers::sqrt2) < p) {
      za = zm;
    } else {
      zb = zm;
    }
  }
  double x = std::clamp(Mean() + 0.5 * (za + zb) * Sd(), lo, hi);
  for (int iter = 0; iter < 200; ++iter) {
    const double f = Cdf(x) - p;
    if (f < 0)
      lo = std::max(lo, x);
    else
      hi = std::min(hi, x);
    const double dens = Pdf(x);
    double next = dens > 0 ? x - f / dens : 0.5 * (lo + hi);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (std::fabs(next - x) < 1e-12 * (1 + std::fabs(x)) || hi - lo < 1e-13 * (1 + std::fabs(x))) return next;
    x = next;
  }
  return x;
}

PosteriorSummary Summarize(const NormalMixture& m) {
  PosteriorSummary s;
  s.mean = m.Mean();
  s.sd = m.Sd();
  s.q025 = m.Quantile(0.025);
  s.median = m.Quantile(0.5);
  s.q975 = m.Quantile(0.975);
  return s;
}

std::vector<CategoryProbability> StandardizedCategories(const NormalMixture& diff, double score_range) {
  // TrialistNof1 treat.diff.change(): cut(diff / score.range, breaks = c(-1, -0.2, -0.1, -0.05,
  // 0.05, 0.1, 0.2, 1)), right-closed intervals, divided by the number of draws.
  static constexpr std::array<double, 8> kBreaks = {-1, -0.2, -0.1, -0.05, 0.05, 0.1, 0.2, 1};
  std::vector<CategoryProbability> out;
  double prev = diff.Cdf(kBreaks[0] * score_range);
  for (size_t k = 1; k < kBreaks.size(); ++k) {
    const double cur = diff.Cdf(kBreaks[k] * score_range);
    out.push_back({kBreaks[k - 1], kBreaks[k], std::max(cur - prev, 0.0)});
    prev = cur;
  }
  return out;
}

Result<Nof1Fit> FitNof1Model(const Nof1Series& series, Nof1Model model, const Nof1FitOptions& options) {
  Prepared data;
  LDN_RETURN_IF_ERROR(Prepare(series, model, &data));
  const Integrand f(model, data);
  const int dims = f.Dimensions();
  std::array<double, 2> mode = f.Start();
  if (!FindMode(f, dims, &mode)) return Status::Internal("nof1 quadrature: no finite posterior density found");

  // Whitening: the Cholesky factor of the Laplace approximation's covariance at the mode, so that
  // the grid is aligned with the posterior's principal directions and spaced in its own SDs.
  double grad[2];
  double hess[2][2] = {{0, 0}, {0, 0}};
  Derivatives(f, dims, mode, 1e-3, grad, hess);
  double l[2][2] = {{1, 0}, {0, 1}};
  if (dims == 1) {
    l[0][0] = hess[0][0] < 0 ? 1.0 / std::sqrt(-hess[0][0]) : 0.5;
  } else {
    const double a = -hess[0][0], b = -hess[0][1], c = -hess[1][1];
    const double det = a * c - b * b;
    if (a > 0 && det > 0) {
      const double c00 = c / det, c01 = -b / det, c11 = a / det;  // inverse of [[a, b], [b, c]]
      l[0][0] = std::sqrt(c00);
      l[1][0] = c01 / l[0][0];
      l[1][1] = std::sqrt(std::max(c11 - l[1][0] * l[1][0], 1e-12));
    } else {
      l[0][0] = a > 0 ? 1.0 / std::sqrt(a) : 0.5;
      l[1][1] = c > 0 ? 1.0 / std::sqrt(c) : 0.5;
    }
  }
  // Half a posterior SD between points over +/- 8 SD (the log density of a normal is -32 there),
  // grown where the tails are heavier than a normal's.
  const int n_points = options.points_per_dimension > 0 ? std::max(options.points_per_dimension | 1, 9) : 33;
  const double extent = 8.0;
  const int half_count = (n_points - 1) / 2;
  Grid g(f, dims, mode, l, extent / half_count, half_count);
  for (int grow = 0; grow < 16 && std::isfinite(g.MaxLog()); ++grow) {
    if (!g.Grow()) break;
  }
  if (!std::isfinite(g.MaxLog())) return Status::Internal("nof1 quadrature: the density vanished on the grid");

  Nof1Fit fit;
  fit.model = model;
  fit.days = static_cast<int>(series.outcome.size());
  fit.observed = data.n;
  fit.grid_points = g.Size();
  fit.diff = MixtureOf(g, /*half=*/false, /*long_run=*/false);
  if (fit.diff.weight.empty()) return Status::Internal("nof1 quadrature: empty mixture");

  // Moments of the variance parameters and (kTrend) the slope.
  double total = 0;
  for (int k = 0; k < g.Size(); ++k) total += std::exp(g.Cell(k).log_density - g.MaxLog());
  double sd_m = 0, sd_m2 = 0, s_m = 0, s_m2 = 0, aux_m = 0, aux_m2 = 0;
  double near_one = 0;
  for (int k = 0; k < g.Size(); ++k) {
    const Point& p = g.Cell(k);
    const double w = std::exp(p.log_density - g.MaxLog()) / total;
    sd_m += w * p.sd;
    sd_m2 += w * p.sd * p.sd;
    s_m += w * p.second;
    s_m2 += w * p.second * p.second;
    aux_m += w * p.aux_mean;
    aux_m2 += w * (p.aux_var + p.aux_mean * p.aux_mean);
    if (p.second >= 0.95) near_one += w;
  }
  auto moments = [](double m, double m2) { return ParameterMoments{m, std::sqrt(std::max(m2 - m * m, 0.0))}; };
  fit.sd = moments(sd_m, sd_m2);
  if (model == Nof1Model::kTrend) fit.slope = moments(aux_m, aux_m2);
  if (model == Nof1Model::kLag) {
    fit.slope = moments(s_m, s_m2);
    fit.long_run_diff = MixtureOf(g, false, /*long_run=*/true);
    fit.long_run_moments_exist = near_one <= 1e-6;
  }
  if (model == Nof1Model::kAr1) fit.rho = moments(s_m, s_m2);

  // Error estimate: the same posterior from every second grid point (step 2h). For a quantile q_p
  // the estimate is |F_coarse(q_p) - p| / f(q_p).
  const NormalMixture coarse = MixtureOf(g, /*half=*/true, false);
  if (!coarse.weight.empty()) {
    double err = std::max({std::fabs(fit.diff.Mean() - coarse.Mean()), std::fabs(fit.diff.Sd() - coarse.Sd()),
                           std::fabs(fit.diff.Cdf(0) - coarse.Cdf(0))});
    for (double p : {0.025, 0.5, 0.975}) {
      const double q = fit.diff.Quantile(p);
      const double dens = fit.diff.Pdf(q);
      if (dens > 0) err = std::max(err, std::fabs(coarse.Cdf(q) - p) / dens);
    }
    fit.quadrature_error = err;
  }
  return fit;
}

}  // namespace ldn::analysis
