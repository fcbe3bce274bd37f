#pragma once
// A small SVG writer for the HTML report's charts: scales, ticks, axes and escaped text. The
// SVG is inline in the HTML page, so it carries no namespace URL and no external reference.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace dcplan::svg {

/// The width of `s` drawn at `font_px` in the report's sans-serif face, a little more than its
/// mean glyph (0.6 em per character; a UTF-8 sequence counts as one character), for margins.
double text_width(std::string_view s, double font_px = 12);
/// The left margin that holds every label right-aligned at `margin - 10`: at least `minimum`.
double label_margin(const std::vector<std::string>& labels, double minimum, double font_px = 12);

/// Escapes &, <, >, " and ' for XML text and attribute values.
std::string esc(std::string_view s);
/// A coordinate with at most two decimals and no trailing zeros.
std::string px(double x);

/// Maps a domain [d0, d1] onto pixels [r0, r1], linearly or by log10.
struct scale {
  double d0, d1, r0, r1;
  bool log = false;
  double operator()(double x) const;
};

/// Tick values inside the domain: powers of ten on a log scale (with 2 and 5 between them when
/// it spans under two decades; every other power when over eight); 1, 2 or 5 times a power of
/// ten on a linear one, about `target` of them.
std::vector<double> ticks(const scale& s, int target = 6);
/// The smallest of 1, 2, 2.5, 5 times a power of ten that is >= x (x > 0).
double nice_ceil(double x);
/// Widens [lo, hi] to whole powers of ten around it (lo, hi > 0).
void log_domain(double& lo, double& hi);

using formatter = std::function<std::string(double)>;

/// One chart: an <svg> with a title and description for screen readers, drawn in a
/// width x height box of user units that scales with the page.
class canvas {
public:
  canvas(double width, double height, std::string title, std::string desc);
  /// Appends raw SVG markup (already escaped).
  void add(const std::string& markup);
  void line(double x1, double y1, double x2, double y2, const std::string& cls);
  void rect(double x, double y, double w, double h, const std::string& fill,
            const std::string& extra = "");
  /// Text at (x, y); anchor is start, middle or end.
  void text(double x, double y, std::string_view s, const std::string& anchor = "start",
            const std::string& cls = "");
  /// The horizontal axis at pixel row y: ticks, grid lines up to `grid_top`, labels, title.
  void x_axis(const scale& s, double y, double grid_top, const std::vector<double>& tick_values,
              const formatter& label, const std::string& title);
  /// The vertical axis at pixel column x: ticks, grid lines up to `grid_right`, labels, title.
  void y_axis(const scale& s, double x, double grid_right, const std::vector<double>& tick_values,
              const formatter& label, const std::string& title);
  std::string str() const;

private:
  double w_, h_;
  std::string title_, desc_, body_;
};

} // namespace dcplan::svg
