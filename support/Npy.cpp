//===- Npy.cpp - NumPy .npy / .npz reading and writing --------------------===//
//
// Part of the qc project.
//
//===----------------------------------------------------------------------===//

#include "support/Npy.h"

#include "support/OutputFile.h"
#include "support/StrCat.h"
#include "absl/strings/str_join.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>

#ifdef QC_HAVE_ZLIB
#include <zlib.h>
#endif

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "qc's .npy support assumes a little-endian host"
#endif

namespace qc {

// DType names, sizes and descrs: support/DType.cpp.

//===----------------------------------------------------------------------===//
// NpyArray
//===----------------------------------------------------------------------===//

int64_t NpyArray::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

namespace {

/// Product of \p shape times \p itemSize, or std::nullopt on a negative
/// dimension or overflow past 2^62 bytes.
std::optional<int64_t> byteCount(const std::vector<int64_t> &shape,
                                 size_t itemSize) {
  constexpr int64_t kLimit = int64_t(1) << 62;
  int64_t n = static_cast<int64_t>(itemSize);
  for (int64_t d : shape) {
    if (d < 0)
      return std::nullopt;
    if (d != 0 && n > kLimit / d)
      return std::nullopt;
    n *= d;
  }
  return n;
}

std::string shapeString(const std::vector<int64_t> &shape) {
  return strCat("(", absl::StrJoin(shape, ", "),
                      shape.size() == 1 ? ",)" : ")");
}

} // namespace

absl::Status verifyNpyArray(const NpyArray &array, std::string_view what) {
  std::optional<int64_t> bytes = byteCount(array.shape, dtypeSize(array.dtype));
  if (!bytes)
    return absl::InvalidArgumentError(
        strCat(what, ": invalid shape ", shapeString(array.shape),
                     " (negative dimension or size overflow)"));
  if (static_cast<uint64_t>(*bytes) != array.data.size())
    return absl::InvalidArgumentError(strCat(
        what, ": size mismatch: shape ", shapeString(array.shape), " of ",
        dtypeName(array.dtype), " needs ", *bytes, " bytes but ",
        array.data.size(), " are present"));
  return absl::OkStatus();
}

//===----------------------------------------------------------------------===//
// .npy header parsing
//===----------------------------------------------------------------------===//

namespace {

constexpr std::string_view kNpyMagic("\x93NUMPY", 6);

/// \p text for an error message: a file may hold megabytes where a short
/// string is expected, so only its start is quoted.
std::string shortText(std::string_view text) {
  return text.size() > 200 ? strCat(text.substr(0, 200), "...")
                           : std::string(text);
}

/// A tiny parser for the Python dict literal in an .npy header, e.g.
/// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
class HeaderParser {
public:
  HeaderParser(std::string_view text, std::string_view name)
      : text(text), name(name) {}

  struct Header {
    std::string descr;
    bool fortranOrder = false;
    std::vector<int64_t> shape;
  };

  absl::StatusOr<Header> parse() {
    Header header;
    bool haveDescr = false, haveOrder = false, haveShape = false;
    skipSpace();
    if (!consume('{'))
      return error("expected '{' at the start of the header dictionary");
    while (true) {
      skipSpace();
      if (consume('}'))
        break;
      std::string key;
      if (absl::Status s = parseString(key, "a dictionary key"); !s.ok())
        return s;
      skipSpace();
      if (!consume(':'))
        return error(strCat("expected ':' after key '", shortText(key), "'"));
      skipSpace();
      if (key == "descr") {
        if (peek() == '[' || peek() == '{')
          return absl::InvalidArgumentError(strCat(
              name, ": unsupported dtype: structured (record) dtypes are not "
                    "supported"));
        if (absl::Status s = parseString(header.descr, "the 'descr' value");
            !s.ok())
          return s;
        haveDescr = true;
      } else if (key == "fortran_order") {
        if (absl::Status s = parseBool(header.fortranOrder); !s.ok())
          return s;
        haveOrder = true;
      } else if (key == "shape") {
        if (absl::Status s = parseShape(header.shape); !s.ok())
          return s;
        haveShape = true;
      } else {
        return error(strCat("unexpected key '", shortText(key), "'"));
      }
      skipSpace();
      if (consume(','))
        continue;
      skipSpace();
      if (consume('}'))
        break;
      return error(strCat("expected ',' or '}' after the value of '",
                                shortText(key), "'"));
    }
    skipSpace();
    if (pos != text.size())
      return error("unexpected text after the header dictionary");
    if (!haveDescr || !haveOrder || !haveShape)
      return error(
          strCat("missing key '",
                       !haveDescr ? "descr"
                                  : (!haveOrder ? "fortran_order" : "shape"),
                       "'"));
    return header;
  }

private:
  char peek() const { return pos < text.size() ? text[pos] : '\0'; }
  bool consume(char c) {
    if (peek() != c || pos >= text.size())
      return false;
    ++pos;
    return true;
  }
  void skipSpace() {
    while (pos < text.size() &&
           (text[pos] == ' ' || text[pos] == '\n' || text[pos] == '\t' ||
            text[pos] == '\r'))
      ++pos;
  }
  absl::Status error(std::string_view what) const {
    return absl::InvalidArgumentError(
        strCat(name, ": malformed .npy header: ", what, " at offset ",
                     pos, " of header \"",
                     // A header may be megabytes of garbage: quote its start.
                     shortText(text),
                     "\""));
  }
  absl::Status parseString(std::string &out, std::string_view what) {
    char quote = peek();
    if (quote != '\'' && quote != '"')
      return error(strCat("expected a quoted string for ", what));
    ++pos;
    size_t end = text.find(quote, pos);
    if (end == std::string_view::npos)
      return error("unterminated string");
    out = std::string(text.substr(pos, end - pos));
    pos = end + 1;
    return absl::OkStatus();
  }
  absl::Status parseBool(bool &out) {
    std::string_view rest = text.substr(pos);
    if (rest.substr(0, 4) == "True") {
      out = true;
      pos += 4;
      return absl::OkStatus();
    }
    if (rest.substr(0, 5) == "False") {
      out = false;
      pos += 5;
      return absl::OkStatus();
    }
    return error("expected True or False for 'fortran_order'");
  }
  absl::Status parseShape(std::vector<int64_t> &out) {
    char close;
    if (consume('('))
      close = ')';
    else if (consume('['))
      close = ']';
    else
      return error("expected a tuple for 'shape'");
    while (true) {
      skipSpace();
      if (consume(close))
        return absl::OkStatus();
      if (peek() < '0' || peek() > '9')
        return error("expected a non-negative integer in 'shape'");
      int64_t value = 0;
      while (peek() >= '0' && peek() <= '9') {
        int digit = peek() - '0';
        if (value > (std::numeric_limits<int64_t>::max() - digit) / 10)
          return error("dimension too large in 'shape'");
        value = value * 10 + digit;
        ++pos;
      }
      consume('L'); // Python 2 long suffix.
      out.push_back(value);
      skipSpace();
      if (consume(','))
        continue;
      skipSpace();
      if (consume(close))
        return absl::OkStatus();
      return error("expected ',' or the end of 'shape'");
    }
  }

  std::string_view text;
  std::string_view name;
  size_t pos = 0;
};

uint32_t loadLE(const uint8_t *p, int bytes) {
  uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i)
    v = (v << 8) | p[i];
  return v;
}

uint64_t loadLE64(const uint8_t *p) {
  return uint64_t(loadLE(p, 4)) | (uint64_t(loadLE(p + 4, 4)) << 32);
}

absl::StatusOr<std::string> readFile(const std::string &path) {
  std::string bytes;
  if (absl::Status s = readRegularFile(path, bytes); !s.ok())
    return s;
  return bytes;
}

absl::Status writeFile(const std::string &path, std::string_view bytes) {
  return writeFileAtomically(path, bytes);
}

} // namespace

namespace {
/// Parses the magic, version and header of an .npy file from its first
/// bytes (`bytes` may hold the data too, or stop after the header).
absl::StatusOr<NpyHeader> parseHeader(std::string_view bytes,
                                      std::string_view name) {
  if (bytes.size() < kNpyMagic.size() ||
      bytes.substr(0, kNpyMagic.size()) != kNpyMagic)
    return absl::InvalidArgumentError(strCat(
        name, ": bad magic: not an .npy file (expected \\x93NUMPY)"));
  if (bytes.size() < 8)
    return absl::InvalidArgumentError(
        strCat(name, ": truncated .npy file: missing version"));
  auto *u = reinterpret_cast<const uint8_t *>(bytes.data());
  int major = u[6], minor = u[7];
  if (major < 1 || major > 3 || minor != 0)
    return absl::InvalidArgumentError(
        strCat(name, ": unsupported .npy format version ", major, ".",
                     minor, " (supported: 1.0, 2.0, 3.0)"));
  size_t lenBytes = major == 1 ? 2 : 4;
  if (bytes.size() < 8 + lenBytes)
    return absl::InvalidArgumentError(
        strCat(name, ": truncated .npy file: missing header length"));
  uint64_t headerLen = loadLE(u + 8, static_cast<int>(lenBytes));
  uint64_t dataOffset = 8 + lenBytes + headerLen;
  if (dataOffset > bytes.size())
    return absl::InvalidArgumentError(strCat(
        name, ": truncated .npy file: header says ", headerLen,
        " header bytes but the file has only ", bytes.size(), " bytes"));
  std::string_view headerText = bytes.substr(8 + lenBytes, headerLen);

  HeaderParser parser(headerText, name);
  absl::StatusOr<HeaderParser::Header> header = parser.parse();
  if (!header.ok())
    return header.status();

  std::optional<DType> dtype = dtypeFromDescr(header->descr);
  if (!dtype) {
    if (!header->descr.empty() && header->descr[0] == '>' &&
        dtypeFromDescr(strCat("<", header->descr.substr(1))))
      return absl::InvalidArgumentError(
          strCat(name, ": big-endian dtype '", header->descr,
                       "' is not supported; save arr.astype('<",
                       header->descr.substr(1), "') instead"));
    return absl::InvalidArgumentError(strCat(
        name, ": unsupported dtype '", shortText(header->descr),
        "' (supported: float32, float64, int8, uint8, int16, int32, int64, "
        "bool)"));
  }
  if (header->fortranOrder)
    return absl::InvalidArgumentError(strCat(
        name, ": fortran_order=True is not supported; save "
              "np.ascontiguousarray(arr) instead"));
  NpyHeader result;
  result.dtype = *dtype;
  result.shape = std::move(header->shape);
  result.dataOffset = dataOffset;
  std::optional<int64_t> expected = byteCount(result.shape, dtypeSize(*dtype));
  if (!expected)
    return absl::InvalidArgumentError(strCat(
        name, ": shape ", shapeString(result.shape), " is too large"));
  result.dataBytes = *expected;
  return result;
}

/// Checks that `available` bytes follow the header, as `header` needs.
absl::Status checkDataSize(const NpyHeader &header, uint64_t available,
                           std::string_view name) {
  uint64_t expected = static_cast<uint64_t>(header.dataBytes);
  if (available < expected)
    return absl::InvalidArgumentError(strCat(
        name, ": truncated data: shape ", shapeString(header.shape), " of ",
        dtypeName(header.dtype), " needs ", expected, " bytes but only ",
        available, " follow the header"));
  if (available > expected)
    return absl::InvalidArgumentError(strCat(
        name, ": size mismatch: shape ", shapeString(header.shape), " of ",
        dtypeName(header.dtype), " needs ", expected, " bytes but ",
        available, " follow the header"));
  return absl::OkStatus();
}
} // namespace

absl::StatusOr<NpyArray> parseNpy(std::string_view bytes,
                                  std::string_view name) {
  absl::StatusOr<NpyHeader> header = parseHeader(bytes, name);
  if (!header.ok())
    return header.status();
  if (absl::Status s =
          checkDataSize(*header, bytes.size() - header->dataOffset, name);
      !s.ok())
    return s;
  auto *u = reinterpret_cast<const uint8_t *>(bytes.data());
  NpyArray array;
  array.dtype = header->dtype;
  array.shape = std::move(header->shape);
  array.data.assign(u + header->dataOffset,
                    u + header->dataOffset + header->dataBytes);
  return array;
}

absl::StatusOr<NpyArray> readNpy(const std::string &path) {
  absl::StatusOr<std::string> bytes = readFile(path);
  if (!bytes.ok())
    return bytes.status();
  return parseNpy(*bytes, path);
}

absl::StatusOr<NpyHeader> readNpyHeader(const std::string &path) {
  if (absl::Status s = checkReadableFile(path); !s.ok())
    return s;
  FILE *f = std::fopen(path.c_str(), "rb");
  if (!f)
    return absl::NotFoundError(
        strCat("cannot open '", path, "': ", std::strerror(errno)));
  // The fixed part (magic, version, header length), then the header.
  std::string bytes(12, '\0');
  bytes.resize(std::fread(bytes.data(), 1, bytes.size(), f));
  size_t want = bytes.size();
  if (bytes.size() >= 10 && bytes.substr(0, kNpyMagic.size()) == kNpyMagic) {
    auto *u = reinterpret_cast<const uint8_t *>(bytes.data());
    size_t lenBytes = u[6] == 1 ? 2 : 4;
    if (bytes.size() >= 8 + lenBytes)
      want = 8 + lenBytes + loadLE(u + 8, static_cast<int>(lenBytes));
  }
  // The file's size first: a header length past the end of the file (up to
  // 4 GiB in format 2.0) is not allocated, only reported as truncated.
  bool readFailed = std::ferror(f);
  int readError = errno;
  long end = -1;
  if (!readFailed && std::fseek(f, 0, SEEK_END) == 0)
    end = std::ftell(f);
  if (!readFailed && end >= 0 && want > static_cast<uint64_t>(end))
    want = static_cast<size_t>(end);
  if (!readFailed && end >= 0 && want > bytes.size() &&
      std::fseek(f, static_cast<long>(bytes.size()), SEEK_SET) == 0) {
    size_t have = bytes.size();
    bytes.resize(want);
    bytes.resize(have + std::fread(bytes.data() + have, 1, want - have, f));
    readFailed = std::ferror(f);
    readError = errno;
  }
  std::fclose(f);
  if (readFailed || end < 0)
    return absl::DataLossError(strCat("cannot read '", path, "': ",
                                      std::strerror(readError)));
  absl::StatusOr<NpyHeader> header = parseHeader(bytes, path);
  if (!header.ok())
    return header.status();
  if (absl::Status s = checkDataSize(
          *header, static_cast<uint64_t>(end) - header->dataOffset, path);
      !s.ok())
    return s;
  return header;
}

absl::StatusOr<NpyArray> readNpyRows(const std::string &path,
                                     const NpyHeader &header, int64_t begin,
                                     int64_t count) {
  if (header.shape.empty())
    return absl::InvalidArgumentError(
        strCat(path, ": a 0-d array has no rows"));
  int64_t rows = header.shape[0];
  if (begin < 0 || count < 0 || begin > rows || count > rows - begin)
    return absl::InvalidArgumentError(
        strCat(path, ": rows [", begin, ", ", begin + count,
                     ") are outside the array's ", rows, " rows"));
  NpyArray array;
  array.dtype = header.dtype;
  array.shape = header.shape;
  array.shape[0] = count;
  int64_t rowBytes = rows == 0 ? 0 : header.dataBytes / rows;
  array.data.resize(static_cast<size_t>(count * rowBytes));
  if (absl::Status s = checkReadableFile(path); !s.ok())
    return s;
  FILE *f = std::fopen(path.c_str(), "rb");
  if (!f)
    return absl::NotFoundError(
        strCat("cannot open '", path, "': ", std::strerror(errno)));
  uint64_t offset = header.dataOffset + static_cast<uint64_t>(begin * rowBytes);
  bool ok = std::fseek(f, static_cast<long>(offset), SEEK_SET) == 0 &&
            std::fread(array.data.data(), 1, array.data.size(), f) ==
                array.data.size();
  std::fclose(f);
  if (!ok)
    return absl::DataLossError(
        strCat("error reading rows [", begin, ", ", begin + count, ") of '",
               path, "' (was the file changed?)"));
  return array;
}

absl::StatusOr<std::string> serializeNpy(const NpyArray &array) {
  if (absl::Status s = verifyNpyArray(array, "serializeNpy"); !s.ok())
    return s;
  std::string dict = strCat("{'descr': '", dtypeDescr(array.dtype),
                                  "', 'fortran_order': False, 'shape': ",
                                  shapeString(array.shape), ", }");
  // numpy pads magic + length + header + '\n' to a multiple of 64 bytes.
  auto build = [&](int major) {
    size_t prefix = 8 + (major == 1 ? 2 : 4);
    size_t total = prefix + dict.size() + 1;
    size_t padded = (total + 63) / 64 * 64;
    std::string header = dict + std::string(padded - total, ' ') + "\n";
    std::string out(kNpyMagic);
    out.push_back(static_cast<char>(major));
    out.push_back(0);
    uint32_t len = static_cast<uint32_t>(header.size());
    for (size_t i = 0; i < prefix - 8; ++i)
      out.push_back(static_cast<char>((len >> (8 * i)) & 0xff));
    out += header;
    return out;
  };
  std::string out = build(1);
  if (out.size() - 10 > 0xffff)
    out = build(2);
  out.append(reinterpret_cast<const char *>(array.data.data()),
             array.data.size());
  return out;
}

absl::Status writeNpy(const std::string &path, const NpyArray &array) {
  absl::StatusOr<std::string> bytes = serializeNpy(array);
  if (!bytes.ok())
    return absl::InvalidArgumentError(
        strCat("cannot write '", path, "': ", bytes.status().message()));
  return writeFile(path, *bytes);
}

//===----------------------------------------------------------------------===//
// .npz (zip) archives
//===----------------------------------------------------------------------===//

namespace {

constexpr uint32_t kLocalHeaderSig = 0x04034b50;
constexpr uint32_t kCentralHeaderSig = 0x02014b50;
constexpr uint32_t kEndOfCentralDirSig = 0x06054b50;
constexpr uint32_t kZip64EndOfCentralDirSig = 0x06064b50;
constexpr uint32_t kZip64LocatorSig = 0x07064b50;

/// The standard CRC-32 (polynomial 0xEDB88320) used by zip.
uint32_t crc32(std::string_view bytes) {
  static constexpr std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k)
        c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t crc = 0xffffffffu;
  for (unsigned char b : bytes)
    crc = table[(crc ^ b) & 0xff] ^ (crc >> 8);
  return crc ^ 0xffffffffu;
}

absl::StatusOr<std::string> inflateEntry(std::string_view compressed,
                                         uint64_t size, std::string_view name) {
#ifdef QC_HAVE_ZLIB
  // Deflate expands at most 1032:1; a larger claimed size is corrupt (and
  // must not be allocated). zlib takes 32-bit lengths.
  if (size / 1032 > compressed.size() + 1 || size > 0xffffffffu ||
      compressed.size() > 0xffffffffu)
    return absl::InvalidArgumentError(strCat(
        name, ": corrupt or unsupported entry: ", compressed.size(),
        " compressed bytes claim ", size, " uncompressed bytes"));
  std::string out(size, '\0');
  z_stream stream;
  std::memset(&stream, 0, sizeof(stream));
  if (inflateInit2(&stream, -MAX_WBITS) != Z_OK)
    return absl::InternalError(
        strCat(name, ": zlib inflateInit2 failed"));
  stream.next_in =
      reinterpret_cast<Bytef *>(const_cast<char *>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  stream.next_out = reinterpret_cast<Bytef *>(out.data());
  stream.avail_out = static_cast<uInt>(size);
  int rc = inflate(&stream, Z_FINISH);
  uint64_t produced = stream.total_out;
  inflateEnd(&stream);
  if (rc != Z_STREAM_END || produced != size)
    return absl::DataLossError(strCat(
        name, ": corrupt deflate data (zlib status ", rc, ", ", produced,
        " of ", size, " bytes inflated)"));
  return out;
#else
  (void)compressed;
  (void)size;
  return absl::UnimplementedError(strCat(
      name, ": entry is deflate-compressed (np.savez_compressed), but this "
            "build of qc has no zlib; save the arrays with np.savez instead"));
#endif
}

} // namespace

bool npzDeflateSupported() {
#ifdef QC_HAVE_ZLIB
  return true;
#else
  return false;
#endif
}

absl::StatusOr<std::map<std::string, NpyArray>>
readNpz(const std::string &path) {
  absl::StatusOr<std::string> file = readFile(path);
  if (!file.ok())
    return file.status();
  std::string_view bytes = *file;
  auto *u = reinterpret_cast<const uint8_t *>(bytes.data());
  auto bad = [&](std::string_view what) {
    return absl::InvalidArgumentError(
        strCat(path, ": not a valid .npz (zip) archive: ", what));
  };

  if (bytes.size() >= 4 && loadLE(u, 4) != kLocalHeaderSig &&
      loadLE(u, 4) != kEndOfCentralDirSig)
    return bad("bad magic (expected a zip file starting with PK\\3\\4)");

  // Find the end-of-central-directory record (22 bytes + up to 64 KiB
  // comment) by scanning backwards.
  if (bytes.size() < 22)
    return bad("file too short for an end-of-central-directory record");
  size_t eocd = std::string_view::npos;
  size_t lowest = bytes.size() > 22 + 0xffff ? bytes.size() - 22 - 0xffff : 0;
  for (size_t i = bytes.size() - 22 + 1; i-- > lowest;) {
    if (loadLE(u + i, 4) == kEndOfCentralDirSig) {
      eocd = i;
      break;
    }
  }
  if (eocd == std::string_view::npos)
    return bad("no end-of-central-directory record (truncated file?)");
  uint64_t numEntries = loadLE(u + eocd + 10, 2);
  uint64_t cdSize = loadLE(u + eocd + 12, 4);
  uint64_t cdOffset = loadLE(u + eocd + 16, 4);
  if (numEntries == 0xffff || cdSize == 0xffffffffu ||
      cdOffset == 0xffffffffu) {
    if (eocd < 20 || loadLE(u + eocd - 20, 4) != kZip64LocatorSig)
      return bad("missing ZIP64 end-of-central-directory locator");
    uint64_t z64 = loadLE64(u + eocd - 20 + 8);
    if (z64 > bytes.size() || bytes.size() - z64 < 56 ||
        loadLE(u + z64, 4) != kZip64EndOfCentralDirSig)
      return bad("bad ZIP64 end-of-central-directory record");
    numEntries = loadLE64(u + z64 + 32);
    cdSize = loadLE64(u + z64 + 40);
    cdOffset = loadLE64(u + z64 + 48);
  }
  if (cdOffset > bytes.size() || cdSize > bytes.size() - cdOffset)
    return bad("central directory lies outside the file (truncated file?)");

  std::map<std::string, NpyArray> arrays;
  uint64_t pos = cdOffset;
  for (uint64_t e = 0; e < numEntries; ++e) {
    if (pos + 46 > cdOffset + cdSize || loadLE(u + pos, 4) != kCentralHeaderSig)
      return bad(strCat("bad central directory entry #", e));
    uint32_t flags = loadLE(u + pos + 8, 2);
    uint32_t method = loadLE(u + pos + 10, 2);
    uint32_t crc = loadLE(u + pos + 16, 4);
    uint64_t compSize = loadLE(u + pos + 20, 4);
    uint64_t size = loadLE(u + pos + 24, 4);
    uint32_t nameLen = loadLE(u + pos + 28, 2);
    uint32_t extraLen = loadLE(u + pos + 30, 2);
    uint32_t commentLen = loadLE(u + pos + 32, 2);
    uint64_t localOffset = loadLE(u + pos + 42, 4);
    uint64_t next = pos + 46 + nameLen + extraLen + commentLen;
    if (next > cdOffset + cdSize)
      return bad(strCat("central directory entry #", e,
                              " runs past the directory"));
    std::string entryName(bytes.substr(pos + 46, nameLen));
    // ZIP64 extended information: the 64-bit values follow, in this order,
    // for exactly the fields saturated at 0xffffffff.
    for (uint64_t x = pos + 46 + nameLen; x + 4 <= pos + 46 + nameLen + extraLen;) {
      uint32_t id = loadLE(u + x, 2), len = loadLE(u + x + 2, 2);
      if (x + 4 + len > pos + 46 + nameLen + extraLen)
        break;
      if (id == 0x0001) {
        uint64_t f = x + 4, end = x + 4 + len;
        if (size == 0xffffffffu && f + 8 <= end) {
          size = loadLE64(u + f);
          f += 8;
        }
        if (compSize == 0xffffffffu && f + 8 <= end) {
          compSize = loadLE64(u + f);
          f += 8;
        }
        if (localOffset == 0xffffffffu && f + 8 <= end)
          localOffset = loadLE64(u + f);
      }
      x += 4 + len;
    }
    pos = next;

    std::string where = strCat(path, ":", entryName);
    if (flags & 1)
      return absl::InvalidArgumentError(
          strCat(where, ": encrypted entries are not supported"));
    if (localOffset > bytes.size() || bytes.size() - localOffset < 30 ||
        loadLE(u + localOffset, 4) != kLocalHeaderSig)
      return absl::InvalidArgumentError(strCat(
          where, ": bad local file header (truncated or corrupt archive)"));
    uint64_t dataStart = localOffset + 30 + loadLE(u + localOffset + 26, 2) +
                         loadLE(u + localOffset + 28, 2);
    if (dataStart > bytes.size() || bytes.size() - dataStart < compSize)
      return absl::InvalidArgumentError(strCat(
          where, ": truncated data: entry needs ", compSize,
          " bytes but the archive ends early"));
    std::string_view stored = bytes.substr(dataStart, compSize);
    std::string inflated;
    std::string_view content;
    if (method == 0) {
      if (compSize != size)
        return absl::InvalidArgumentError(strCat(
            where, ": size mismatch between stored and uncompressed sizes"));
      content = stored;
    } else if (method == 8) {
      absl::StatusOr<std::string> out = inflateEntry(stored, size, where);
      if (!out.ok())
        return out.status();
      inflated = std::move(*out);
      content = inflated;
    } else {
      return absl::InvalidArgumentError(strCat(
          where, ": unsupported zip compression method ", method,
          " (only stored and deflate are supported)"));
    }
    if (crc32(content) != crc)
      return absl::DataLossError(
          strCat(where, ": CRC-32 mismatch (corrupt archive)"));

    if (!entryName.empty() && entryName.back() == '/')
      continue; // A directory entry.
    std::string key = entryName;
    if (key.size() > 4 && key.compare(key.size() - 4, 4, ".npy") == 0)
      key.resize(key.size() - 4);
    else
      return absl::InvalidArgumentError(
          strCat(where, ": entry is not an .npy array"));
    absl::StatusOr<NpyArray> array = parseNpy(content, where);
    if (!array.ok())
      return array.status();
    if (!arrays.emplace(key, std::move(*array)).second)
      return absl::InvalidArgumentError(
          strCat(where, ": duplicate entry '", key, "'"));
  }
  return arrays;
}

absl::Status writeNpz(const std::string &path,
                      const std::map<std::string, NpyArray> &arrays) {
  auto put16 = [](std::string &s, uint32_t v) {
    s.push_back(static_cast<char>(v & 0xff));
    s.push_back(static_cast<char>((v >> 8) & 0xff));
  };
  auto put32 = [&](std::string &s, uint32_t v) {
    put16(s, v & 0xffff);
    put16(s, v >> 16);
  };
  // 1980-01-01 00:00, so that archives are reproducible.
  constexpr uint32_t kDosDate = (0 << 9) | (1 << 5) | 1;

  std::string out, central;
  for (const auto &[key, array] : arrays) {
    if (key.empty())
      return absl::InvalidArgumentError(
          strCat("cannot write '", path, "': empty entry name"));
    absl::StatusOr<std::string> npy = serializeNpy(array);
    if (!npy.ok())
      return absl::InvalidArgumentError(
          strCat("cannot write '", path, "': entry '", key,
                       "': ", npy.status().message()));
    std::string name = key + ".npy";
    if (npy->size() >= 0xffffffffu || out.size() >= 0xffffffffu ||
        name.size() > 0xffff)
      return absl::InvalidArgumentError(strCat(
          "cannot write '", path, "': entry '", key,
          "' is too large for a non-ZIP64 archive; write it with numpy"));
    uint32_t crc = crc32(*npy);
    uint32_t offset = static_cast<uint32_t>(out.size());
    uint32_t size = static_cast<uint32_t>(npy->size());

    put32(out, kLocalHeaderSig);
    put16(out, 20); // version needed
    put16(out, 0);  // flags
    put16(out, 0);  // stored
    put16(out, 0);  // time
    put16(out, kDosDate);
    put32(out, crc);
    put32(out, size);
    put32(out, size);
    put16(out, static_cast<uint32_t>(name.size()));
    put16(out, 0); // extra length
    out += name;
    out += *npy;

    put32(central, kCentralHeaderSig);
    put16(central, 20); // version made by
    put16(central, 20); // version needed
    put16(central, 0);
    put16(central, 0);
    put16(central, 0);
    put16(central, kDosDate);
    put32(central, crc);
    put32(central, size);
    put32(central, size);
    put16(central, static_cast<uint32_t>(name.size()));
    put16(central, 0); // extra
    put16(central, 0); // comment
    put16(central, 0); // disk
    put16(central, 0); // internal attributes
    put32(central, 0); // external attributes
    put32(central, offset);
    central += name;
  }
  if (arrays.size() >= 0xffff || out.size() + central.size() >= 0xffffffffu)
    return absl::InvalidArgumentError(strCat(
        "cannot write '", path,
        "': too large for a non-ZIP64 archive; write it with numpy"));
  uint32_t cdOffset = static_cast<uint32_t>(out.size());
  out += central;
  put32(out, kEndOfCentralDirSig);
  put16(out, 0);
  put16(out, 0);
  put16(out, static_cast<uint32_t>(arrays.size()));
  put16(out, static_cast<uint32_t>(arrays.size()));
  put32(out, static_cast<uint32_t>(central.size()));
  put32(out, cdOffset);
  put16(out, 0);
  return writeFile(path, out);
}

//===----------------------------------------------------------------------===//
// xtensor conversions
//===----------------------------------------------------------------------===//

namespace {

std::vector<size_t> xtShape(const NpyArray &array) {
  return std::vector<size_t>(array.shape.begin(), array.shape.end());
}

template <typename Src, typename Dst>
void convertInto(const NpyArray &array, Dst *out) {
  size_t n = array.data.size() / sizeof(Src);
  const uint8_t *p = array.data.data();
  for (size_t i = 0; i < n; ++i) {
    Src v;
    std::memcpy(&v, p + i * sizeof(Src), sizeof(Src));
    out[i] = static_cast<Dst>(v);
  }
}

template <typename Dst>
void convertAny(const NpyArray &array, Dst *out) {
  switch (array.dtype) {
  case DType::F32:
    return convertInto<float>(array, out);
  case DType::F64:
    return convertInto<double>(array, out);
  case DType::I8:
    return convertInto<int8_t>(array, out);
  case DType::U8:
    return convertInto<uint8_t>(array, out);
  case DType::I16:
    return convertInto<int16_t>(array, out);
  case DType::I32:
    return convertInto<int32_t>(array, out);
  case DType::I64:
    return convertInto<int64_t>(array, out);
  case DType::Bool: {
    for (size_t i = 0; i < array.data.size(); ++i)
      out[i] = static_cast<Dst>(array.data[i] != 0);
    return;
  }
  }
}

template <typename T>
NpyArray wrap(const xt::xarray<T> &array, DType dtype) {
  NpyArray out;
  out.dtype = dtype;
  out.shape.assign(array.shape().begin(), array.shape().end());
  out.data.resize(array.size() * sizeof(T));
  if (array.size())
    std::memcpy(out.data.data(), array.data(), out.data.size());
  return out;
}

} // namespace

absl::StatusOr<xt::xarray<float>> toFloatArray(const NpyArray &array,
                                               std::string_view what) {
  if (absl::Status s = verifyNpyArray(array, what); !s.ok())
    return s;
  xt::xarray<float> out = xt::xarray<float>::from_shape(xtShape(array));
  convertAny(array, out.data());
  return out;
}

absl::StatusOr<xt::xarray<int64_t>> toInt64Array(const NpyArray &array,
                                                 std::string_view what) {
  if (absl::Status s = verifyNpyArray(array, what); !s.ok())
    return s;
  if (array.dtype == DType::F32 || array.dtype == DType::F64)
    return absl::InvalidArgumentError(
        strCat(what, ": expected an integer or bool array, got ",
                     dtypeName(array.dtype)));
  xt::xarray<int64_t> out =
      xt::xarray<int64_t>::from_shape(xtShape(array));
  convertAny(array, out.data());
  return out;
}

NpyArray fromFloatArray(const xt::xarray<float> &array) {
  return wrap(array, DType::F32);
}

NpyArray fromInt64Array(const xt::xarray<int64_t> &array) {
  return wrap(array, DType::I64);
}

absl::StatusOr<NpyArray> fromIntArray(const xt::xarray<int32_t> &array,
                                      DType dtype, std::string_view what) {
  int64_t lo, hi;
  switch (dtype) {
  case DType::I8:
    lo = -128, hi = 127;
    break;
  case DType::U8:
    lo = 0, hi = 255;
    break;
  case DType::I16:
    lo = -32768, hi = 32767;
    break;
  case DType::I32:
  case DType::I64:
    lo = std::numeric_limits<int32_t>::min();
    hi = std::numeric_limits<int32_t>::max();
    break;
  case DType::Bool:
    lo = 0, hi = 1;
    break;
  default:
    return absl::InvalidArgumentError(strCat(
        what, ": fromIntArray needs an integer dtype, got ", dtypeName(dtype)));
  }
  NpyArray out;
  out.dtype = dtype;
  out.shape.assign(array.shape().begin(), array.shape().end());
  size_t itemSize = dtypeSize(dtype);
  out.data.resize(array.size() * itemSize);
  const int32_t *src = array.data();
  for (size_t i = 0; i < array.size(); ++i) {
    int64_t v = src[i];
    if (v < lo || v > hi)
      return absl::OutOfRangeError(strCat(
          what, ": element ", i, " has value ", v, ", outside the range [",
          lo, ", ", hi, "] of ", dtypeName(dtype)));
    // Little-endian host: the low bytes of the int64 are the value.
    std::memcpy(out.data.data() + i * itemSize, &v, itemSize);
  }
  return out;
}

} // namespace qc
