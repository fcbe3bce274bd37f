// The LP relaxation bound of the schedule search: include/dcplan/schedule/detail/lp_bound.hpp
// states the LP and why the value returned never exceeds a schedule's objective.
#include "dcplan/schedule/detail/lp_bound.hpp"

#include <CglFlowCover.hpp>
#include <CglGomory.hpp>
#include <CglKnapsackCover.hpp>
#include <CglMixedIntegerRounding2.hpp>
#include <CglProbing.hpp>
#include <CglTwomir.hpp>
#include <CglZeroHalf.hpp>
#include <ClpSimplex.hpp>
#include <CoinPackedMatrix.hpp>
#include <OsiClpSolverInterface.hpp>
#include <OsiCuts.hpp>
#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "dcplan/schedule/detail/dominance.hpp"

namespace dcplan::detail {

namespace {
constexpr double kWiden = 1e-6; // of each scaled row's right-hand side (1)
} // namespace

struct lp_bound::impl {
  ClpSimplex lp;
  // The matrix as given to CLP (scaled), by column, for the Lagrangian bound.
  std::vector<int> start, index;
  std::vector<double> value, cost, row_lo, row_up, col_lo, col_up;
  double cost_scale = 1;
  std::vector<double> reduced; // d = c - A^T y of the last solve, unscaled
  std::vector<int> pool_row;   // candidate -> its pool's row
};

lp_bound::lp_bound(const scenario& sc, const std::vector<phase>& cands, objective o)
    : m_(std::make_unique<impl>()) {
  const schedule_spec& s = *sc.schedule;
  const int Y = s.years;
  // Rows, each as (key) -> row number, with its scale (the right-hand side, or 1 when 0).
  std::vector<double> scale;
  std::vector<std::vector<std::pair<int, double>>> cols(cands.size());
  auto add_row = [&](double rhs, bool at_least) {
    const double sc_ = rhs > 0 ? rhs : 1;
    scale.push_back(sc_);
    const double r = rhs / sc_;
    m_->row_lo.push_back(at_least ? r - kWiden : -COIN_DBL_MAX);
    m_->row_up.push_back(at_least ? COIN_DBL_MAX : r + kWiden);
    return static_cast<int>(scale.size() - 1);
  };
  std::vector<int> demand_row(Y, -1), budget_row(Y, -1);
  for (int t = 0; t < Y; ++t)
    if (s.demand_effective_flops[t] > 0) demand_row[t] = add_row(s.demand_effective_flops[t], true);
  if (s.capex_budget)
    for (int d = 0; d < Y; ++d) budget_row[d] = add_row((*s.capex_budget)[d], false);
  std::map<std::tuple<int, int, int>, int> limit_row, pool_row;
  for (std::size_t j = 0; j < cands.size(); ++j) {
    const phase& p = cands[j];
    const int site = p.key.site, m = p.key.sourcing;
    for (int t = p.fig.on; t < p.fig.off; ++t) {
      // A phase covers a period's demand at most once over: its coefficient is capped at the
      // demand, which every schedule still meets (one phase with flops >= demand meets the row
      // alone; below it, nothing changed), and the LP can no longer buy a small fraction of a
      // phase far larger than the demand.
      if (demand_row[t] >= 0)
        cols[j].emplace_back(demand_row[t],
                             std::min(p.fig.effective_flops, s.demand_effective_flops[t]));
      auto it = limit_row.find({site, m, t});
      if (it == limit_row.end()) {
        const site_rec& r = sc.sites[static_cast<std::size_t>(site)];
        double lim = r.cloud_max_accelerators;
        if (m == static_cast<int>(sourcing::build)) {
          const std::vector<double>& by = s.site_grid_mw_by_year[static_cast<std::size_t>(site)];
          lim = by.empty() ? r.grid_mw : by[static_cast<std::size_t>(t)];
        } else if (m == static_cast<int>(sourcing::colo)) {
          lim = r.colo_available_mw;
        }
        it = limit_row.emplace(std::make_tuple(site, m, t), add_row(lim, false)).first;
      }
      cols[j].emplace_back(it->second, phase_use(p));
    }
    if (budget_row[p.fig.d] >= 0) cols[j].emplace_back(budget_row[p.fig.d], p.fig.capex);
    auto it = pool_row.find({p.fig.d, site, m});
    if (it == pool_row.end())
      it = pool_row.emplace(std::make_tuple(p.fig.d, site, m), add_row(1, false)).first;
    cols[j].emplace_back(it->second, 1.0);
    m_->pool_row.push_back(it->second);
  }
  double most = 0;
  for (const phase& p : cands) most = std::max(most, std::fabs(phase_objective(p, o)));
  m_->cost_scale = most > 0 ? most : 1;
  for (std::size_t j = 0; j < cands.size(); ++j) {
    m_->start.push_back(static_cast<int>(m_->index.size()));
    for (const auto& [row, v] : cols[j]) {
      m_->index.push_back(row);
      m_->value.push_back(v / scale[static_cast<std::size_t>(row)]);
    }
    m_->cost.push_back(phase_objective(cands[j], o) / m_->cost_scale);
  }
  m_->start.push_back(static_cast<int>(m_->index.size()));
  m_->col_lo.assign(cands.size(), 0.0);
  m_->col_up.assign(cands.size(), 1.0);
  m_->lp.setLogLevel(0);
  m_->lp.loadProblem(static_cast<int>(cands.size()), static_cast<int>(scale.size()),
                     m_->start.data(), m_->index.data(), m_->value.data(), m_->col_lo.data(),
                     m_->col_up.data(), m_->cost.data(), m_->row_lo.data(), m_->row_up.data());
}

lp_bound::~lp_bound() = default;

void lp_bound::set_column(std::size_t j, double lo, double hi) {
  m_->col_lo[j] = lo;
  m_->col_up[j] = hi;
  m_->lp.setColumnBounds(static_cast<int>(j), lo, hi);
}

void lp_bound::require_pool(std::size_t j, bool open) {
  const int row = m_->pool_row[j];
  const double lo = open ? 1 - kWiden : -COIN_DBL_MAX;
  m_->row_lo[static_cast<std::size_t>(row)] = lo;
  m_->lp.setRowLower(row, lo);
}

int lp_bound::add_root_cuts(int rounds) {
  // The cuts are found on a copy of the LP held by an Osi interface, every column integer, and
  // then appended to this LP.
  auto* copy = new ClpSimplex(m_->lp); // NOLINT(cppcoreguidelines-owning-memory): si owns it
  OsiClpSolverInterface si(copy, true);
  si.messageHandler()->setLogLevel(0);
  const int n = si.getNumCols();
  const int base = si.getNumRows();
  for (int j = 0; j < n; ++j) si.setInteger(j);
  si.initialSolve();
  if (!si.isProvenOptimal()) return 0;
  CglKnapsackCover knapsack;
  CglMixedIntegerRounding2 mir;
  CglGomory gomory;
  CglFlowCover flow;
  CglZeroHalf zero_half;
  CglTwomir two_mir;
  CglProbing probing;
  probing.setUsingObjective(0); // cuts valid for every schedule, whatever its objective
  CglCutGenerator* const gens[] = {&probing, &knapsack, &mir, &two_mir, &gomory, &flow, &zero_half};
  double last = si.getObjValue();
  for (int r = 0; r < rounds; ++r) {
    OsiCuts cuts;
    for (CglCutGenerator* g : gens) g->generateCuts(si, cuts);
    if (cuts.sizeRowCuts() == 0) break;
    si.applyCuts(cuts);
    si.resolve();
    if (!si.isProvenOptimal()) break;
    // Cuts the LP no longer leans on (zero dual) are dropped, so that the rows stay few.
    std::vector<int> slack;
    for (int i = base; i < si.getNumRows(); ++i)
      if (std::fabs(si.getRowPrice()[i]) < 1e-12) slack.push_back(i);
    if (!slack.empty()) {
      si.deleteRows(static_cast<int>(slack.size()), slack.data());
      si.resolve();
      if (!si.isProvenOptimal()) break;
    }
    const double now = si.getObjValue();
    if (now - last <= 1e-7 * std::max(1.0, std::fabs(last))) break;
    last = now;
  }
  // Every cut found, widened like the model's rows: by kWiden of the larger of its right-hand
  // side and its largest coefficient, so that a schedule meeting it exactly meets it with room.
  const CoinPackedMatrix* by_row = si.getMatrixByRow();
  const int added = si.getNumRows() - base;
  for (int i = base; i < si.getNumRows(); ++i) {
    const CoinShallowPackedVector row = by_row->getVector(i);
    double big = 1;
    for (int k = 0; k < row.getNumElements(); ++k)
      big = std::max(big, std::fabs(row.getElements()[k]));
    double lo = si.getRowLower()[i], up = si.getRowUpper()[i];
    if (lo > -COIN_DBL_MAX) lo -= kWiden * std::max(big, std::fabs(lo));
    if (up < COIN_DBL_MAX) up += kWiden * std::max(big, std::fabs(up));
    m_->lp.addRow(row.getNumElements(), row.getIndices(), row.getElements(), lo, up);
    m_->row_lo.push_back(lo);
    m_->row_up.push_back(up);
  }
  // The column-wise copy the Lagrangian bound reads, with the cuts' entries.
  const CoinPackedMatrix* m = m_->lp.matrix();
  m_->start.clear();
  m_->index.clear();
  m_->value.clear();
  for (int j = 0; j < n; ++j) {
    m_->start.push_back(static_cast<int>(m_->index.size()));
    const CoinBigIndex s0 = m->getVectorStarts()[j];
    for (int k = 0; k < m->getVectorLengths()[j]; ++k) {
      m_->index.push_back(m->getIndices()[s0 + k]);
      m_->value.push_back(m->getElements()[s0 + k]);
    }
  }
  m_->start.push_back(static_cast<int>(m_->index.size()));
  m_->lp.dual(); // from scratch: the rows changed
  return added;
}

double lp_bound::value(std::size_t j) const { return m_->lp.primalColumnSolution()[j]; }

double lp_bound::reduced_cost(std::size_t j) const { return m_->reduced[j]; }

double lp_bound::solve() {
  ++solves_;
  ClpSimplex& lp = m_->lp;
  // Keep the factorization and work areas between solves (startFinishOptions 1 | 2 | 4): only
  // column bounds change from node to node. "Infeasible" prunes a whole subtree, so it is
  // confirmed by a solve from scratch before it is believed; any other outcome only feeds the
  // Lagrangian bound below, which is valid for whatever duals CLP returns.
  lp.dual(0, 7);
  if (lp.isProvenPrimalInfeasible()) {
    lp.dual();
    if (lp.isProvenPrimalInfeasible()) return INFINITY; // rows widened: see the header
  }
  // L(y) with y clipped to the signs its rows allow (>= rows: y >= 0; <= rows: y <= 0).
  const int rows = lp.numberRows();
  const double* dual = lp.dualRowSolution();
  std::vector<double> y(static_cast<std::size_t>(rows));
  double lb = 0;
  for (int i = 0; i < rows; ++i) {
    double v = dual[i];
    if (m_->row_up[i] >= COIN_DBL_MAX) v = std::max(0.0, v);
    if (m_->row_lo[i] <= -COIN_DBL_MAX) v = std::min(0.0, v);
    y[i] = v;
    if (v > 0) lb += v * m_->row_lo[i];
    if (v < 0) lb += v * m_->row_up[i];
  }
  m_->reduced.resize(m_->start.size() - 1);
  for (std::size_t j = 0; j + 1 < m_->start.size(); ++j) {
    double d = m_->cost[j];
    for (int k = m_->start[j]; k < m_->start[j + 1]; ++k) d -= y[m_->index[k]] * m_->value[k];
    lb += d > 0 ? d * m_->col_lo[j] : d * m_->col_up[j];
    m_->reduced[j] = d * m_->cost_scale;
  }
  return lb * m_->cost_scale;
}

} // namespace dcplan::detail
