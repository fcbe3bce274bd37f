#pragma once
// The CPU path of MODEL.md "Risk", one plan's row at a time (host/risk/risk_cpu.cpp runs a thread
// per plan): the plan's S draws evaluated a tile at a time into its own row of sort keys, with
// everything no draw changes computed once per plan, the row sorted alone by a radix sort on the
// keys (for long rows its first pass made while the row is evaluated), and the figures of
// `summarize_plan` read from the sorted keys.
//
// Why every double equals detail::risk_batch's (risk.hpp, the Thrust path the CUDA backend runs):
// - The TCO and flags of (plan, draw). risk_batch calls evaluate_under_draw: copies of the plan's
//   site, system and fabric and of the globals with apply_draw, then evaluate_plan(w, 0, 0, c, 0,
//   m, n) = evaluate_sized(w, k, size_figures_of(w, k, n)), k = combo_figures_of(w, 0, 0, c, 0, m).
//   Here the same copies get the same apply_draw per draw, and each figure the row needs is the
//   expression that defines it, over the same operands in the same order:
//   * what no draw writes, once per plan (row_plan, make_row_plan): the stage functions on the
//     records with the neutral draw applied (the factors make_draw gives a factor that does not
//     vary). apply_draw writes only site.energy_usd_per_kwh and the three site lead times;
//     sys.node_price_usd, cloud_usd_per_accel_hour, mfu, lead_time_months; fab.cost_usd_per_accel;
//     g.construction_months, accelerator_mtbf_hours, inf_serving_mfu. size_figures_of reads none of
//     them (accelerators_per_node, radix; node_power_kw, power_w_per_accel, grid_mw,
//     cloud_max_accelerators, colo_available_mw; per_rack and pue from the combination), nor do
//     peak_flops and efficiency (the one log2 of a plan), fac_capex and residual, nor the terms
//     hoisted below, so those doubles are the ones evaluate_plan computes under every draw.
//     Goodput reads accelerator_mtbf_hours and the replica search reads mfu or inf_serving_mfu:
//     computed once only when that factor does not vary (every draw then applies the neutral
//     factor, so the records are those of the neutral draw), else per draw by the same functions.
//   * per draw (sample_of; sample_tile_fast, a tile of draws at a time, writes apply_draw's
//     products and sums out on the fields it moves): apply_draw on copies of the records, then
//     evaluate_sized's expressions for hw_capex, energy, opex, capex and tco, test 6 on
//     effective_flops (peak * mfu * efficiency * goodput) or tokens/s (perf_figures_of), and
//     combo_figures_of's ready_months for test 7. A product evaluate_sized computes left to right
//     is hoisted only as its leading factors (facility_kw * utilization * 8760, then times the
//     drawn price), so every rounding is the same. The flags use meets_target's and
//     passes_deadline's tests on the undrawn globals as evaluate_pair does (they read no drawn
//     field).
// - The sorted row. risk_batch's two stable sorts leave each plan's row holding that plan's S
//   TCOs ascending, equal values in draw order. The row here holds sortable_bits of the TCOs,
//   whose order is the doubles' order and which are equal only for equal bits, so sorting them
//   gives the same doubles in the same order, except that -0.0 and +0.0, which `<` ties, would be
//   ordered by sign: a row holding both (never seen in practice) is sorted as doubles by
//   radix_sort_row, which puts the zeros back in draw order. NaN: a plan whose per_rack is 0
//   has a NaN TCO under every draw, the same NaN, so its row is the same whatever the order.
//   A long row is sorted in pieces (fused_row): buckets of key ranges, in key order, each sorted
//   alone, which is the same ascending row.
// - The figures. summarize_sorted's sums in ascending order and its nearest ranks, over the
//   doubles of the sorted keys (sorted_summary, which takes the row in ascending pieces and
//   adds each value in turn to the one running sum, and from rank n - ceil(0.05 n) on to the
//   tail's), and the flag counts as integers, as summarize_plan computes them.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "dcplan/model/model.hpp"
#include "dcplan/risk/detail/risk.hpp"
#include "dcplan/risk/risk.hpp"

namespace dcplan::detail {

/// The bits of x as an unsigned key whose order is x's order (negatives: every bit flipped;
/// non-negatives: the sign bit set). -0.0 maps just below +0.0.
inline std::uint64_t sortable_bits(double x) {
  std::uint64_t b;
  std::memcpy(&b, &x, sizeof b);
  // ~b for a negative x, b with the sign bit set otherwise; without a branch.
  const std::uint64_t negative = 0 - (b >> 63);
  return b ^ (negative | (std::uint64_t{1} << 63));
}

/// The double of a key of sortable_bits.
inline double from_sortable_bits(std::uint64_t k) {
  const std::uint64_t b = (k >> 63) != 0 ? (k & ~(std::uint64_t{1} << 63)) : ~k;
  double x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}

/// Scratch of radix_sort_row and risk_of_row: the keys, a second buffer of as many, and, when a
/// row holds both zeros, their signs in input order (and the row as doubles).
struct row_sort_buffers {
  std::vector<std::uint64_t> keys, tmp;
  std::vector<std::uint8_t> zero_signs;
  std::vector<double> row;
  void reserve(std::size_t n) {
    if (keys.size() < n) {
      keys.resize(n);
      tmp.resize(n);
    }
  }
};

constexpr std::uint64_t kKeyPosZero = std::uint64_t{1} << 63; // sortable_bits(+0.0)
constexpr std::uint64_t kKeyNegZero = ~kKeyPosZero;           // sortable_bits(-0.0)

/// Sorts x[0, n) ascending in place by insertion (the short buckets of sort_keys_into).
inline void insertion_sort_keys(std::uint64_t* x, std::size_t n) {
  for (std::size_t i = 1; i < n; ++i) {
    const std::uint64_t k = x[i];
    std::size_t j = i;
    for (; j > 0 && x[j - 1] > k; --j) x[j] = x[j - 1];
    x[j] = k;
  }
}

/// Sorts a[0, n) ascending into s[0, n), whose keys lie in [lo, hi]; a[0, n) is scratch and
/// left undefined. An MSD radix sort: one pass spreads the keys into up to 2^12 buckets (about
/// one per key) by the bits just below those every key shares (the highest bit where lo and hi
/// differ, and the ones under it), which orders the buckets; each bucket is sorted alone while
/// it is still in cache, short ones by insertion in place, longer ones the same way.
inline void sort_keys_into(std::uint64_t* a, std::uint64_t* s, std::size_t n, std::uint64_t lo,
                           std::uint64_t hi) {
  constexpr std::size_t kShort = 16;
  constexpr int kMaxBits = 12;
  if (n <= kShort || lo == hi) {
    std::copy(a, a + n, s);
    if (lo != hi) insertion_sort_keys(s, n); // equal keys: sorted
    return;
  }
  int top = 63;
  while (((lo ^ hi) >> top) == 0) --top;
  int bits = 1;
  while (bits < kMaxBits && (std::size_t{1} << bits) < n) ++bits;
  bits = std::min(bits, top + 1);
  const int shift = top + 1 - bits;
  const std::uint64_t mask = (std::uint64_t{1} << bits) - 1;
  const std::size_t buckets = std::size_t{1} << bits;
  std::uint32_t count[(std::size_t{1} << kMaxBits) + 1]; // n <= 10^6 draws (MODEL.md "Risk")
  std::fill(count, count + buckets + 1, 0u);
  for (std::size_t i = 0; i < n; ++i) ++count[((a[i] >> shift) & mask) + 1];
  for (std::size_t r = 1; r <= buckets; ++r) count[r] += count[r - 1];
  for (std::size_t i = 0; i < n; ++i) s[count[(a[i] >> shift) & mask]++] = a[i];
  // count[r] is now the end of bucket r; a long bucket is sorted into a, then copied back.
  std::size_t begin = 0;
  for (std::size_t r = 0; r < buckets; ++r) {
    const std::size_t end = count[r];
    if (end - begin <= kShort) {
      insertion_sort_keys(s + begin, end - begin);
    } else {
      std::uint64_t blo = s[begin], bhi = s[begin];
      for (std::size_t i = begin + 1; i < end; ++i) {
        blo = std::min(blo, s[i]);
        bhi = std::max(bhi, s[i]);
      }
      if (blo != bhi) {
        sort_keys_into(s + begin, a + begin, end - begin, blo, bhi);
        std::copy(a + begin, a + end, s + begin);
      }
    }
    begin = end;
  }
}

/// Sorts a[0, n) ascending in place, with s[0, n) as scratch (sort_keys_into, then a copy).
inline void sort_keys(std::uint64_t* a, std::uint64_t* s, std::size_t n) {
  if (n < 2) return;
  std::uint64_t lo = a[0], hi = a[0];
  for (std::size_t i = 1; i < n; ++i) {
    lo = std::min(lo, a[i]);
    hi = std::max(hi, a[i]);
  }
  if (lo == hi) return;
  sort_keys_into(a, s, n, lo, hi);
  std::copy(s, s + n, a);
}

/// Sorts row[0, n) ascending, as a stable sort by `<` does: sort_keys on the keys of
/// sortable_bits. Keys are equal only for equal bits, so any sort of them gives the same row.
/// Distinct doubles that `<` ties are only -0.0 and +0.0: the keys put -0.0 first, so when a row
/// holds both, the zero run is rewritten with the zeros' signs in input order, as a stable sort
/// leaves them.
inline void radix_sort_row(double* row, std::size_t n, row_sort_buffers& b) {
  if (n < 2) return;
  b.reserve(n);
  std::uint64_t* const keys = b.keys.data();
  std::size_t pos_zero = 0, neg_zero = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double x = row[i];
    if (x == 0) ++(std::signbit(x) ? neg_zero : pos_zero);
    keys[i] = sortable_bits(x);
  }
  const bool mixed_zeros = pos_zero > 0 && neg_zero > 0;
  if (mixed_zeros) {
    b.zero_signs.clear();
    for (std::size_t i = 0; i < n; ++i)
      if (row[i] == 0) b.zero_signs.push_back(std::signbit(row[i]) ? 1 : 0);
  }
  sort_keys(keys, b.tmp.data(), n);
  for (std::size_t i = 0; i < n; ++i) row[i] = from_sortable_bits(keys[i]);
  if (mixed_zeros) {
    const std::size_t first = static_cast<std::size_t>(
        std::lower_bound(row, row + n, 0.0) - row); // -0.0 < 0.0 is false: the zero run's start
    for (std::size_t j = 0; j < b.zero_signs.size(); ++j)
      row[first + j] = b.zero_signs[j] != 0 ? -0.0 : 0.0;
  }
}

/// summarize_sorted (risk.hpp) over the doubles of a row of n sorted keys handed over in
/// ascending pieces: the same sums, in the same ascending order, and the same nearest ranks.
class sorted_summary {
public:
  explicit sorted_summary(std::uint64_t n)
      : n_(n), rank_{nearest_rank_index(n, 0.1), nearest_rank_index(n, 0.5),
                     nearest_rank_index(n, 0.9)},
        tail_from_(n - cvar95_count(n)) {}

  /// The next `len` keys of the sorted row.
  void add(const std::uint64_t* keys, std::uint64_t len) {
    const std::uint64_t end = seen_ + len;
    for (int q = 0; q < 3; ++q)
      if (rank_[q] >= seen_ && rank_[q] < end)
        value_[q] = from_sortable_bits(keys[rank_[q] - seen_]);
    // The row's sum and the tail's, each in ascending order.
    const std::uint64_t split = tail_from_ > seen_ ? std::min(len, tail_from_ - seen_) : 0;
    for (std::uint64_t i = 0; i < split; ++i) sum_ += from_sortable_bits(keys[i]);
    for (std::uint64_t i = split; i < len; ++i) {
      const double x = from_sortable_bits(keys[i]);
      sum_ += x;
      tail_ += x;
    }
    seen_ = end;
  }

  /// The TCO figures, once all n keys were added.
  void figures(risk_figures& out) const {
    out.mean_tco = sum_ / static_cast<double>(n_);
    out.p10_tco = value_[0];
    out.p50_tco = value_[1];
    out.p90_tco = value_[2];
    out.cvar95_tco = tail_ / static_cast<double>(n_ - tail_from_);
  }

private:
  std::uint64_t n_, rank_[3], tail_from_, seen_ = 0;
  double value_[3] = {0, 0, 0}, sum_ = 0, tail_ = 0;
};

/// The draws of a run, or of a share of it, as one column per factor; a null column is a factor
/// that does not vary (every draw takes the neutral value make_draw gives it).
struct draw_columns {
  const double* energy = nullptr; // energy_factor, else 1.0
  const double* node = nullptr;   // node_factor, else 1.0
  const double* cloud = nullptr;  // cloud_factor, else 1.0
  const double* mfu = nullptr;    // mfu_noise, else 0.0
  const double* delay = nullptr;  // delay_months, else 0.0
  const double* mtbf = nullptr;   // mtbf_factor, else 1.0

  /// Draw j of the columns, as make_draw gave it.
  risk_draw at(std::uint64_t j) const {
    return {energy ? energy[j] : 1.0, node ? node[j] : 1.0,   cloud ? cloud[j] : 1.0,
            mfu ? mfu[j] : 0.0,       delay ? delay[j] : 0.0, mtbf ? mtbf[j] : 1.0};
  }
  /// The columns from draw d on.
  draw_columns from(std::uint64_t d) const {
    auto at = [d](const double* c) { return c ? c + d : nullptr; };
    return {at(energy), at(node), at(cloud), at(mfu), at(delay), at(mtbf)};
  }
};

/// The draw every factor that does not vary takes (make_draw, risk.hpp).
constexpr risk_draw kNeutralDraw{1.0, 1.0, 1.0, 0.0, 0.0, 1.0};

/// One plan's undrawn records and what its draws share (see the comment at the top).
struct row_plan {
  site_rec site;
  system_rec sys;
  fabric_rec fab;
  combo_figures k; // on the records with the neutral draw applied (s = a = f = 0: these copies)
  size_figures z;
  perf_figures q;     // the same; its test 6 serves every draw unless perf_per_draw
  bool perf_per_draw; // goodput or the replica search moves with the draw
  double rack_capex;  // racks * rack_usd
  double energy_base; // facility_kw * utilization * 8760
  double opex_fixed;  // build: it_kw / 1000 * staff_usd_per_mw_year; colo: it_kw * colo * 12
  double fac_capex;   // build only
  double residual;    // build only
};

/// The row_plan of `plan` (MODEL.md "Figures of a plan"), for draws of the uncertainty block `p`.
inline row_plan make_row_plan(const model_view& v, const risk_plan& plan, const risk_params& p) {
  row_plan h{};
  h.site = v.sites[plan.site];
  h.sys = v.systems[plan.system];
  h.fab = v.fabrics[plan.fabric];
  site_rec site = h.site;
  system_rec sys = h.sys;
  fabric_rec fab = h.fab;
  model_view u = v;
  apply_draw(site, kNeutralDraw);
  apply_draw(sys, kNeutralDraw);
  apply_draw(fab, kNeutralDraw);
  apply_draw(u.g, kNeutralDraw);
  u.sites = &site;
  u.systems = &sys;
  u.fabrics = &fab;
  h.k = combo_figures_of(u, 0, 0, plan.cooling, 0, plan.sourcing);
  h.z = size_figures_of(u, h.k, plan.nodes);
  h.q = perf_figures_of(u, h.k, h.z);
  const plan_figures f = evaluate_sized(u, h.k, h.z);
  const globals_rec& g = v.g;
  h.perf_per_draw = (g.has_reliability && p.mtbf_sigma > 0) || (g.inference && p.mfu_sd > 0);
  // MODEL.md "Figures of a plan": hw_capex's rack term, energy's leading factors, opex's fixed
  // term, fac_capex and residual, as evaluate_sized computes them (none reads a drawn field).
  h.rack_capex = h.z.racks * g.rack_usd;
  h.energy_base = h.z.facility_kw * g.utilization * 8760;
  h.opex_fixed = h.k.build ? h.z.it_kw / 1000 * g.staff_usd_per_mw_year
                           : h.z.it_kw * site.colo_usd_per_kw_month * 12;
  h.fac_capex = f.fac_capex;
  h.residual = f.residual;
  return h;
}

/// One (plan, draw): its TCO and whether it meets the target (test 6) and the deadline (test 7).
struct row_sample {
  double tco;
  bool target, deadline;
};

/// The sample of plan `h` under draw `d`: evaluate_pair's TCO and flags (see the comment at the
/// top; MODEL.md "Figures of a plan", "Feasibility" tests 6 and 7, "Risk").
DCPLAN_HD_HOT row_sample sample_of(const model_view& v, const row_plan& h, const risk_draw& d) {
  const globals_rec& g = v.g;
  site_rec site = h.site;
  system_rec sys = h.sys;
  fabric_rec fab = h.fab;
  apply_draw(site, d);
  apply_draw(sys, d);
  apply_draw(fab, d);
  row_sample r;
  // MODEL.md "Figures of a plan": capex, opex and tco, evaluate_sized's expressions.
  if (h.k.cloud) {
    const double capex = 0.0, residual = 0.0;
    const double opex = h.z.acc * sys.cloud_usd_per_accel_hour * site.cloud_price_multiplier * 8760;
    r.tco = capex + opex * g.annuity - residual;
  } else {
    const double hw_capex = h.z.n * sys.node_price_usd +
                            h.z.acc * fab.cost_usd_per_accel * h.z.fab_scale + h.rack_capex;
    const double energy = h.energy_base * site.energy_usd_per_kwh;
    const double capex = h.k.build ? hw_capex + h.fac_capex : hw_capex;
    const double opex = energy + g.maintenance_rate * hw_capex + h.opex_fixed;
    const double residual = h.k.build ? h.residual : 0.0;
    r.tco = capex + opex * g.annuity - residual;
  }
  // Test 6 (meets_target): effective_flops = peak * mfu * efficiency * goodput, or tokens/s.
  if (h.perf_per_draw) {
    // Copies of their own: the records above stay out of memory on the other paths.
    site_rec site_d = site;
    system_rec sys_d = sys;
    fabric_rec fab_d = fab;
    model_view w = v;
    apply_draw(w.g, d);
    w.sites = &site_d;
    w.systems = &sys_d;
    w.fabrics = &fab_d;
    combo_figures k = h.k;
    if (g.inference) k.rc = replica_search(w.g, sys_d, v.accelerators[sys_d.accelerator]);
    r.target = perf_figures_of(w, k, h.z).t_target;
  } else if (g.inference) {
    r.target = h.q.t_target;
  } else {
    r.target = passes_target(g, h.q.peak * sys.mfu * h.q.efficiency * h.q.goodput);
  }
  // Test 7 on ready_months, combo_figures_of's expression over the drawn lead times (the
  // construction time as apply_draw(globals_rec&) moves it).
  r.deadline = true;
  if (g.has_deadline) {
    double ready;
    if (h.k.build) {
      const double construction = g.construction_months + d.delay_months;
      ready =
          detail::dmax(detail::dmax(site.power_lead_months, construction), sys.lead_time_months);
    } else if (h.k.cloud) {
      ready = site.cloud_lead_months;
    } else {
      ready = detail::dmax(site.colo_lead_months, sys.lead_time_months);
    }
    r.deadline = passes_deadline(g, ready);
  }
  return r;
}

/// Draws are evaluated a tile at a time: the draws' TCOs and flags into arrays of this many.
constexpr std::size_t kTile = 256;

/// kTile copies of a factor's neutral value, the tile of a factor that does not vary.
struct neutral_tiles {
  double one[kTile], zero[kTile];
  neutral_tiles() {
    std::fill(one, one + kTile, 1.0);
    std::fill(zero, zero + kTile, 0.0);
  }
};
inline const neutral_tiles kNeutralTiles;

enum class row_kind { cloud, build, colo };

/// sample_of over a tile of draws for a plan whose test 6 needs no per-draw model call
/// (!h.perf_per_draw): the same expressions in the same order (apply_draw's products and sums
/// written out on the fields it moves), one loop per kind of plan, without branches. `ef`, `nf`,
/// `cf`, `mn`, `dm`: the tile's energy, node and cloud factors, mfu noise and delay months.
template <row_kind Kind>
void sample_tile_fast(const globals_rec& g, const row_plan& h, const double* ef, const double* nf,
                      const double* cf, const double* mn, const double* dm, std::size_t m,
                      double* tco, double* target, double* deadline) {
  const double node_price = h.sys.node_price_usd, fab_cost = h.fab.cost_usd_per_accel;
  const double energy_price = h.site.energy_usd_per_kwh;
  const double cloud_price = h.sys.cloud_usd_per_accel_hour;
  const double cloud_mult = h.site.cloud_price_multiplier;
  const double n = h.z.n, acc = h.z.acc, fab_scale = h.z.fab_scale;
  const double rack_capex = h.rack_capex, energy_base = h.energy_base;
  const double opex_fixed = h.opex_fixed, fac_capex = h.fac_capex, residual_b = h.residual;
  const double maintenance = g.maintenance_rate, annuity = g.annuity;
  const double mfu = h.sys.mfu, peak = h.q.peak, efficiency = h.q.efficiency;
  const double goodput = h.q.goodput, required = g.required_effective_flops;
  // Flags are 1.0 or 0.0 (doubles: the compiler vectorizes a choice between doubles on a
  // comparison of doubles, not one between integers). Test 6 without a target, or on tokens/s
  // (fixed: the replica search does not move), takes the same value whatever the comparison.
  const bool target_fixed = g.inference || !g.has_target;
  const double target_fixed_value = !g.inference || h.q.t_target ? 1.0 : 0.0;
  const double target_yes = target_fixed ? target_fixed_value : 1.0;
  const double target_no = target_fixed ? target_fixed_value : 0.0;
  // Test 7: passes_deadline, ready + training_months <= deadline for a training target, else
  // ready <= deadline (ready + 0.0 <= deadline is the same test: adding 0.0 moves no value but
  // -0.0, which compares equal, and NaN stays NaN).
  const double deadline_no = g.has_deadline ? 0.0 : 1.0;
  const double ready_extra = g.training ? g.training_months : 0.0;
  const double deadline_months = g.deadline_months;
  const double power_lead = h.site.power_lead_months, colo_lead = h.site.colo_lead_months;
  const double cloud_lead = h.site.cloud_lead_months, lead_time = h.sys.lead_time_months;
  const double construction = g.construction_months;
  // Loops of one kind of figure each, each simple enough for the compiler to vectorize.
  for (std::size_t i = 0; i < m; ++i) {
    // MODEL.md "Figures of a plan": capex, opex and tco (evaluate_sized).
    if constexpr (Kind == row_kind::cloud) {
      const double capex = 0.0, residual = 0.0;
      const double opex = acc * (cloud_price * cf[i]) * cloud_mult * 8760;
      tco[i] = capex + opex * annuity - residual;
    } else {
      const double hw_capex =
          n * (node_price * nf[i]) + acc * (fab_cost * nf[i]) * fab_scale + rack_capex;
      const double energy = energy_base * (energy_price * ef[i]);
      const double capex = Kind == row_kind::build ? hw_capex + fac_capex : hw_capex;
      const double opex = energy + maintenance * hw_capex + opex_fixed;
      const double residual = Kind == row_kind::build ? residual_b : 0.0;
      tco[i] = capex + opex * annuity - residual;
    }
  }
  double drawn_mfu[kTile];
  for (std::size_t i = 0; i < m; ++i)
    drawn_mfu[i] = detail::dmin(1.0, detail::dmax(0.01, mfu + mn[i])); // apply_draw
  for (std::size_t i = 0; i < m; ++i) {
    // Test 6: effective_flops = peak * mfu * efficiency * goodput >= required (written as
    // required <= effective_flops, the same test, NaN included).
    target[i] = required <= peak * drawn_mfu[i] * efficiency * goodput ? target_yes : target_no;
  }
  for (std::size_t i = 0; i < m; ++i) {
    // Test 7 on ready_months (combo_figures_of) over the drawn lead times.
    const double d = dm[i];
    double ready;
    if constexpr (Kind == row_kind::build)
      ready = detail::dmax(detail::dmax(power_lead + d, construction + d), lead_time + d);
    else if constexpr (Kind == row_kind::cloud)
      ready = cloud_lead + d;
    else
      ready = detail::dmax(colo_lead + d, lead_time + d);
    deadline[i] = ready + ready_extra <= deadline_months ? 1.0 : deadline_no;
  }
}

/// The samples of plan `h` under draws [j0, j0 + m) of `c` (m <= kTile): each draw's TCO and
/// tests 6 and 7 into tco[0, m), target[0, m) and deadline[0, m), as sample_of gives them.
inline void sample_tile(const model_view& v, const row_plan& h, const draw_columns& c,
                        std::uint64_t j0, std::size_t m, double* tco, double* target,
                        double* deadline) {
  if (h.perf_per_draw) {
    for (std::size_t i = 0; i < m; ++i) {
      const row_sample r = sample_of(v, h, c.at(j0 + i));
      tco[i] = r.tco;
      target[i] = r.target ? 1.0 : 0.0;
      deadline[i] = r.deadline ? 1.0 : 0.0;
    }
    return;
  }
  auto tile = [j0](const double* col, const double* neutral) { return col ? col + j0 : neutral; };
  const neutral_tiles& k = kNeutralTiles;
  const double* ef = tile(c.energy, k.one);
  const double* nf = tile(c.node, k.one);
  const double* cf = tile(c.cloud, k.one);
  const double* mn = tile(c.mfu, k.zero);
  const double* dm = tile(c.delay, k.zero);
  if (h.k.cloud)
    sample_tile_fast<row_kind::cloud>(v.g, h, ef, nf, cf, mn, dm, m, tco, target, deadline);
  else if (h.k.build)
    sample_tile_fast<row_kind::build>(v.g, h, ef, nf, cf, mn, dm, m, tco, target, deadline);
  else
    sample_tile_fast<row_kind::colo>(v.g, h, ef, nf, cf, mn, dm, m, tco, target, deadline);
}

/// One tile of samples: the TCOs, and tests 6 and 7 as 1.0 or 0.0.
struct sample_tile_buf {
  double tco[kTile], target[kTile], deadline[kTile];
};

/// Calls f(j0, len, tile) for the tiles of draws [j0, j0 + len) covering 0 .. m - 1 in order,
/// `tile` holding plan `h`'s samples under those draws (sample_tile).
template <class F>
void for_tiles(const model_view& v, const row_plan& h, const draw_columns& c, std::uint64_t m,
               F&& f) {
  sample_tile_buf t;
  for (std::uint64_t j0 = 0; j0 < m; j0 += kTile) {
    const std::size_t len = static_cast<std::size_t>(std::min<std::uint64_t>(kTile, m - j0));
    sample_tile(v, h, c, j0, len, t.tco, t.target, t.deadline);
    f(j0, len, t);
  }
}

/// Plan `plan` under the m draws of `c`: each TCO into tco[0, m) in draw order; adds the draws
/// that meet the target (test 6) and the deadline (test 7) to `target` and `deadline`. Each TCO
/// and flag is evaluate_pair's for that (plan, draw).
inline void evaluate_row(const model_view& v, const risk_plan& plan, const risk_params& p,
                         const draw_columns& c, std::uint64_t m, double* tco, std::uint64_t& target,
                         std::uint64_t& deadline) {
  const row_plan h = make_row_plan(v, plan, p);
  for_tiles(v, h, c, m, [&](std::uint64_t j0, std::size_t len, const sample_tile_buf& t) {
    std::copy(t.tco, t.tco + len, tco + j0);
    for (std::size_t i = 0; i < len; ++i) {
      target += t.target[i] != 0 ? 1 : 0;
      deadline += t.deadline[i] != 0 ? 1 : 0;
    }
  });
}

/// Rows of at least this many draws take their sort's first pass during the evaluation.
constexpr std::uint64_t kFusedRow = std::uint64_t{1} << 16;

/// The buckets of that first pass: 2^8 ranges of keys, each a list the evaluation appends to.
constexpr int kFusedBits = 8;

/// risk_of_row's scratch: the sort's (row_sort_buffers) and the fused pass's buckets.
struct row_buffers {
  row_sort_buffers sort;
  std::vector<std::vector<std::uint64_t>> buckets;
};

/// The flag counts of a row, whether it holds both zeros, and (rows not fused) its key range.
/// The counts are sums of 1.0s, exact in any order (a row has at most 10^6 < 2^53 draws).
struct row_tally {
  double target = 0, deadline = 0;
  std::uint64_t pos_zero = 0, neg_zero = 0;
  std::uint64_t lo = ~std::uint64_t{0}, hi = 0;
  /// A tile's flags, and the zeros among its keys.
  void add(const sample_tile_buf& t, const std::uint64_t* keys, std::size_t len) {
    for (std::size_t i = 0; i < len; ++i) {
      target += t.target[i];
      deadline += t.deadline[i];
    }
    for (std::size_t i = 0; i < len; ++i) {
      pos_zero += keys[i] == kKeyPosZero ? 1 : 0;
      neg_zero += keys[i] == kKeyNegZero ? 1 : 0;
    }
  }
  /// The range of a tile's keys.
  void add_range(const std::uint64_t* keys, std::size_t len) {
    for (std::size_t i = 0; i < len; ++i) {
      lo = std::min(lo, keys[i]);
      hi = std::max(hi, keys[i]);
    }
  }
};

/// A row of S >= kFusedRow draws: the evaluation spreads the keys into 2^kFusedBits buckets of
/// key ranges (a range from the first 4,096 draws' keys; keys outside it go to the first or last
/// bucket, so the buckets stay in key order), each of which fits in cache; each bucket is then
/// sorted alone (sort_keys_into) and its keys handed to the summary in bucket order, which is the
/// row's ascending order. Returns false, summarizing nothing, when the row holds both zeros.
inline bool fused_row(const model_view& v, const row_plan& h, const draw_columns& c,
                      std::uint64_t S, row_buffers& b, row_tally& t, risk_figures& out) {
  constexpr std::size_t kBuckets = std::size_t{1} << kFusedBits;
  std::uint64_t plo = ~std::uint64_t{0}, phi = 0;
  for_tiles(v, h, c, 4096, [&](std::uint64_t, std::size_t len, const sample_tile_buf& tile) {
    for (std::size_t i = 0; i < len; ++i) {
      const std::uint64_t key = sortable_bits(tile.tco[i]);
      plo = std::min(plo, key);
      phi = std::max(phi, key);
    }
  });
  int width = 0; // bits of phi - plo
  while (width < 64 && ((phi - plo) >> width) != 0) ++width;
  const int shift = std::max(0, width - kFusedBits);
  b.buckets.resize(kBuckets);
  for (std::vector<std::uint64_t>& bucket : b.buckets) bucket.clear();
  std::uint64_t keys[kTile];
  for_tiles(v, h, c, S, [&](std::uint64_t, std::size_t len, const sample_tile_buf& tile) {
    for (std::size_t i = 0; i < len; ++i) keys[i] = sortable_bits(tile.tco[i]);
    t.add(tile, keys, len);
    for (std::size_t i = 0; i < len; ++i) {
      const std::uint64_t key = keys[i];
      const std::uint64_t off = key < plo ? 0 : (key - plo) >> shift;
      b.buckets[std::min<std::uint64_t>(off, kBuckets - 1)].push_back(key);
    }
  });
  if (t.pos_zero > 0 && t.neg_zero > 0) return false;
  sorted_summary sum(S);
  for (std::vector<std::uint64_t>& bucket : b.buckets) {
    const std::size_t n = bucket.size();
    if (n == 0) continue;
    std::uint64_t lo = bucket[0], hi = bucket[0];
    for (const std::uint64_t k : bucket) {
      lo = std::min(lo, k);
      hi = std::max(hi, k);
    }
    b.sort.reserve(n);
    sort_keys_into(bucket.data(), b.sort.tmp.data(), n, lo, hi);
    sum.add(b.sort.tmp.data(), n);
  }
  sum.figures(out);
  return true;
}

/// The risk figures of `plan` under the S draws of `c`: its row of sort keys evaluated and
/// sorted (fused_row for long rows, else into b.sort.keys and sorted into b.sort.tmp), and
/// summarized as summarize_plan does.
inline risk_figures risk_of_row(const model_view& v, const risk_plan& plan, const risk_params& p,
                                const draw_columns& c, std::uint64_t S, row_buffers& b) {
  const row_plan h = make_row_plan(v, plan, p);
  row_tally t;
  risk_figures out;
  bool done = false;
  if (S >= kFusedRow) {
    done = fused_row(v, h, c, S, b, t, out);
  } else {
    b.sort.reserve(S);
    std::uint64_t* const keys = b.sort.keys.data();
    for_tiles(v, h, c, S, [&](std::uint64_t j0, std::size_t len, const sample_tile_buf& tile) {
      for (std::size_t i = 0; i < len; ++i) keys[j0 + i] = sortable_bits(tile.tco[i]);
      t.add(tile, keys + j0, len);
      t.add_range(keys + j0, len);
    });
    if (t.pos_zero == 0 || t.neg_zero == 0) {
      sort_keys_into(keys, b.sort.tmp.data(), S, t.lo, t.hi);
      sorted_summary sum(S);
      sum.add(b.sort.tmp.data(), S);
      sum.figures(out);
      done = true;
    }
  }
  if (!done) {
    // Both zeros: the row as doubles in draw order, sorted by radix_sort_row, which keeps the
    // zeros in draw order.
    b.sort.row.resize(S);
    std::uint64_t target = 0, deadline = 0;
    evaluate_row(v, plan, p, c, S, b.sort.row.data(), target, deadline);
    radix_sort_row(b.sort.row.data(), S, b.sort);
    summarize_sorted(b.sort.row.data(), S, out);
  }
  out.p_meets_target = t.target / static_cast<double>(S);
  out.p_meets_deadline = v.g.has_deadline ? t.deadline / static_cast<double>(S) : NAN;
  return out;
}

} // namespace dcplan::detail
