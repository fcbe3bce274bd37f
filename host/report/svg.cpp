// The SVG writer of the HTML report's charts.
#include "svg.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace dcplan::svg {

double text_width(std::string_view s, double font_px) {
  std::size_t chars = 0;
  for (const char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++chars; // not a continuation byte
  return static_cast<double>(chars) * 0.6 * font_px;
}

double label_margin(const std::vector<std::string>& labels, double minimum, double font_px) {
  double widest = 0;
  for (const std::string& l : labels) widest = std::max(widest, text_width(l, font_px));
  return std::max(minimum, std::ceil(widest) + 30); // 20 to the edge, 10 to the bars
}

std::string esc(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&#39;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

std::string px(double x) {
  if (!std::isfinite(x)) return "0";
  std::string s = fmt::format("{:.2f}", x);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

double scale::operator()(double x) const {
  double t;
  if (log) {
    t = (std::log10(x) - std::log10(d0)) / (std::log10(d1) - std::log10(d0));
  } else {
    t = (x - d0) / (d1 - d0);
  }
  if (!std::isfinite(t)) t = 0;
  return r0 + t * (r1 - r0);
}

double nice_ceil(double x) {
  if (!(x > 0)) return 1;
  const double p = std::pow(10.0, std::floor(std::log10(x)));
  for (const double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (m * p >= x * (1 - 1e-12)) return m * p;
  return 10 * p;
}

void log_domain(double& lo, double& hi) {
  lo = std::pow(10.0, std::floor(std::log10(lo)));
  hi = std::pow(10.0, std::ceil(std::log10(hi)));
  if (hi <= lo) hi = lo * 10;
}

std::vector<double> ticks(const scale& s, int target) {
  std::vector<double> out;
  const double lo = std::min(s.d0, s.d1), hi = std::max(s.d0, s.d1);
  const auto inside = [&](double v) { return v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9); };
  if (s.log) {
    const int e0 = static_cast<int>(std::floor(std::log10(lo)));
    const int e1 = static_cast<int>(std::ceil(std::log10(hi)));
    const int decades = e1 - e0;
    const int every = decades > 8 ? 2 : 1;
    for (int e = e0; e <= e1; ++e) {
      const double p = std::pow(10.0, e);
      if ((e - e0) % every == 0 && inside(p)) out.push_back(p);
      if (decades < 2) {
        for (const double m : {2.0, 5.0})
          if (inside(m * p)) out.push_back(m * p);
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  const double step = nice_ceil((hi - lo) / std::max(1, target));
  for (double v = std::ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push_back(std::fabs(v) < step * 1e-9 ? 0.0 : v);
  return out;
}

canvas::canvas(double width, double height, std::string title, std::string desc)
    : w_(width), h_(height), title_(std::move(title)), desc_(std::move(desc)) {}

void canvas::add(const std::string& markup) { body_ += markup; }

void canvas::line(double x1, double y1, double x2, double y2, const std::string& cls) {
  body_ += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" class=\"{}\"/>", px(x1),
                       px(y1), px(x2), px(y2), cls);
}

void canvas::rect(double x, double y, double w, double h, const std::string& fill,
                  const std::string& extra) {
  body_ += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"{}{}/>",
                       px(x), px(y), px(std::max(0.0, w)), px(std::max(0.0, h)), fill,
                       extra.empty() ? "" : " ", extra);
}

void canvas::text(double x, double y, std::string_view s, const std::string& anchor,
                  const std::string& cls) {
  body_ += fmt::format("<text x=\"{}\" y=\"{}\"{}{}>{}</text>", px(x), px(y),
                       anchor == "start" ? "" : " text-anchor=\"" + anchor + "\"",
                       cls.empty() ? "" : " class=\"" + cls + "\"", esc(s));
}

void canvas::x_axis(const scale& s, double y, double grid_top,
                    const std::vector<double>& tick_values, const formatter& label,
                    const std::string& title) {
  line(std::min(s.r0, s.r1), y, std::max(s.r0, s.r1), y, "axis");
  for (const double v : tick_values) {
    const double x = s(v);
    line(x, grid_top, x, y, "grid");
    line(x, y, x, y + 5, "axis");
    text(x, y + 18, label(v), "middle", "tick");
  }
  text((s.r0 + s.r1) / 2, y + 40, title, "middle", "axis-title");
}

void canvas::y_axis(const scale& s, double x, double grid_right,
                    const std::vector<double>& tick_values, const formatter& label,
                    const std::string& title) {
  line(x, std::min(s.r0, s.r1), x, std::max(s.r0, s.r1), "axis");
  for (const double v : tick_values) {
    const double y = s(v);
    line(x, y, grid_right, y, "grid");
    line(x - 5, y, x, y, "axis");
    text(x - 8, y + 4, label(v), "end", "tick");
  }
  const double cy = (s.r0 + s.r1) / 2;
  body_ += fmt::format("<text transform=\"translate({},{}) rotate(-90)\" text-anchor=\"middle\" "
                       "class=\"axis-title\">{}</text>",
                       px(x - 62), px(cy), esc(title));
}

std::string canvas::str() const {
  return fmt::format(
      "<svg viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\" "
      "preserveAspectRatio=\"xMinYMin meet\"><title>{}</title><desc>{}</desc>{}</svg>",
      px(w_), px(h_), px(w_), px(h_), esc(title_), esc(desc_), body_);
}

} // namespace dcplan::svg
