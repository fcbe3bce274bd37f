#pragma once
// The CPU path of MODEL.md "Risk", one plan's row at a time (host/risk/risk_cpu.cpp runs a thread
// per plan): the plan's S draws evaluated into its own row with the draw-independent figures
// hoisted, the row sorted alone by a radix sort on the doubles' bits, then the figures of
// `summarize_plan`.
//
// Why every double equals detail::risk_batch's (risk.hpp, the Thrust path the CUDA backend
// runs):
// - The TCO and flags of (plan, draw). risk_batch calls evaluate_under_draw: copies of the
//   plan's site, system and fabric with the draw applied, globals with the draw applied, and
//   evaluate_plan(w, 0, 0, c, 0, m, n) = evaluate_sized(w, k, size_figures_of(w, k, n)) with
//   k = combo_figures_of(w, 0, 0, c, 0, m). Here the copies, the drawn globals and k are made
//   the same way, per draw, by the same functions. Only size_figures_of runs once per plan, on
//   the undrawn records (view u, k0 = combo_figures_of(u, ...)). It reads:
//   sys.accelerators_per_node, fab.radix (fabric_figures_of); sys.node_power_kw,
//   fab.power_w_per_accel, site.grid_mw, site.cloud_max_accelerators, site.colo_available_mw
//   (add_power_figures); and from k0: cloud and build (from the sourcing m), per_rack
//   (cool.max_rack_kw, sys.node_power_kw, g.rack_units, sys.node_rack_units) and pue
//   (site.cloud_pue, cool.pue, site.pue_adjust). No apply_draw (risk.hpp) writes any of those
//   fields: the draws write site.energy_usd_per_kwh and the three site lead times;
//   sys.node_price_usd, cloud_usd_per_accel_hour, mfu, lead_time_months;
//   fab.cost_usd_per_accel; g.construction_months, accelerator_mtbf_hours, inf_serving_mfu. The
//   cooling and accelerator records are read from v unchanged on both paths. So every expression
//   of size_figures_of runs over the same operands in the same order, and its doubles are the
//   ones evaluate_plan computes under each draw. The flags use meets_target and passes_deadline
//   on the undrawn globals exactly as evaluate_pair does (they read no drawn field).
// - The sorted row. risk_batch's two stable sorts leave each plan's row holding that plan's S
//   TCOs ascending, equal values in draw order; radix_sort_row leaves the same multiset
//   ascending. Distinct doubles that compare equal are only -0.0 and +0.0 (NaN cannot occur: a
//   TCO is a sum of products of finite prices), and radix_sort_row puts the zeros back in draw
//   order, so the row is the same bit for bit.
// - The figures. summarize_sorted on that row, and the flag counts as integers, as
//   summarize_plan computes them.
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
  return (b >> 63) != 0 ? ~b : (b | (std::uint64_t{1} << 63));
}

/// The double of a key of sortable_bits.
inline double from_sortable_bits(std::uint64_t k) {
  const std::uint64_t b = (k >> 63) != 0 ? (k & ~(std::uint64_t{1} << 63)) : ~k;
  double x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}

/// Scratch of radix_sort_row: the keys, a second buffer of as many, and, when a row holds both
/// zeros, their signs in input order.
struct row_sort_buffers {
  std::vector<std::uint64_t> keys, tmp;
  std::vector<std::uint8_t> zero_signs;
};

/// Sorts a[0, n) ascending, with s[0, n) as scratch: an MSD radix sort. One pass spreads the keys
/// into up to 2^12 buckets by the bits just below those every key shares (the highest bit where
/// the smallest and largest keys differ, and the ones under it), which orders the buckets; each
/// bucket is sorted alone the same way, down to short ones sorted by insertion.
inline void sort_keys(std::uint64_t* a, std::uint64_t* s, std::size_t n) {
  constexpr std::size_t kShort = 32;
  constexpr int kMaxBits = 12;
  if (n <= kShort) {
    for (std::size_t i = 1; i < n; ++i) {
      const std::uint64_t k = a[i];
      std::size_t j = i;
      for (; j > 0 && a[j - 1] > k; --j) a[j] = a[j - 1];
      a[j] = k;
    }
    return;
  }
  std::uint64_t lo = a[0], hi = a[0];
  for (std::size_t i = 1; i < n; ++i) {
    lo = std::min(lo, a[i]);
    hi = std::max(hi, a[i]);
  }
  if (lo == hi) return; // equal keys: sorted
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
  // count[r] is now the end of bucket r.
  std::size_t begin = 0;
  for (std::size_t r = 0; r < buckets; ++r) {
    const std::size_t end = count[r];
    if (end - begin > 1) sort_keys(s + begin, a + begin, end - begin);
    begin = end;
  }
  std::copy(s, s + n, a);
}

/// Sorts row[0, n) ascending, as a stable sort by `<` does: sort_keys on the keys of
/// sortable_bits. Keys are equal only for equal bits, so any sort of them gives the same row.
/// Distinct doubles that `<` ties are only -0.0 and +0.0: the keys put -0.0 first, so when a row
/// holds both, the zero run is rewritten with the zeros' signs in input order, as a stable sort
/// leaves them.
inline void radix_sort_row(double* row, std::size_t n, row_sort_buffers& b) {
  if (n < 2) return;
  if (b.keys.size() < n) {
    b.keys.resize(n);
    b.tmp.resize(n);
  }
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

/// One plan's undrawn records and the figures no draw changes (see the comment at the top).
struct hoisted_plan {
  site_rec site;
  system_rec sys;
  fabric_rec fab;
  size_figures z;
};

/// size_figures_of on the plan's undrawn records, through the view evaluate_under_draw builds.
inline hoisted_plan hoist_plan(const model_view& v, const risk_plan& plan) {
  hoisted_plan h{v.sites[plan.site], v.systems[plan.system], v.fabrics[plan.fabric], {}};
  model_view u = v;
  u.sites = &h.site;
  u.systems = &h.sys;
  u.fabrics = &h.fab;
  const combo_figures k0 = combo_figures_of(u, 0, 0, plan.cooling, 0, plan.sourcing);
  h.z = size_figures_of(u, k0, plan.nodes);
  return h;
}

/// Plan `plan` under draws[0, m): each TCO into tco[0, m) in draw order; adds the draws that
/// meet the target (test 6) and the deadline (test 7) to `target` and `deadline`. Each TCO and
/// flag is evaluate_pair's for that (plan, draw).
inline void evaluate_row(const model_view& v, const risk_plan& plan, const risk_draw* draws,
                         std::uint64_t m, double* tco, std::uint64_t& target,
                         std::uint64_t& deadline) {
  const hoisted_plan h = hoist_plan(v, plan);
  for (std::uint64_t j = 0; j < m; ++j) {
    const risk_draw& d = draws[j];
    site_rec site = h.site;
    system_rec sys = h.sys;
    fabric_rec fab = h.fab;
    apply_draw(site, d);
    apply_draw(sys, d);
    apply_draw(fab, d);
    model_view w = v;
    apply_draw(w.g, d);
    w.sites = &site;
    w.systems = &sys;
    w.fabrics = &fab;
    const combo_figures k = combo_figures_of(w, 0, 0, plan.cooling, 0, plan.sourcing);
    const plan_figures f = evaluate_sized(w, k, h.z);
    tco[j] = f.tco;
    target += meets_target(v.g, f) ? 1 : 0;
    deadline += passes_deadline(v.g, f.ready_months) ? 1 : 0;
  }
}

/// The risk figures of `plan` under the S draws `draws`: its row evaluated into `row` (S
/// doubles), sorted, summarized as summarize_plan does.
inline risk_figures risk_of_row(const model_view& v, const risk_plan& plan, const risk_draw* draws,
                                std::uint64_t S, double* row, row_sort_buffers& b) {
  std::uint64_t target = 0, deadline = 0;
  evaluate_row(v, plan, draws, S, row, target, deadline);
  radix_sort_row(row, S, b);
  risk_figures r;
  summarize_sorted(row, S, r);
  r.p_meets_target = static_cast<double>(target) / static_cast<double>(S);
  r.p_meets_deadline =
      v.g.has_deadline ? static_cast<double>(deadline) / static_cast<double>(S) : NAN;
  return r;
}

} // namespace dcplan::detail
