#pragma once
// The exact search (MODEL.md "Portfolios"): dynamic programming over the pools, one stage a
// pool, with dominance between partial portfolios and the bounds of this folder
// (Pisinger-style for the multiple-choice knapsack):
// - a state is a partial portfolio of the pools processed so far; one that meets the target is
//   complete and becomes the incumbent when it is better;
// - a state that no bound lets beat the incumbent (or whose capex or TCO bound exceeds its
//   budget) is dropped;
// - a state is dropped when another has at least its FLOP/s, at most its objective, capex and
//   TCO (where budgets make them matter) and wins every tie-break of MODEL.md after any common
//   completion (fewer or as many members with smaller ranking keys; sorted key lists keep their
//   order when the same members are added, and exact sums keep theirs);
// - before the pass, reduced-cost fixing (prices.hpp) removes the plans that cannot be in a
//   better portfolio.
// Dominance and the target and budget tests use exact sums (exact_sums.hpp), so the pools may be
// taken in any order: the full search takes them in pool order, and the cutoff passes of a
// binding budget those that spend the least of it per FLOP/s first. Bounds use double sums with
// a margin.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "dcplan/portfolio/detail/cover_bound.hpp"
#include "dcplan/portfolio/detail/knapsack_bound.hpp"
#include "dcplan/portfolio/detail/last_pool_bound.hpp"
#include "dcplan/portfolio/detail/lp_bound.hpp"
#include "dcplan/portfolio/detail/pools.hpp"
#include "dcplan/portfolio/detail/priced_lp_bound.hpp"

namespace dcplan::detail {

// What the search for a first incumbent on a budget's figure found (solve_portfolio).
struct first_result {
  std::vector<pool_candidate> members; // a feasible portfolio, or none
  bool infeasible = false;             // proved that no portfolio is feasible
  bool stopped = false;                // cancelled, or at the work limit
  bool limited = false;                // at the work limit
  std::uint64_t nodes = 0;
  std::uint64_t work = 0;
};

// The prices a cutoff pass takes from the search that starts it.
struct pass_prices {
  budget_prices prices;
  double knap_lambda = 0;
};

// How one search runs. The optimum is the same whatever the settings; they decide how it is
// found (and, for stop_at_first and work_limit, whether the search stops short of it).
struct search_config {
  bool heuristics = true;       // first incumbents from the LP's rounding and a beam pass
  bool by_budget = false;       // take the pools that spend the least of a binding budget first
  bool staged = true;           // try cutoff passes first when a budget binds (not within one)
  bool stop_at_first = false;   // stop at the first feasible portfolio (a first incumbent)
  std::uint64_t work_limit = 0; // stop after examining this many candidates (0: never)
  double cutoff = kInf;         // keep only portfolios at or below this objective
  std::optional<pass_prices> prices; // the budget prices to take, instead of choosing them
  // Where the heuristics find no feasible portfolio, gives a first incumbent or proves the
  // problem infeasible; takes the work limit left (0: none).
  std::function<first_result(std::uint64_t)> first_incumbent;
};

class dominance_search {
public:
  static constexpr std::size_t kBeam = 512;
  static constexpr std::size_t kScan = 64; // states compared one by one in `filter`, at most
  static constexpr double kCutoffs[] = {1.0 / 16, 1.0 / 4, 1.0 / 2, 3.0 / 4, 1.0}; // of the gap
  static constexpr std::size_t kMaxStates = std::size_t{1} << 21; // then depth-first

  dominance_search(const portfolio_problem& p, double required, const std::atomic<bool>* cancel,
                   search_config cfg);

  /// The optimum; `seed` (members of a feasible portfolio, or empty) is a first incumbent.
  portfolio_solution run(const std::vector<pool_candidate>& seed);

  /// Whether a cancel request or the work limit stopped the search (the result is then
  /// incomplete).
  bool stopped() const { return stopped_; }
  /// Whether the work limit stopped it.
  bool limited() const { return limited_; }
  /// The candidate portfolios examined: every state expanded and every plan tried on one.
  std::uint64_t work() const { return work_; }
  /// A lower bound on the optimum's objective: the root's, or the highest cutoff a pass proved
  /// no feasible portfolio is at or below.
  double lower_bound() const { return lower_; }

private:
  // search.cpp: preparing the bounds, and the passes of run().
  void prepare_all();
  bool settle_root();
  bool find_first_incumbent();
  bool solve_staged();
  void round_lp();
  bool reduce();
  double root_bound() const;
  void offer(portfolio_solution s);
  portfolio_solution finish();
  bool spend_limit();
  std::uint64_t work_left() const { return cfg_.work_limit > 0 ? cfg_.work_limit - work_ : 0; }
  bool done() const { return stopped_ || (cfg_.stop_at_first && best_.feasible); }

  // expand.cpp: the state tests and the expansion, one stage at a time or depth-first.
  bool alive(std::size_t i, const state& s) const;
  bool promising(double v, std::size_t members, double mag, const state* s = nullptr,
                 std::size_t i = 0) const;
  bool keys_lose(std::size_t i, const state& s) const;
  std::size_t min_more(std::size_t i, double r) const;
  bool surely_above(double v, double mag) const;
  bool has_limit() const { return best_.feasible || cfg_.cutoff < kInf || cap_ < kInf; }
  double limit() const;
  double bound(std::size_t i, const state& s) const;
  void search(std::size_t beam);
  template <class Emit>
  void expand(std::size_t i, const state& s, Emit emit);
  void depth_first(std::size_t i, std::vector<state> states);
  void dive(std::size_t i, state s);
  void push_link(state& t);
  std::vector<pool_candidate> members_of(std::int32_t node, const pool_candidate* item) const;

  // dominance.cpp: dropping the dominated states of a stage.
  void filter(std::vector<state>& v) const;
  bool keys_before(const state& a, const state& b) const;
  bool wins_ties(const state& e, const state& s) const;
  bool covers(const state& e, const state& s) const;

  const portfolio_problem& p_;
  double required_;
  const std::atomic<bool>* cancel_;
  search_config cfg_;
  budget_prices prices_;
  quanta qa_;
  wide req_ = 0;      // the target in quanta
  double cap_ = kInf; // a budget on the objective's own figure: no feasible portfolio is above
  std::vector<pool_data> pools_;

  lp_suffix_bound lp_;
  priced_lp_bound priced_lp_; // the LP at other budget prices, where no knapsack bound applies
  knapsack_bound knap_;
  cover_bound cover_;
  last_pool_bound last_;
  std::vector<std::vector<double>> more_;          // [stage]: FLOP/s of the k largest plans left
  std::vector<std::optional<rank_key>> least_key_; // [stage]: the least key of pools i, ...

  pareto_dims dims_{false, false};
  std::vector<link> arena_;
  portfolio_solution best_;
  std::vector<rank_key> best_keys_;                                  // the incumbent's keys, sorted
  mutable std::vector<const pool_candidate*> scratch_a_, scratch_b_; // keys_before
  mutable std::vector<rank_key> scratch_keys_;                       // keys_lose
  bool stopped_ = false;
  bool limited_ = false;    // stopped at the work limit
  std::uint64_t work_ = 0;  // work()
  std::uint64_t nodes_ = 0; // states expanded
  double lower_ = -kInf;    // lower_bound()
};

} // namespace dcplan::detail
