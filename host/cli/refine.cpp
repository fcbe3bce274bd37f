// --distinct and the relaxations of an infeasible run: the engine run again through its public
// interface (engine.hpp), on the same scenario or on one changed in a single field.
#include "refine.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>

#include <fmt/format.h>

#include "dcplan/model/errors.hpp"
#include "dcplan/model/model.hpp"
#include "dcplan/report/report.hpp"

namespace dcplan::cli {
namespace {

// The longest top list --distinct asks of one run before it runs once per group.
constexpr std::size_t kMaxDistinctTop = std::size_t{1} << 14;

// The engine over `sp` for its best `k` plans: the whole space, no frontier, no progress bar.
engine_result rerun(const scenario& sc, const plan_space& sp, backend_kind kind, engine_options opt,
                    std::size_t k) {
  opt.top_k = k;
  opt.want_frontier = false;
  opt.progress = nullptr;
  opt.range_begin = 0;
  opt.range_end = ~std::uint64_t{0};
  return evaluate_plans(sc, sp, kind, opt, nullptr);
}

using group = std::tuple<int, int, int>; // site, system, sourcing

group group_of(const plan_space& sp, std::uint64_t index) {
  const plan_ref p = plan_of_index(sp, index);
  return {p.site, p.system, p.sourcing};
}

// The first plan of each group in a ranked list: each group's best when the list is a prefix
// of the ranking.
std::vector<rank_key> first_of_each(const plan_space& sp, const std::vector<rank_key>& top,
                                    std::size_t want) {
  std::vector<rank_key> out;
  std::vector<group> seen;
  for (const rank_key& k : top) {
    if (out.size() >= want) break;
    const group g = group_of(sp, k.index);
    if (std::find(seen.begin(), seen.end(), g) != seen.end()) continue;
    seen.push_back(g);
    out.push_back(k);
  }
  return out;
}

// The index in `sp` of plan `p` (a plan of a space restricted from the same scenario).
std::uint64_t index_in(const plan_space& sp, const plan_ref& p) {
  for (std::size_t i = 0; i < sp.combos.size(); ++i) {
    const combo& c = sp.combos[i];
    if (c.site == p.site && c.system == p.system && c.cooling == p.cooling &&
        c.fabric == p.fabric && c.sourcing == p.sourcing)
      return sp.starts[i] + static_cast<std::uint64_t>(p.nodes / sp.node_step) - 1;
  }
  throw std::logic_error("--distinct: a plan of a restricted space is not in the whole space");
}

// The best plan of every group, by one engine run per group over that group's plans: per
// sourcing, the space of that sourcing alone holds each (site, system) as consecutive combos.
std::vector<rank_key> best_per_group(const scenario& sc, const plan_space& sp, backend_kind kind,
                                     const engine_options& opt, std::size_t want) {
  std::vector<rank_key> best;
  for (const sourcing m : {sourcing::build, sourcing::colo, sourcing::cloud}) {
    const int mi = static_cast<int>(m);
    if (!sc.only_sourcing.empty() &&
        std::find(sc.only_sourcing.begin(), sc.only_sourcing.end(), mi) == sc.only_sourcing.end())
      continue;
    scenario one = sc;
    one.only_sourcing = {mi};
    plan_space part;
    try {
      part = build_space(one);
    } catch (const input_error&) {
      continue; // no plan of this sourcing
    }
    for (std::size_t i = 0; i < part.combos.size();) {
      std::size_t j = i;
      while (j < part.combos.size() && part.combos[j].site == part.combos[i].site &&
             part.combos[j].system == part.combos[i].system)
        ++j;
      engine_options o = opt;
      o.top_k = 1;
      o.want_frontier = false;
      o.progress = nullptr;
      o.range_begin = part.starts[i];
      o.range_end = part.starts[j];
      const engine_result e = evaluate_plans(one, part, kind, o, nullptr);
      if (!e.top.empty()) {
        rank_key k = e.top[0];
        k.index = index_in(sp, plan_of_index(part, k.index));
        best.push_back(k);
      }
      i = j;
    }
  }
  std::sort(best.begin(), best.end(), rank_less_fn{});
  if (best.size() > want) best.resize(want);
  return best;
}

// x rounded up (or down) to three significant digits, as a person would write it.
double round3(double x, bool up) {
  if (!(x > 0) || !std::isfinite(x)) return x;
  const double p = std::pow(10.0, std::floor(std::log10(x)) - 2);
  const double r =
      std::stod(fmt::format("{:.3g}", (up ? std::ceil(x / p) : std::floor(x / p)) * p));
  return (up ? r >= x : r <= x) ? r : x;
}

// The best plan of a changed scenario under its own ranking, and how many plans pass.
struct outcome {
  std::uint64_t feasible = 0;
  std::optional<plan_figures> best;
};

outcome run_changed(const scenario& sc, backend_kind kind, const engine_options& opt) {
  outcome o;
  plan_space sp;
  try {
    sp = build_space(sc);
  } catch (const input_error&) {
    return o; // the change leaves no plan
  }
  const engine_result e = rerun(sc, sp, kind, opt, 1);
  o.feasible = e.counts[feasible];
  if (!e.top.empty()) o.best = evaluate_ref(sc, plan_of_index(sp, e.top[0].index));
  return o;
}

// Ranks by `o`, unless the scenario maximises compute (a different objective would add a target).
scenario ranked_by(scenario sc, objective o) {
  if (sc.obj != objective::effective_flops) sc.obj = o;
  return sc;
}

class relaxer {
public:
  relaxer(const scenario& sc, const plan_space& sp, const engine_result& r, backend_kind kind,
          engine_options opt)
      : sc_(sc), sp_(sp), r_(r), kind_(kind), opt_(std::move(opt)) {}

  std::vector<relaxation> run() {
    deadline();
    budgets();
    target();
    grids();
    return out_;
  }

private:
  const scenario& sc_;
  const plan_space& sp_;
  const engine_result& r_;
  backend_kind kind_;
  engine_options opt_;
  std::vector<relaxation> out_;

  // Keeps `rel` when the engine finds a feasible plan in `changed`.
  void check(const scenario& changed, relaxation rel) {
    const outcome o = run_changed(changed, kind_, opt_);
    if (o.feasible == 0) return;
    rel.plans_feasible = o.feasible;
    out_.push_back(std::move(rel));
  }

  // MODEL.md "Feasibility" test 7: the least ready_months of the plans passing every other test.
  void deadline() {
    if (!sc_.deadline_months || r_.counts[reason_deadline] == 0) return;
    scenario free = ranked_by(sc_, objective::ready_months);
    free.deadline_months.reset();
    const outcome o = run_changed(free, kind_, opt_);
    if (!o.best) return;
    const double training = sc_.training ? sc_.training->days / 30.4375 : 0;
    const double from = *sc_.deadline_months, to = round3(o.best->ready_months + training, true);
    scenario changed = sc_;
    changed.deadline_months = to;
    check(changed, {"target.deadline_months",
                    fmt::format("the deadline to {:g} months (from {:g})", to, from), from, to});
  }

  // Test 8, each budget alone: the least capex (or TCO) of the plans passing every other test.
  void budgets() {
    if (r_.counts[reason_budget] == 0) return;
    budget(&scenario::budget_capex_usd, objective::capex, &plan_figures::capex, "budget.capex_usd",
           "capex");
    budget(&scenario::budget_tco_usd, objective::tco, &plan_figures::tco, "budget.tco_usd", "TCO");
  }

  // One budget (the scenario's `field`, the plan's `figure`): dropped, the plans ranked by it, and
  // the least figure of a plan passing every other test is the budget that lets it pass.
  void budget(std::optional<double> scenario::*field, objective by, double plan_figures::*figure,
              const char* key, const char* label) {
    if (!(sc_.*field)) return;
    scenario free = ranked_by(sc_, by);
    (free.*field).reset();
    const outcome o = run_changed(free, kind_, opt_);
    if (!o.best) return;
    const double from = *(sc_.*field), to = round3((*o.best).*figure, true);
    scenario changed = sc_;
    changed.*field = to;
    check(changed,
          {key, fmt::format("the {} budget to {} (from {})", label, human_usd(to), human_usd(from)),
           from, to});
  }

  // Test 6: the target down to what the closest plan (the most compute among the plans failing
  // only the target) reaches.
  void target() {
    if (r_.counts[reason_target] == 0 || !r_.has_closest) return;
    const plan_figures f = evaluate_ref(sc_, plan_of_index(sp_, r_.closest_index));
    scenario changed = sc_;
    if (sc_.inference) {
      const double from = sc_.inference->tokens_per_second;
      const double to = round3(f.tokens_per_second, false);
      changed.inference->tokens_per_second = to;
      check(changed,
            {"target.inference.tokens_per_second",
             fmt::format("the target to {} tokens/s (from {})", grouped(to), grouped(from)), from,
             to});
    } else if (sc_.training) {
      // The same required FLOP/s from fewer tokens; the deadline test keeps the target's days.
      const double required = sc_.globals().required_effective_flops;
      const double from = sc_.training->tokens;
      const double to = round3(from * f.effective_flops / required, false);
      changed.training->tokens = to;
      check(changed,
            {"target.training.tokens",
             fmt::format("the training tokens to {} (from {}): {} instead of {}", human_count(to),
                         human_count(from), human_flops(changed.globals().required_effective_flops),
                         human_flops(required)),
             from, to});
    } else if (sc_.target_effective_flops) {
      const double from = *sc_.target_effective_flops;
      const double to = round3(f.effective_flops, false);
      changed.target_effective_flops = to;
      check(changed, {"target.effective_flops",
                      fmt::format("the target to {} (from {})", human_flops(to), human_flops(from)),
                      from, to});
    }
  }

  // Test 5 for build plans: one site's grid_mw, up to 16 times its own. Within that site's
  // build plans ranked by carbon (facility_kw times the site's carbon intensity), the best
  // feasible plan draws the least power; the grid it needs is that plan's facility_kw / 1000.
  void grids() {
    if (r_.counts[reason_power] + r_.counts[reason_target] == 0) return;
    std::vector<relaxation> found;
    for (std::size_t s = 0; s < sc_.sites.size(); ++s) {
      if (!sc_.only_sites.empty() && std::find(sc_.only_sites.begin(), sc_.only_sites.end(),
                                               static_cast<int>(s)) == sc_.only_sites.end())
        continue;
      const double from = sc_.sites[s].grid_mw;
      for (const double times : {2.0, 4.0, 8.0, 16.0}) {
        scenario one = ranked_by(sc_, objective::carbon);
        one.only_sites = {static_cast<int>(s)};
        one.only_sourcing = {static_cast<int>(sourcing::build)};
        one.sites[s].grid_mw = from * times;
        const outcome o = run_changed(one, kind_, opt_);
        if (!o.best) continue;
        const double to = round3(o.best->facility_kw / 1000, true);
        found.push_back({"sites." + sc_.site_meta[s].id + ".grid_mw",
                         fmt::format("site {}'s grid to {} (from {})", sc_.site_meta[s].id,
                                     human_power_kw(to * 1000), human_power_kw(from * 1000)),
                         from, to});
        break;
      }
    }
    // The three smallest increases, each checked on the whole scenario.
    std::sort(found.begin(), found.end(), [](const relaxation& a, const relaxation& b) {
      return a.to / a.from < b.to / b.from;
    });
    if (found.size() > 3) found.resize(3);
    for (relaxation& rel : found) {
      scenario changed = sc_;
      for (std::size_t s = 0; s < sc_.sites.size(); ++s)
        if ("sites." + sc_.site_meta[s].id + ".grid_mw" == rel.field)
          changed.sites[s].grid_mw = rel.to;
      check(changed, rel);
    }
  }
};

} // namespace

engine_result distinct_top(const scenario& sc, const plan_space& sp, backend_kind kind,
                           const engine_options& opt, engine_result r, std::size_t want) {
  const std::uint64_t passing = r.counts[feasible];
  std::size_t k = r.top.size();
  for (;;) {
    // A prefix of the ranking holding `want` groups, or every feasible plan, gives each of its
    // first `want` groups' best plan: a group absent from it ranks below all of them.
    std::vector<rank_key> best = first_of_each(sp, r.top, want);
    if (best.size() >= want || r.top.size() >= passing) {
      r.top = std::move(best);
      return r;
    }
    if (k >= kMaxDistinctTop) break;
    k = std::min(std::max(k * 8, want * 32), kMaxDistinctTop);
    r.top = rerun(sc, sp, kind, opt, k).top;
  }
  r.top = best_per_group(sc, sp, kind, opt, want);
  return r;
}

std::vector<relaxation> find_relaxations(const scenario& sc, const plan_space& sp,
                                         const engine_result& r, backend_kind kind,
                                         engine_options opt) {
  return relaxer(sc, sp, r, kind, std::move(opt)).run();
}

std::string relaxations_text(const std::vector<relaxation>& rel) {
  if (rel.empty()) return "";
  std::string out = "one change that lets a plan pass (each checked by running the model again):\n";
  for (const relaxation& x : rel)
    out += fmt::format("  {}: {} plans pass\n", x.text,
                       grouped(static_cast<double>(x.plans_feasible)));
  return out;
}

nlohmann::ordered_json relaxations_json(const std::vector<relaxation>& rel) {
  nlohmann::ordered_json a = nlohmann::ordered_json::array();
  for (const relaxation& x : rel)
    a.push_back({{"field", x.field},
                 {"from", x.from},
                 {"to", x.to},
                 {"plans_feasible", x.plans_feasible},
                 {"text", x.text}});
  return a;
}

} // namespace dcplan::cli
