// Exact sums of portfolio figures (see dcplan/portfolio/detail/exact_sums.hpp).
#include "dcplan/portfolio/detail/exact_sums.hpp"

namespace dcplan {
namespace detail {

wide wide_ceil(double v, int q) {
  const double x = std::ceil(std::ldexp(v, -q));
  return x >= 0x1p126 ? wide{1} << 126 : x <= -0x1p126 ? -(wide{1} << 126) : static_cast<wide>(x);
}

wide wide_floor(double v, int q) {
  const double x = std::floor(std::ldexp(v, -q));
  return x >= 0x1p126 ? wide{1} << 126 : x <= -0x1p126 ? -(wide{1} << 126) : static_cast<wide>(x);
}

wide exact_sum(const std::vector<pool_candidate>& m, int k, int q) {
  wide s = 0;
  for (const auto& r : m) s += to_wide(figure_of(r, k), q);
  return s;
}

bool keys_less(const std::vector<pool_candidate>& a, const std::vector<pool_candidate>& b) {
  std::vector<rank_key> ka, kb;
  for (const auto& m : a) ka.push_back(key_of(m));
  for (const auto& m : b) kb.push_back(key_of(m));
  std::sort(ka.begin(), ka.end(), rank_less);
  std::sort(kb.begin(), kb.end(), rank_less);
  return std::lexicographical_compare(ka.begin(), ka.end(), kb.begin(), kb.end(), rank_less);
}

portfolio_solution evaluate_members(std::vector<pool_candidate> m, const portfolio_problem& p,
                                    double required) {
  std::sort(m.begin(), m.end(),
            [](const pool_candidate& x, const pool_candidate& y) { return x.pool < y.pool; });
  const quanta qa(m.begin(), m.end(), m.size());
  wide sum[kFigures];
  for (int k = 0; k < kFigures; ++k) sum[k] = exact_sum(m, k, qa.q[k]);
  portfolio_solution s;
  s.objective = to_double(sum[kObj], qa.q[kObj]);
  s.capex = to_double(sum[kCapex], qa.q[kCapex]);
  s.tco = to_double(sum[kTco], qa.q[kTco]);
  s.flops = to_double(sum[kFlops], qa.q[kFlops]);
  s.feasible = sum[kFlops] >= wide_ceil(required, qa.q[kFlops]) &&
               (!p.capex_budget || sum[kCapex] <= wide_floor(*p.capex_budget, qa.q[kCapex])) &&
               (!p.tco_budget || sum[kTco] <= wide_floor(*p.tco_budget, qa.q[kTco]));
  s.members = std::move(m);
  return s;
}

int compare_objectives(const std::vector<pool_candidate>& a, const std::vector<pool_candidate>& b) {
  std::vector<pool_candidate> both = a;
  both.insert(both.end(), b.begin(), b.end());
  const int q = quantum_of(both.begin(), both.end(), kObj, both.size());
  const wide x = exact_sum(a, kObj, q), y = exact_sum(b, kObj, q);
  return x < y ? -1 : x > y ? 1 : 0;
}

} // namespace detail

bool portfolio_better(const portfolio_solution& a, const portfolio_solution& b) {
  if (!a.feasible) return false;
  if (!b.feasible) return true;
  if (const int c = detail::compare_objectives(a.members, b.members); c != 0) return c < 0;
  if (a.members.size() != b.members.size()) return a.members.size() < b.members.size();
  return detail::keys_less(a.members, b.members);
}

} // namespace dcplan
