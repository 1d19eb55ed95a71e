//===- DebugHtml.cpp - the HTML report of qc debug ------------------------===//
//
// One self-contained file: inline CSS and inline SVG, no script, no external
// resource (it opens from a mail attachment or an air-gapped machine the
// same). Sections: a summary, the per-layer SQNR chart, the table, an
// activation histogram per layer with the calibrated and the seen range, and
// the per-channel ranges of each int8 weight against its quantization grid.
//
//===----------------------------------------------------------------------===//
#include "compiler/driver/Debug.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

using namespace mlir;
using namespace mlir::qc;

namespace {

/// \p text escaped for HTML text and attribute values.
std::string esc(llvm::StringRef text) {
  std::string out;
  for (char c : text) {
    switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    case '\'': out += "&#39;"; break;
    default:
      // Control characters would make the file invalid XML in the SVG.
      if (static_cast<unsigned char>(c) < 0x20 && c != '\t')
        out += "\xEF\xBF\xBD"; // U+FFFD
      else
        out += c;
    }
  }
  return out;
}

std::string num(double v, int digits = 2) { return formatFixed(v, digits); }

std::string g(double v) { return formatGeneral(v); }

/// A coordinate for SVG.
/// A fraction as a percentage; a tiny non-zero one is not shown as zero.
std::string percent(double fraction) {
  if (fraction > 0 && fraction < 0.00001)
    return "&lt;0.001%";
  return num(100 * fraction, 3) + "%";
}

std::string px(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f", v);
  return buf;
}

constexpr const char *kStyle = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1d2330;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px;border-bottom:1px solid #d8dce3;padding-bottom:4px}
.meta{color:#566074}.legend span{display:inline-block;margin-right:16px}
.sw{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px}
table{border-collapse:collapse;font-size:13px}th,td{padding:3px 8px;border-bottom:1px solid #eceef2;text-align:right;white-space:nowrap}
th{background:#f4f6f9;position:sticky;top:0}td.l,th.l{text-align:left}tr.worst td{background:#fde8e6}
.grid{display:flex;flex-wrap:wrap;gap:14px}.card{border:1px solid #e2e5ea;border-radius:6px;padding:8px}
.card h3{font-size:13px;margin:0 0 4px;font-weight:600;max-width:360px;overflow:hidden;text-overflow:ellipsis}
.card p{margin:2px 0;font-size:12px;color:#566074}
svg text{font:11px system-ui,sans-serif;fill:#3a4254}
)";

const char *kRef = "#2f6fdf", *kOwn = "#f08a24", *kOwnLine = "#9b59b6",
           *kNative = "#2aa876",
           *kCalib = "#d23f31", *kSeen = "#7d8596";

/// The per-layer SQNR chart: own error as bars, the accumulated error of
/// the reference (and compiled) program as lines with dots.
std::string sqnrChart(const DebugReport &report) {
  const auto &layers = report.layers;
  size_t n = layers.size();
  double top = 10;
  for (const LayerComparison &l : layers)
    for (double v : {l.reference.sqnrDb(), l.added.sqnrDb(), l.own.sqnrDb(),
                     report.compiled ? l.compiled.sqnrDb() : 0.0})
      if (std::isfinite(v))
        top = std::max(top, v);
  top = std::ceil(top / 10 + 0.2) * 10;
  double bottom = 0;
  for (const LayerComparison &l : layers)
    for (double v : {l.reference.sqnrDb(), l.added.sqnrDb(), l.own.sqnrDb()})
      if (std::isfinite(v))
        bottom = std::min(bottom, std::floor(v / 10) * 10);
  double step = std::max(22.0, std::min(60.0, 900.0 / std::max<size_t>(n, 1)));
  double left = 48, plotW = step * n, plotH = 240, topPad = 12;
  size_t longest = 0;
  for (const LayerComparison &l : layers)
    longest = std::max(longest, std::min<size_t>(l.name.size(), 28));
  double labelH = 12 + 6.2 * longest * 0.71;
  double width = left + plotW + 16, height = topPad + plotH + labelH;
  auto y = [&](double v) {
    if (!std::isfinite(v))
      v = v > 0 ? top : bottom;
    v = std::clamp(v, bottom, top);
    return topPad + plotH * (top - v) / (top - bottom);
  };
  auto x = [&](size_t i) { return left + step * (i + 0.5); };
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" "
                  "id=\"sqnr-chart\" width=\"" +
                  px(width) + "\" height=\"" + px(height) +
                  "\" viewBox=\"0 0 " + px(width) + " " + px(height) +
                  "\" role=\"img\" aria-label=\"SQNR per layer\">";
  for (double v = bottom; v <= top + 1e-9; v += 10) {
    s += "<line x1=\"" + px(left) + "\" x2=\"" + px(left + plotW) +
         "\" y1=\"" + px(y(v)) + "\" y2=\"" + px(y(v)) +
         "\" stroke=\"#e6e9ee\"/><text x=\"" + px(left - 6) + "\" y=\"" +
         px(y(v) + 4) + "\" text-anchor=\"end\">" + num(v, 0) + "</text>";
  }
  s += "<text x=\"12\" y=\"" + px(topPad + plotH / 2) +
       "\" transform=\"rotate(-90 12 " + px(topPad + plotH / 2) +
       ")\" text-anchor=\"middle\">SQNR (dB)</text>";
  for (size_t i = 0; i < n; ++i) {
    const LayerComparison &l = layers[i];
    double added = l.added.sqnrDb();
    double y0 = y(std::max(bottom, 0.0)), y1 = y(added);
    s += "<rect x=\"" + px(x(i) - step * 0.3) + "\" y=\"" +
         px(std::min(y0, y1)) + "\" width=\"" + px(step * 0.6) +
         "\" height=\"" + px(std::abs(y0 - y1)) + "\" fill=\"" + kOwn +
         "\" fill-opacity=\"" + (l.worstRank ? "1" : "0.55") +
         "\"" + (l.worstRank ? " stroke=\"#8c2a12\" stroke-width=\"1.5\"" : "") +
         "><title>" + esc(l.name) + ": added " + num(added) + " dB, own " +
         num(l.own.sqnrDb()) + " dB, reference " +
         num(l.reference.sqnrDb()) + " dB" +
         (l.worstRank ? " (worst #" + std::to_string(l.worstRank) + ")" : "") +
         "</title></rect>";
    std::string label = l.name.size() > 28 ? "…" + l.name.substr(l.name.size() - 27)
                                           : l.name;
    double ly = topPad + plotH + 10;
    s += "<text x=\"" + px(x(i)) + "\" y=\"" + px(ly) +
         "\" transform=\"rotate(45 " + px(x(i)) + " " + px(ly) + ")\"" +
         (l.worstRank ? " font-weight=\"bold\"" : "") + ">" + esc(label) +
         "</text>";
  }
  auto series = [&](auto value, const char *color, const char *dash) {
    std::string points;
    for (size_t i = 0; i < n; ++i)
      points += px(x(i)) + "," + px(y(value(layers[i]))) + " ";
    s += "<polyline fill=\"none\" stroke=\"" + std::string(color) +
         "\" stroke-width=\"2\"" +
         (dash ? " stroke-dasharray=\"" + std::string(dash) + "\"" : "") +
         " points=\"" + points + "\"/>";
    for (size_t i = 0; i < n; ++i)
      s += "<circle cx=\"" + px(x(i)) + "\" cy=\"" +
           px(y(value(layers[i]))) + "\" r=\"3\" fill=\"" + color + "\"/>";
  };
  series([](const LayerComparison &l) { return l.own.sqnrDb(); }, kOwnLine,
         "2 2");
  series([](const LayerComparison &l) { return l.reference.sqnrDb(); }, kRef,
         nullptr);
  if (report.compiled)
    series([](const LayerComparison &l) { return l.compiled.sqnrDb(); },
           kNative, "5 3");
  s += "<line x1=\"" + px(left) + "\" x2=\"" + px(left) + "\" y1=\"" +
       px(topPad) + "\" y2=\"" + px(topPad + plotH) +
       "\" stroke=\"#9aa3b2\"/></svg>";
  return s;
}

/// A layer's activation histogram (log-scaled counts) with the calibrated
/// range (red) and the range seen (grey dashed).
std::string histogramChart(const LayerComparison &l, size_t index) {
  const Histogram &h = l.histogram;
  double w = 340, hh = 120, pad = 4, base = hh - 18;
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"hist\" "
                  "id=\"hist-" + std::to_string(index) + "\" width=\"" +
                  px(w) + "\" height=\"" + px(hh) + "\" viewBox=\"0 0 " +
                  px(w) + " " + px(hh) + "\">";
  if (h.bins.empty() || !(h.hi > h.lo))
    return s + "<text x=\"8\" y=\"20\">no values</text></svg>";
  // The view: the calibrated and the seen range (the histogram's own range
  // may be up to twice as wide after growing, Debug.cpp).
  double binW = (h.hi - h.lo) / h.bins.size();
  double vlo = std::min(l.rangeMin, l.seenMin), vhi = std::max(l.rangeMax, l.seenMax);
  vlo = std::max(h.lo, vlo - 0.03 * (vhi - vlo) - binW);
  vhi = std::min(h.hi, vhi + 0.03 * (vhi - vlo) + binW);
  if (!(vhi > vlo)) {
    vlo = h.lo;
    vhi = h.hi;
  }
  size_t first = static_cast<size_t>(std::max(0.0, std::floor((vlo - h.lo) / binW)));
  size_t last = std::min(h.bins.size(),
                         static_cast<size_t>(std::ceil((vhi - h.lo) / binW)));
  vlo = h.lo + first * binW;
  vhi = h.lo + last * binW;
  int64_t peak = 1;
  for (size_t k = first; k < last; ++k)
    peak = std::max(peak, h.bins[k]);
  double bw = (w - 2 * pad) / std::max<size_t>(last - first, 1);
  auto xOf = [&](double v) {
    return pad + (w - 2 * pad) * (v - vlo) / (vhi - vlo);
  };
  for (size_t k = first; k < last; ++k) {
    if (!h.bins[k])
      continue;
    double bar = (base - 6) * std::log1p(double(h.bins[k])) /
                 std::log1p(double(peak));
    s += "<rect x=\"" + px(pad + (k - first) * bw) + "\" y=\"" + px(base - bar) +
         "\" width=\"" + px(std::max(bw - 0.5, 0.5)) + "\" height=\"" +
         px(bar) + "\" fill=\"" + kRef + "\" fill-opacity=\"0.7\"><title>[" +
         g(h.lo + k * (h.hi - h.lo) / h.bins.size()) + ", " +
         g(h.lo + (k + 1) * (h.hi - h.lo) / h.bins.size()) +
         "): " + std::to_string(h.bins[k]) + "</title></rect>";
  }
  auto vline = [&](double v, const char *color, const char *dash,
                   const std::string &title) {
    double xv = xOf(v);
    s += "<line x1=\"" + px(xv) + "\" x2=\"" + px(xv) + "\" y1=\"2\" y2=\"" +
         px(base) + "\" stroke=\"" + color + "\" stroke-width=\"1.5\"" +
         (dash ? " stroke-dasharray=\"" + std::string(dash) + "\"" : "") +
         "><title>" + title + "</title></line>";
  };
  vline(l.seenMin, kSeen, "3 2", "seen min " + g(l.seenMin));
  vline(l.seenMax, kSeen, "3 2", "seen max " + g(l.seenMax));
  vline(l.rangeMin, kCalib, nullptr, "calibrated min " + g(l.rangeMin));
  vline(l.rangeMax, kCalib, nullptr, "calibrated max " + g(l.rangeMax));
  s += "<line x1=\"" + px(pad) + "\" x2=\"" + px(w - pad) + "\" y1=\"" +
       px(base) + "\" y2=\"" + px(base) + "\" stroke=\"#9aa3b2\"/>";
  s += "<text x=\"" + px(pad) + "\" y=\"" + px(hh - 4) + "\">" + g(vlo) +
       "</text><text x=\"" + px(w - pad) + "\" y=\"" + px(hh - 4) +
       "\" text-anchor=\"end\">" + g(vhi) + "</text></svg>";
  return s;
}

/// Per-channel weight ranges: the float weights' [min, max] per output
/// channel (bars) against what the channel's scale can represent (ticks).
std::string weightChart(const LayerComparison &l, size_t index) {
  size_t n = l.weightChannels.size();
  double step = std::clamp(680.0 / std::max<size_t>(n, 1), 1.5, 12.0);
  double w = 56 + step * n + 8, hh = 150, top = 8, plot = 120;
  double lo = 0, hi = 0;
  for (const ChannelRange &c : l.weightChannels) {
    lo = std::min({lo, double(c.floatMin), double(c.gridMin)});
    hi = std::max({hi, double(c.floatMax), double(c.gridMax)});
  }
  if (!(hi > lo))
    hi = lo + 1;
  auto y = [&](double v) { return top + plot * (hi - v) / (hi - lo); };
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"weights\" "
                  "id=\"weights-" + std::to_string(index) + "\" width=\"" +
                  px(w) + "\" height=\"" + px(hh) + "\" viewBox=\"0 0 " +
                  px(w) + " " + px(hh) + "\">";
  s += "<line x1=\"52\" x2=\"" + px(w - 4) + "\" y1=\"" + px(y(0)) +
       "\" y2=\"" + px(y(0)) + "\" stroke=\"#c5cad3\"/>";
  s += "<text x=\"48\" y=\"" + px(y(hi) + 8) + "\" text-anchor=\"end\">" +
       g(hi) + "</text><text x=\"48\" y=\"" + px(y(lo)) +
       "\" text-anchor=\"end\">" + g(lo) + "</text>";
  for (size_t c = 0; c < n; ++c) {
    const ChannelRange &r = l.weightChannels[c];
    double x = 56 + step * c;
    double bw = std::max(step * 0.7, 1.0);
    s += "<rect x=\"" + px(x) + "\" y=\"" + px(y(r.floatMax)) +
         "\" width=\"" + px(bw) + "\" height=\"" +
         px(std::max(y(r.floatMin) - y(r.floatMax), 0.5)) + "\" fill=\"" +
         kRef + "\"><title>channel " + std::to_string(c) + ": weights [" +
         g(r.floatMin) + ", " + g(r.floatMax) + "], grid [" + g(r.gridMin) +
         ", " + g(r.gridMax) + "]</title></rect>";
    for (float v : {r.gridMin, r.gridMax})
      s += "<line x1=\"" + px(x - 0.5) + "\" x2=\"" + px(x + bw + 0.5) +
           "\" y1=\"" + px(y(v)) + "\" y2=\"" + px(y(v)) + "\" stroke=\"" +
           kCalib + "\" stroke-width=\"1.5\"/>";
  }
  s += "<text x=\"56\" y=\"" + px(hh - 4) + "\">" + std::to_string(n) +
       " output channels</text></svg>";
  return s;
}

} // namespace

std::string mlir::qc::formatDebugHtml(const DebugReport &report) {
  std::string title = "qc debug: " + report.quantModel;
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
                  "charset=\"utf-8\"><meta name=\"viewport\" "
                  "content=\"width=device-width\"><title>" +
                  esc(title) + "</title><style>" + kStyle +
                  "</style></head><body>\n";
  h += "<h1>" + esc(title) + "</h1><p class=\"meta\">float model <b>" +
       esc(report.floatModel) + "</b> against the quantized program <b>" +
       esc(report.quantModel) + "</b>, " + std::to_string(report.samples) +
       (report.samples == 1 ? " sample, " : " samples, ") + std::to_string(report.layers.size()) + " layers" +
       (report.compiled ? ", compiled for " + esc(report.target) : "") +
       ".</p>\n";
  std::vector<const LayerComparison *> worst;
  for (const LayerComparison &l : report.layers)
    if (l.worstRank)
      worst.push_back(&l);
  llvm::sort(worst, [](auto *a, auto *b) { return a->worstRank < b->worstRank; });
  if (!worst.empty()) {
    h += "<p id=\"worst\">Worst layers (by the error each adds): ";
    for (auto [i, l] : llvm::enumerate(worst))
      h += std::string(i ? ", " : "") + "<b>" + esc(l->name) + "</b> (" +
           num(l->added.sqnrDb()) + " dB)";
    h += ".</p>\n";
  }

  h += "<h2>SQNR per layer</h2><p class=\"legend\"><span><i class=\"sw\" "
       "style=\"background:" + std::string(kOwn) +
       "\"></i>added: the op alone, float inputs (its weights and output "
       "quantization)</span><span><i class=\"sw\" style=\"background:" +
       kOwnLine + "\"></i>own: the op alone, inputs from the float run "
       "quantized</span><span><i "
       "class=\"sw\" style=\"background:" + kRef +
       "\"></i>reference Q/DQ program</span>" +
       (report.compiled ? "<span><i class=\"sw\" style=\"background:" +
                              std::string(kNative) +
                              "\"></i>compiled code</span>"
                        : std::string()) +
       "</p>\n" + sqnrChart(report) + "\n";

  h += "<h2>Layers</h2><table id=\"layers\"><thead><tr><th>#</th><th "
       "class=\"l\">layer</th><th class=\"l\">op</th><th class=\"l\">shape</th>"
       "<th>SQNR dB</th>" +
       std::string(report.compiled ? "<th>compiled dB</th>" : "") +
       "<th>own dB</th><th>added dB</th><th>max err (steps)</th><th>calibrated "
       "range</th>"
       "<th>seen range</th><th>clipped</th><th>weight dB</th><th "
       "class=\"l\">worst</th></tr></thead><tbody>\n";
  for (auto [i, l] : llvm::enumerate(report.layers)) {
    h += std::string(l.worstRank ? "<tr class=\"worst\">" : "<tr>") + "<td>" +
         std::to_string(i + 1) + "</td><td class=\"l\">" + esc(l.name) +
         "</td><td class=\"l\">" + esc(l.opType) + "</td><td class=\"l\">" +
         esc(l.shape) + "</td><td>" + num(l.reference.sqnrDb()) + "</td>" +
         (report.compiled ? "<td>" + num(l.compiled.sqnrDb()) + "</td>"
                          : std::string()) +
         "<td>" + num(l.own.sqnrDb()) + "</td><td>" + num(l.added.sqnrDb()) +
         "</td><td>" +
         num(l.reference.maxSteps) + "</td><td>[" + g(l.rangeMin) + ", " +
         g(l.rangeMax) + "]</td><td>[" + g(l.seenMin) + ", " + g(l.seenMax) +
         "]</td><td>" + percent(l.clippedFraction()) + "</td><td>" +
         (l.weightSqnrDb ? num(*l.weightSqnrDb) : "-") +
         "</td><td class=\"l\">" +
         (l.worstRank ? "#" + std::to_string(l.worstRank) : "") +
         "</td></tr>\n";
  }
  h += "</tbody></table>\n";
  if (!report.unmatched.empty()) {
    h += "<p class=\"meta\">Not compared (no op of that name in the float "
         "model): ";
    for (auto [i, n] : llvm::enumerate(report.unmatched))
      h += std::string(i ? ", " : "") + esc(n);
    h += "</p>\n";
  }

  h += "<h2>Activations</h2><p class=\"legend\"><span><i class=\"sw\" "
       "style=\"background:" + std::string(kRef) +
       "\"></i>float values (log count)</span><span><i class=\"sw\" "
       "style=\"background:" + kCalib +
       "\"></i>calibrated [min, max]</span><span><i class=\"sw\" "
       "style=\"background:" + kSeen +
       "\"></i>seen [min, max]</span></p><div class=\"grid\">\n";
  for (auto [i, l] : llvm::enumerate(report.layers))
    h += "<div class=\"card\"><h3 title=\"" + esc(l.name) + "\">" +
         std::to_string(i + 1) + ". " + esc(l.name) + "</h3><p>calibrated [" +
         g(l.rangeMin) + ", " + g(l.rangeMax) + "], seen [" + g(l.seenMin) +
         ", " + g(l.seenMax) + "], clipped " + percent(l.clippedFraction()) +
         "</p>" + histogramChart(l, i) +
         "</div>\n";
  h += "</div>\n";

  bool anyWeights = llvm::any_of(report.layers, [](const LayerComparison &l) {
    return !l.weightChannels.empty();
  });
  if (anyWeights) {
    h += "<h2>Weights per output channel</h2><p class=\"legend\"><span><i "
         "class=\"sw\" style=\"background:" + std::string(kRef) +
         "\"></i>float weights [min, max]</span><span><i class=\"sw\" "
         "style=\"background:" + kCalib +
         "\"></i>what the channel's scale represents</span></p><div "
         "class=\"grid\">\n";
    for (auto [i, l] : llvm::enumerate(report.layers))
      if (!l.weightChannels.empty())
        h += "<div class=\"card\"><h3 title=\"" + esc(l.weightOf) + "\">" +
             esc(l.weightOf) + "</h3><p>weight SQNR " +
             (l.weightSqnrDb ? num(*l.weightSqnrDb) + " dB" : "-") + "</p>" +
             weightChart(l, i) + "</div>\n";
    h += "</div>\n";
  }
  h += "<p class=\"meta\">SQNR = 10 log10(&Sigma; float&sup2; / &Sigma; "
       "(float &minus; quantized)&sup2;) over all samples. Written by qc "
       "debug.</p>\n</body></html>\n";
  return h;
}
