//===- GoldenFixtures.cpp - Readers for the observer golden data ----------===//
//
// Part of qc's unit tests. See GoldenFixtures.h.
//
//===----------------------------------------------------------------------===//

#include "test/unit/quantizers/GoldenFixtures.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

#include <cstring>
#include <fstream>
#include <sstream>

namespace qc::test {

float floatFromBits(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

uint32_t bitsOfFloat(float value) {
  uint32_t b;
  std::memcpy(&b, &value, sizeof b);
  return b;
}

double doubleFromBits(uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

uint64_t bitsOfDouble(double value) {
  uint64_t b;
  std::memcpy(&b, &value, sizeof b);
  return b;
}

namespace {

absl::StatusOr<std::string> readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return absl::NotFoundError(absl::StrCat("cannot open '", path, "'"));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// The text after `key` up to the next `terminator` in a .npy header dict.
std::optional<std::string> headerField(const std::string &header,
                                       const std::string &key,
                                       char terminator) {
  size_t pos = header.find(key);
  if (pos == std::string::npos)
    return std::nullopt;
  pos += key.size();
  size_t end = header.find(terminator, pos);
  if (end == std::string::npos)
    return std::nullopt;
  return header.substr(pos, end - pos);
}

bool hostIsLittleEndian() {
  uint16_t probe = 1;
  unsigned char first;
  std::memcpy(&first, &probe, 1);
  return first == 1;
}

} // namespace

absl::StatusOr<NpyArray> readNpyFloat32(const std::string &path) {
  absl::StatusOr<std::string> bytes = readFile(path);
  if (!bytes.ok())
    return bytes.status();
  const std::string &b = *bytes;
  auto bad = [&](const std::string &why) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", why));
  };
  if (b.size() < 10 || b.compare(0, 6, "\x93NUMPY") != 0)
    return bad("not a .npy file (bad magic)");
  const unsigned major = static_cast<unsigned char>(b[6]);
  size_t headerLen = 0, headerStart = 0;
  if (major == 1) {
    headerLen = static_cast<unsigned char>(b[8]) |
                (static_cast<size_t>(static_cast<unsigned char>(b[9])) << 8);
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (b.size() < 12)
      return bad("truncated header");
    for (int i = 0; i < 4; ++i)
      headerLen |= static_cast<size_t>(static_cast<unsigned char>(b[8 + i]))
                   << (8 * i);
    headerStart = 12;
  } else {
    return bad(absl::StrCat("unsupported .npy version ", major));
  }
  if (headerStart + headerLen > b.size())
    return bad("truncated header");
  const std::string header = b.substr(headerStart, headerLen);
  std::optional<std::string> descr = headerField(header, "'descr': '", '\'');
  if (!descr || *descr != "<f4")
    return bad(absl::StrCat("expected dtype '<f4', got '",
                            descr ? *descr : "?", "'"));
  std::optional<std::string> order = headerField(header, "'fortran_order': ", ',');
  if (!order || *order != "False")
    return bad("expected C order (fortran_order False)");
  std::optional<std::string> shapeText = headerField(header, "'shape': (", ')');
  if (!shapeText)
    return bad("no shape in header");
  NpyArray arr;
  int64_t count = 1;
  for (absl::string_view part : absl::StrSplit(*shapeText, ',')) {
    part = absl::StripAsciiWhitespace(part);
    if (part.empty())
      continue;
    int64_t dim;
    if (!absl::SimpleAtoi(part, &dim) || dim < 0)
      return bad(absl::StrCat("bad shape entry '", part, "'"));
    arr.shape.push_back(dim);
    count *= dim;
  }
  const size_t dataStart = headerStart + headerLen;
  if (b.size() - dataStart != static_cast<size_t>(count) * sizeof(float))
    return bad(absl::StrCat("expected ", count * sizeof(float),
                            " data bytes, found ", b.size() - dataStart));
  if (!hostIsLittleEndian())
    return bad("big-endian hosts are not supported by this reader");
  arr.data.resize(static_cast<size_t>(count));
  if (count > 0)
    std::memcpy(arr.data.data(), b.data() + dataStart,
                static_cast<size_t>(count) * sizeof(float));
  return arr;
}

namespace {

template <typename T>
absl::Status parseHexList(const std::vector<std::string> &tokens, size_t from,
                          std::vector<T> &out, const std::string &where) {
  for (size_t i = from; i < tokens.size(); ++i) {
    uint64_t v;
    if (!absl::SimpleHexAtoi(tokens[i], &v))
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": bad hex value '", tokens[i], "'"));
    out.push_back(static_cast<T>(v));
  }
  return absl::OkStatus();
}

} // namespace

absl::StatusOr<GoldenFile> loadGolden(const std::string &dir) {
  const std::string path = dir + "/observer_golden.txt";
  absl::StatusOr<std::string> text = readFile(path);
  if (!text.ok())
    return text.status();
  GoldenFile file;
  file.dir = dir;
  GoldenDataset *dataset = nullptr;
  GoldenCase *current = nullptr;
  int lineNo = 0;
  for (absl::string_view rawLine : absl::StrSplit(*text, '\n')) {
    ++lineNo;
    absl::string_view line = absl::StripAsciiWhitespace(rawLine);
    if (line.empty() || line[0] == '#')
      continue;
    std::vector<std::string> tok =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    const std::string where = absl::StrCat(path, ":", lineNo);
    auto bad = [&](const std::string &why) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": ", why));
    };
    const std::string &key = tok[0];
    if (key == "end") {
      if (!dataset && !current)
        return bad("'end' outside a block");
      dataset = nullptr;
      current = nullptr;
      continue;
    }
    if (key == "dataset") {
      if (tok.size() != 2)
        return bad("expected 'dataset NAME'");
      dataset = &file.datasets[tok[1]];
      dataset->name = tok[1];
      continue;
    }
    if (key == "batch") {
      if (!dataset || tok.size() != 2)
        return bad("'batch FILE' outside a dataset");
      absl::StatusOr<NpyArray> arr = readNpyFloat32(dir + "/" + tok[1]);
      if (!arr.ok())
        return arr.status();
      dataset->batches.push_back(std::move(*arr));
      continue;
    }
    if (key == "kernel") {
      uint64_t v[3];
      if (tok.size() == 4 && tok[1] == "sum" &&
          absl::SimpleHexAtoi(tok[3], &v[0])) {
        file.sums.push_back({tok[2], static_cast<uint32_t>(v[0])});
      } else if (tok.size() == 5 && tok[1] == "floordiv" &&
                 absl::SimpleHexAtoi(tok[2], &v[0]) &&
                 absl::SimpleHexAtoi(tok[3], &v[1]) &&
                 absl::SimpleHexAtoi(tok[4], &v[2])) {
        file.floorDivs.push_back({static_cast<uint32_t>(v[0]),
                                  static_cast<uint32_t>(v[1]),
                                  static_cast<uint32_t>(v[2])});
      } else {
        return bad("expected 'kernel sum FILE BITS' or 'kernel floordiv A B "
                   "RESULT'");
      }
      continue;
    }
    if (key == "case") {
      if (tok.size() != 2)
        return bad("expected 'case ID'");
      file.cases.emplace_back();
      current = &file.cases.back();
      current->id = tok[1];
      continue;
    }
    if (!current)
      return bad(absl::StrCat("'", key, "' outside a case"));
    if (tok.size() < 2)
      return bad(absl::StrCat("'", key, "' needs a value"));
    ObserverOptions &o = current->options;
    if (key == "observer") {
      absl::StatusOr<ObserverKind> kind = parseObserverKind(tok[1]);
      if (!kind.ok())
        return bad(std::string(kind.status().message()));
      current->kind = *kind;
    } else if (key == "dtype") {
      absl::StatusOr<QuantDtype> d = parseQuantDtype(tok[1]);
      if (!d.ok())
        return bad(std::string(d.status().message()));
      o.qparams.dtype = *d;
    } else if (key == "qscheme") {
      absl::StatusOr<QScheme> q = parseQScheme(tok[1]);
      if (!q.ok())
        return bad(std::string(q.status().message()));
      o.qparams.qscheme = *q;
    } else if (key == "reduce_range") {
      o.qparams.reduceRange = tok[1] == "1";
    } else if (key == "quant_range") {
      int64_t lo, hi;
      if (tok.size() != 3 || !absl::SimpleAtoi(tok[1], &lo) ||
          !absl::SimpleAtoi(tok[2], &hi))
        return bad("expected 'quant_range QMIN QMAX'");
      o.qparams.quantMin = lo;
      o.qparams.quantMax = hi;
    } else if (key == "ch_axis") {
      if (!absl::SimpleAtoi(tok[1], &o.chAxis))
        return bad("bad ch_axis");
    } else if (key == "averaging_constant") {
      if (!absl::SimpleAtod(tok[1], &o.averagingConstant))
        return bad("bad averaging_constant");
    } else if (key == "percentile") {
      if (!absl::SimpleAtod(tok[1], &o.percentile))
        return bad("bad percentile");
    } else if (key == "input") {
      current->dataset = tok[1];
    } else if (key == "expect") {
      if (tok.size() < 3)
        return bad("expected 'expect WHAT VALUE...'");
      const std::string &what = tok[1];
      absl::Status st = absl::OkStatus();
      if (what == "scale") {
        st = parseHexList(tok, 2, current->scaleBits, where);
      } else if (what == "min") {
        st = parseHexList(tok, 2, current->minBits, where);
      } else if (what == "max") {
        st = parseHexList(tok, 2, current->maxBits, where);
      } else if (what == "zero_point") {
        for (size_t i = 2; i < tok.size(); ++i) {
          int64_t v;
          if (!absl::SimpleAtoi(tok[i], &v))
            return bad("bad zero point");
          current->zeroPoints.push_back(v);
        }
      } else if (what == "hist_min" || what == "hist_max" ||
                 what == "threshold" || what == "kl") {
        uint64_t v;
        if (!absl::SimpleHexAtoi(tok[2], &v))
          return bad("bad hex value");
        if (what == "hist_min")
          current->histMinBits = static_cast<uint32_t>(v);
        else if (what == "hist_max")
          current->histMaxBits = static_cast<uint32_t>(v);
        else if (what == "threshold")
          current->thresholdBits = v;
        else
          current->klBits = v;
      } else if (what == "histogram") {
        current->histogramFile = tok[2];
      } else {
        return bad(absl::StrCat("unknown expectation '", what, "'"));
      }
      if (!st.ok())
        return st;
    } else {
      return bad(absl::StrCat("unknown key '", key, "'"));
    }
  }
  for (const GoldenCase &c : file.cases)
    if (!file.datasets.count(c.dataset))
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": case ", c.id, " uses unknown dataset '", c.dataset, "'"));
  return file;
}

} // namespace qc::test
