//===- NpyTest.cpp - Tests of .npy / .npz reading and writing -------------===//
//
// Part of the qc project.
//
//===----------------------------------------------------------------------===//
//
// Fixtures in data/ were written by numpy (gen_npy_fixtures.py); error cases
// are derived from them at run time by cutting or patching bytes.
//
//===----------------------------------------------------------------------===//

#include "support/Npy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

namespace qc {
namespace {

using ::testing::HasSubstr;

std::string dataPath(const std::string &name) {
  return std::string(QC_NPY_TEST_DATA_DIR) + "/" + name;
}

std::string readBytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// A unique path in the test temp directory for this test.
std::string tempPath(const std::string &suffix) {
  const ::testing::TestInfo *info =
      ::testing::UnitTest::GetInstance()->current_test_info();
  return ::testing::TempDir() + "qc_npy_" + info->test_suite_name() + "_" +
         info->name() + "_" + std::to_string(getpid()) + suffix;
}

std::string writeTemp(const std::string &bytes, const std::string &suffix) {
  std::string path = tempPath(suffix);
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  return path;
}

template <typename T>
std::vector<T> values(const NpyArray &array) {
  std::vector<T> out(array.data.size() / sizeof(T));
  std::memcpy(out.data(), array.data.data(), array.data.size());
  return out;
}

/// The error message of \p status (which must not be OK).
template <typename T>
std::string errorOf(const absl::StatusOr<T> &result) {
  EXPECT_FALSE(result.ok());
  return std::string(result.status().message());
}

TEST(NpyDType, DescrParsing) {
  EXPECT_EQ(dtypeFromDescr("<f4"), DType::F32);
  EXPECT_EQ(dtypeFromDescr("=f8"), DType::F64);
  EXPECT_EQ(dtypeFromDescr("|i1"), DType::I8);
  EXPECT_EQ(dtypeFromDescr(">u1"), DType::U8); // Byte order is moot.
  EXPECT_EQ(dtypeFromDescr("<i2"), DType::I16);
  EXPECT_EQ(dtypeFromDescr("<i4"), DType::I32);
  EXPECT_EQ(dtypeFromDescr("i8"), DType::I64);
  EXPECT_EQ(dtypeFromDescr("|b1"), DType::Bool);
  EXPECT_EQ(dtypeFromDescr(">f4"), std::nullopt);
  EXPECT_EQ(dtypeFromDescr("<f2"), std::nullopt);
  EXPECT_EQ(dtypeFromDescr(""), std::nullopt);
  for (DType t : {DType::F32, DType::F64, DType::I8, DType::U8, DType::I16,
                  DType::I32, DType::I64, DType::Bool})
    EXPECT_EQ(dtypeFromDescr(dtypeDescr(t)), t) << dtypeName(t);
}

TEST(NpyRead, Float32) {
  absl::StatusOr<NpyArray> a = readNpy(dataPath("f32_2x3.npy"));
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->dtype, DType::F32);
  EXPECT_EQ(a->shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(values<float>(*a),
            (std::vector<float>{-2.0f, -0.5f, 1.0f, 2.5f, 4.0f, 5.5f}));
}

TEST(NpyRead, EveryDType) {
  absl::StatusOr<NpyArray> f64 = readNpy(dataPath("f64_3.npy"));
  ASSERT_TRUE(f64.ok()) << f64.status();
  EXPECT_EQ(f64->dtype, DType::F64);
  EXPECT_EQ(values<double>(*f64), (std::vector<double>{0.1, -2.5, 1e300}));

  absl::StatusOr<NpyArray> i8 = readNpy(dataPath("i8_4.npy"));
  ASSERT_TRUE(i8.ok()) << i8.status();
  EXPECT_EQ(i8->dtype, DType::I8);
  EXPECT_EQ(values<int8_t>(*i8), (std::vector<int8_t>{-128, -1, 0, 127}));

  absl::StatusOr<NpyArray> u8 = readNpy(dataPath("u8_4.npy"));
  ASSERT_TRUE(u8.ok()) << u8.status();
  EXPECT_EQ(u8->dtype, DType::U8);
  EXPECT_EQ(values<uint8_t>(*u8), (std::vector<uint8_t>{0, 1, 128, 255}));

  absl::StatusOr<NpyArray> i16 = readNpy(dataPath("i16_2x2.npy"));
  ASSERT_TRUE(i16.ok()) << i16.status();
  EXPECT_EQ(i16->dtype, DType::I16);
  EXPECT_EQ(i16->shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(values<int16_t>(*i16),
            (std::vector<int16_t>{-32768, -2, 3, 32767}));

  absl::StatusOr<NpyArray> i32 = readNpy(dataPath("i32_3.npy"));
  ASSERT_TRUE(i32.ok()) << i32.status();
  EXPECT_EQ(i32->dtype, DType::I32);
  EXPECT_EQ(values<int32_t>(*i32),
            (std::vector<int32_t>{INT32_MIN, 0, INT32_MAX}));

  absl::StatusOr<NpyArray> i64 = readNpy(dataPath("i64_2.npy"));
  ASSERT_TRUE(i64.ok()) << i64.status();
  EXPECT_EQ(i64->dtype, DType::I64);
  EXPECT_EQ(values<int64_t>(*i64),
            (std::vector<int64_t>{INT64_MIN, (int64_t(1) << 62) + 1}));

  absl::StatusOr<NpyArray> b = readNpy(dataPath("bool_3.npy"));
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->dtype, DType::Bool);
  EXPECT_EQ(values<uint8_t>(*b), (std::vector<uint8_t>{1, 0, 1}));
}

TEST(NpyRead, ScalarAndEmpty) {
  absl::StatusOr<NpyArray> s = readNpy(dataPath("scalar_f32.npy"));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->shape.empty());
  EXPECT_EQ(s->numElements(), 1);
  EXPECT_EQ(values<float>(*s), (std::vector<float>{3.25f}));

  absl::StatusOr<NpyArray> e = readNpy(dataPath("empty_0x3_f32.npy"));
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->shape, (std::vector<int64_t>{0, 3}));
  EXPECT_TRUE(e->data.empty());
}

TEST(NpyRead, FormatVersions2And3) {
  for (const char *name : {"v2_f32.npy", "v3_f32.npy"}) {
    std::string bytes = readBytes(dataPath(name));
    ASSERT_GE(bytes.size(), 8u);
    EXPECT_EQ(bytes[6], name[1] - '0') << name; // Really that version.
    absl::StatusOr<NpyArray> a = readNpy(dataPath(name));
    ASSERT_TRUE(a.ok()) << a.status();
    EXPECT_EQ(a->shape, (std::vector<int64_t>{2}));
    EXPECT_EQ(values<float>(*a), (std::vector<float>{1.0f, 2.0f}));
  }
}

TEST(NpyRead, ToFloatArray) {
  absl::StatusOr<NpyArray> a = readNpy(dataPath("rank4_f32.npy"));
  ASSERT_TRUE(a.ok()) << a.status();
  absl::StatusOr<xt::xarray<float>> x = toFloatArray(*a);
  ASSERT_TRUE(x.ok()) << x.status();
  ASSERT_EQ(x->dimension(), 4u);
  EXPECT_EQ(x->shape()[3], 4u);
  EXPECT_EQ((*x)(0, 1, 2, 3), 23.0f);
  EXPECT_EQ((*x)(0, 0, 1, 0), 4.0f);

  absl::StatusOr<NpyArray> i8 = readNpy(dataPath("i8_4.npy"));
  ASSERT_TRUE(i8.ok());
  absl::StatusOr<xt::xarray<float>> f = toFloatArray(*i8);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ((*f)(0), -128.0f);
  EXPECT_EQ((*f)(3), 127.0f);

  absl::StatusOr<NpyArray> b = readNpy(dataPath("bool_3.npy"));
  ASSERT_TRUE(b.ok());
  absl::StatusOr<xt::xarray<int64_t>> bi = toInt64Array(*b);
  ASSERT_TRUE(bi.ok()) << bi.status();
  EXPECT_EQ((*bi)(0), 1);
  EXPECT_EQ((*bi)(1), 0);

  absl::StatusOr<NpyArray> i64 = readNpy(dataPath("i64_2.npy"));
  ASSERT_TRUE(i64.ok());
  absl::StatusOr<xt::xarray<int64_t>> l = toInt64Array(*i64);
  ASSERT_TRUE(l.ok());
  EXPECT_EQ((*l)(0), INT64_MIN);

  EXPECT_THAT(errorOf(toInt64Array(*a, "weights")),
              HasSubstr("weights: expected an integer or bool array, got "
                        "float32"));
}

TEST(NpyRead, MissingFile) {
  absl::StatusOr<NpyArray> a = readNpy(dataPath("does_not_exist.npy"));
  EXPECT_EQ(a.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(errorOf(a), HasSubstr("does_not_exist.npy"));
  EXPECT_THAT(errorOf(a), HasSubstr("No such file"));
}

TEST(NpyRead, BadMagic) {
  std::string path = writeTemp("PK\x03\x04 this is not an npy file", ".npy");
  std::string message = errorOf(readNpy(path));
  EXPECT_THAT(message, HasSubstr(path));
  EXPECT_THAT(message, HasSubstr("bad magic"));
  std::remove(path.c_str());
}

TEST(NpyRead, TruncatedData) {
  std::string bytes = readBytes(dataPath("f32_2x3.npy"));
  std::string path = writeTemp(bytes.substr(0, bytes.size() - 5), ".npy");
  std::string message = errorOf(readNpy(path));
  EXPECT_THAT(message, HasSubstr(path));
  EXPECT_THAT(message, HasSubstr("truncated data"));
  EXPECT_THAT(message, HasSubstr("needs 24 bytes but only 19"));
  std::remove(path.c_str());
}

TEST(NpyRead, TruncatedHeader) {
  std::string bytes = readBytes(dataPath("f32_2x3.npy"));
  for (size_t keep : {3u, 7u, 9u, 40u}) {
    std::string path = writeTemp(bytes.substr(0, keep), ".npy");
    std::string message = errorOf(readNpy(path));
    EXPECT_THAT(message, HasSubstr(path));
    if (keep < 6)
      EXPECT_THAT(message, HasSubstr("bad magic"));
    else
      EXPECT_THAT(message, HasSubstr("truncated .npy file")) << keep;
    std::remove(path.c_str());
  }
}

TEST(NpyRead, TrailingBytes) {
  std::string bytes = readBytes(dataPath("f32_2x3.npy")) + "xyzw";
  std::string path = writeTemp(bytes, ".npy");
  std::string message = errorOf(readNpy(path));
  EXPECT_THAT(message, HasSubstr("size mismatch"));
  EXPECT_THAT(message, HasSubstr("needs 24 bytes but 28"));
  std::remove(path.c_str());
}

TEST(NpyRead, UnsupportedVersion) {
  std::string bytes = readBytes(dataPath("f32_2x3.npy"));
  bytes[6] = 4;
  std::string message = errorOf(parseNpy(bytes, "patched.npy"));
  EXPECT_THAT(message, HasSubstr("patched.npy: unsupported .npy format "
                                 "version 4.0"));
}

TEST(NpyRead, MalformedHeader) {
  std::string bytes = readBytes(dataPath("f32_2x3.npy"));
  std::string patched = bytes;
  patched.replace(patched.find("'shape'"), 7, "'shapf'");
  EXPECT_THAT(errorOf(parseNpy(patched, "h.npy")),
              HasSubstr("h.npy: malformed .npy header: unexpected key "
                        "'shapf'"));
  patched = bytes;
  patched.replace(patched.find("False"), 5, "Fals ");
  EXPECT_THAT(errorOf(parseNpy(patched, "h.npy")),
              HasSubstr("expected True or False"));
  patched = bytes;
  patched.replace(patched.find("(2, 3)"), 6, "(2,-3)");
  EXPECT_THAT(errorOf(parseNpy(patched, "h.npy")),
              HasSubstr("expected a non-negative integer in 'shape'"));
  patched = bytes;
  patched.replace(patched.find("'descr'"), 7, "'descX'");
  EXPECT_THAT(errorOf(parseNpy(patched, "h.npy")),
              HasSubstr("unexpected key 'descX'"));
}

TEST(NpyRead, LongMalformedHeaderIsQuotedShort) {
  std::string header = "{'descr': '<f4', " + std::string(100000, 'x') + "}";
  std::string bytes = std::string("\x93NUMPY\x02\x00", 8);
  uint32_t length = static_cast<uint32_t>(header.size());
  for (int i = 0; i < 4; ++i)
    bytes.push_back(static_cast<char>((length >> (8 * i)) & 0xff));
  std::string message = errorOf(parseNpy(bytes + header, "long.npy"));
  EXPECT_THAT(message, HasSubstr("long.npy: malformed .npy header"));
  EXPECT_THAT(message, HasSubstr("xxx...\""));
  EXPECT_LT(message.size(), 400u);
}

TEST(NpyRead, FortranOrderRejected) {
  std::string message = errorOf(readNpy(dataPath("fortran_f32.npy")));
  EXPECT_THAT(message, HasSubstr("fortran_f32.npy"));
  EXPECT_THAT(message, HasSubstr("fortran_order=True is not supported"));
}

TEST(NpyRead, BigEndianRejected) {
  std::string message = errorOf(readNpy(dataPath("bigendian_f32.npy")));
  EXPECT_THAT(message, HasSubstr("bigendian_f32.npy"));
  EXPECT_THAT(message, HasSubstr("big-endian dtype '>f4' is not supported"));
}

TEST(NpyRead, UnsupportedDTypes) {
  EXPECT_THAT(errorOf(readNpy(dataPath("f16_2.npy"))),
              HasSubstr("f16_2.npy: unsupported dtype '<f2'"));
  EXPECT_THAT(errorOf(readNpy(dataPath("u16_2.npy"))),
              HasSubstr("u16_2.npy: unsupported dtype '<u2'"));
  EXPECT_THAT(errorOf(readNpy(dataPath("structured.npy"))),
              HasSubstr("structured (record) dtypes are not supported"));
}

TEST(NpyWrite, MatchesNumpyByteForByte) {
  // numpy.save's exact layout: same header text, padding and data.
  for (const char *name :
       {"f32_2x3.npy", "i8_4.npy", "bool_3.npy", "scalar_f32.npy",
        "empty_0x3_f32.npy", "i64_2.npy", "rank4_f32.npy", "i16_2x2.npy"}) {
    absl::StatusOr<NpyArray> a = readNpy(dataPath(name));
    ASSERT_TRUE(a.ok()) << a.status();
    absl::StatusOr<std::string> bytes = serializeNpy(*a);
    ASSERT_TRUE(bytes.ok()) << bytes.status();
    EXPECT_EQ(*bytes, readBytes(dataPath(name))) << name;
  }
}

TEST(NpyWrite, RoundTrip) {
  xt::xarray<float> x = {{1.0f, -2.5f, 3.0f}, {0.0f, 1e-7f, -1e30f}};
  std::string path = tempPath(".npy");
  ASSERT_TRUE(writeNpy(path, fromFloatArray(x)).ok());
  absl::StatusOr<NpyArray> back = readNpy(path);
  ASSERT_TRUE(back.ok()) << back.status();
  absl::StatusOr<xt::xarray<float>> y = toFloatArray(*back);
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(*y, x);
  std::remove(path.c_str());

  xt::xarray<int32_t> q = {-128, 0, 5, 127};
  absl::StatusOr<NpyArray> q8 = fromIntArray(q, DType::I8);
  ASSERT_TRUE(q8.ok()) << q8.status();
  EXPECT_EQ(values<int8_t>(*q8), (std::vector<int8_t>{-128, 0, 5, 127}));
  absl::StatusOr<NpyArray> q16 = fromIntArray(q, DType::I16);
  ASSERT_TRUE(q16.ok());
  EXPECT_EQ(values<int16_t>(*q16), (std::vector<int16_t>{-128, 0, 5, 127}));

  xt::xarray<int64_t> l = {{INT64_MAX, -1}};
  NpyArray la = fromInt64Array(l);
  EXPECT_EQ(la.shape, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(values<int64_t>(la), (std::vector<int64_t>{INT64_MAX, -1}));
}

TEST(NpyWrite, Errors) {
  xt::xarray<int32_t> q = {0, 300, 5};
  std::string message = errorOf(fromIntArray(q, DType::U8, "output"));
  EXPECT_THAT(message, HasSubstr("output: element 1 has value 300, outside "
                                 "the range [0, 255] of uint8"));
  EXPECT_THAT(errorOf(fromIntArray(q, DType::F32)),
              HasSubstr("needs an integer dtype, got float32"));

  NpyArray bad;
  bad.dtype = DType::F32;
  bad.shape = {2, 2};
  bad.data.resize(12);
  EXPECT_THAT(std::string(verifyNpyArray(bad, "bad").message()),
              HasSubstr("bad: size mismatch: shape (2, 2) of float32 needs 16 "
                        "bytes but 12 are present"));
  absl::Status s = writeNpy(tempPath(".npy"), bad);
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.message()), HasSubstr("cannot write"));
  EXPECT_THAT(errorOf(toFloatArray(bad, "bad")), HasSubstr("size mismatch"));

  bad.shape = {-1};
  EXPECT_THAT(std::string(verifyNpyArray(bad, "neg").message()),
              HasSubstr("neg: invalid shape (-1,)"));

  NpyArray ok = fromFloatArray(xt::xarray<float>{1.0f});
  absl::Status w = writeNpy("/nonexistent_dir_qc/x.npy", ok);
  EXPECT_FALSE(w.ok());
  EXPECT_THAT(std::string(w.message()),
              HasSubstr("cannot write '/nonexistent_dir_qc/x.npy': No such "
                        "file or directory"));
}

void expectNpzContents(const std::map<std::string, NpyArray> &npz) {
  ASSERT_EQ(npz.size(), 3u);
  ASSERT_TRUE(npz.count("a") && npz.count("b") && npz.count("c"));
  const NpyArray &a = npz.at("a");
  EXPECT_EQ(a.dtype, DType::F32);
  EXPECT_EQ(a.shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(values<float>(a), (std::vector<float>{1.5f, -2.0f, 0.25f, 8.0f}));
  EXPECT_EQ(npz.at("b").dtype, DType::I64);
  EXPECT_EQ(values<int64_t>(npz.at("b")), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(npz.at("c").dtype, DType::Bool);
  EXPECT_EQ(values<uint8_t>(npz.at("c")), (std::vector<uint8_t>{1, 0}));
}

TEST(Npz, ReadsNumpySavez) {
  auto npz = readNpz(dataPath("arrays.npz"));
  ASSERT_TRUE(npz.ok()) << npz.status();
  expectNpzContents(*npz);
}

TEST(Npz, ReadsNumpySavezCompressed) {
  auto npz = readNpz(dataPath("arrays_compressed.npz"));
  if (!npzDeflateSupported()) {
    std::string message = errorOf(npz);
    EXPECT_THAT(message, HasSubstr("arrays_compressed.npz"));
    EXPECT_THAT(message, HasSubstr("use np.savez"));
    return;
  }
  ASSERT_TRUE(npz.ok()) << npz.status();
  expectNpzContents(*npz);
}

TEST(Npz, RoundTrip) {
  auto npz = readNpz(dataPath("arrays.npz"));
  ASSERT_TRUE(npz.ok());
  std::string path = tempPath(".npz");
  ASSERT_TRUE(writeNpz(path, *npz).ok());
  auto back = readNpz(path);
  ASSERT_TRUE(back.ok()) << back.status();
  expectNpzContents(*back);
  std::remove(path.c_str());

  std::string empty = tempPath("_empty.npz");
  ASSERT_TRUE(writeNpz(empty, {}).ok());
  auto none = readNpz(empty);
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->empty());
  std::remove(empty.c_str());
}

TEST(Npz, Errors) {
  std::string bytes = readBytes(dataPath("arrays.npz"));

  EXPECT_THAT(errorOf(readNpz(dataPath("missing.npz"))),
              HasSubstr("cannot open"));

  std::string notZip = writeTemp("\x93NUMPY this is an npy", "_notzip.npz");
  std::string message = errorOf(readNpz(notZip));
  EXPECT_THAT(message, HasSubstr(notZip));
  EXPECT_THAT(message, HasSubstr("bad magic"));
  std::remove(notZip.c_str());

  // Cut off the central directory: no end record.
  std::string cut = writeTemp(bytes.substr(0, bytes.size() / 2), "_cut.npz");
  message = errorOf(readNpz(cut));
  EXPECT_THAT(message, HasSubstr(cut));
  EXPECT_THAT(message, HasSubstr("end-of-central-directory"));
  std::remove(cut.c_str());

  // Flip one byte of entry a's array data: the CRC catches it.
  std::string corrupt = bytes;
  size_t at = corrupt.find("\x93NUMPY");
  ASSERT_NE(at, std::string::npos);
  corrupt[at + 128 + 2] ^= 0x40; // Inside the float data of 'a'.
  std::string corruptPath = writeTemp(corrupt, "_crc.npz");
  message = errorOf(readNpz(corruptPath));
  EXPECT_THAT(message, HasSubstr(corruptPath + ":a.npy"));
  EXPECT_THAT(message, HasSubstr("CRC-32 mismatch"));
  std::remove(corruptPath.c_str());

  // An entry that is not an .npy file.
  std::map<std::string, NpyArray> one;
  one["x"] = fromFloatArray(xt::xarray<float>{1.0f, 2.0f});
  std::string good = tempPath("_one.npz");
  ASSERT_TRUE(writeNpz(good, one).ok());
  std::string renamed = readBytes(good);
  for (size_t pos = 0; (pos = renamed.find("x.npy", pos)) != std::string::npos;)
    renamed.replace(pos, 5, "x.txt");
  std::string renamedPath = writeTemp(renamed, "_renamed.npz");
  EXPECT_THAT(errorOf(readNpz(renamedPath)),
              HasSubstr(renamedPath + ":x.txt: entry is not an .npy array"));
  std::remove(good.c_str());
  std::remove(renamedPath.c_str());
}

TEST(Npz, ClaimedSizeCheckedBeforeAllocating) {
  // A deflated entry whose central directory claims ~4 GiB uncompressed from
  // a few bytes: an error, not a 4 GiB allocation.
  std::map<std::string, NpyArray> one;
  one["x"] = fromFloatArray(xt::xarray<float>{1.0f, 2.0f});
  std::string good = tempPath("_one.npz");
  ASSERT_TRUE(writeNpz(good, one).ok());
  std::string bytes = readBytes(good);
  size_t central = bytes.find("PK\x01\x02");
  ASSERT_NE(central, std::string::npos);
  bytes[central + 10] = 8; // deflate
  for (int i = 0; i < 4; ++i)
    bytes[central + 24 + i] = '\xfe'; // uncompressed size 0xfefefefe
  std::string path = writeTemp(bytes, "_huge.npz");
  std::string message = errorOf(readNpz(path));
  if (npzDeflateSupported())
    EXPECT_THAT(message, HasSubstr("compressed bytes claim 4278124286 "
                                   "uncompressed bytes"));
  std::remove(good.c_str());
  std::remove(path.c_str());
}

TEST(NpyRows, HugeHeaderLengthIsNotAllocated) {
  // Format 2.0 with a header length of almost 4 GiB in a 20-byte file.
  std::string bytes("\x93NUMPY\x02\x00\xf0\xff\xff\xff{}      ", 20);
  std::string path = writeTemp(bytes, ".npy");
  EXPECT_THAT(errorOf(readNpyHeader(path)),
              HasSubstr("header says 4294967280 header bytes but the file has "
                        "only 20 bytes"));
  std::remove(path.c_str());
}

TEST(Npz, NumpyReadsWhatWeWrite) {
  if (access("/usr/bin/python3", X_OK) != 0 ||
      std::system("/usr/bin/python3 -c 'import numpy' 2>/dev/null") != 0)
    GTEST_SKIP() << "needs /usr/bin/python3 with numpy";
  std::map<std::string, NpyArray> arrays;
  arrays["w"] = fromFloatArray(xt::xarray<float>{{1.0f, 2.0f}, {3.0f, -4.5f}});
  absl::StatusOr<NpyArray> q =
      fromIntArray(xt::xarray<int32_t>{-3, 7}, DType::I8);
  ASSERT_TRUE(q.ok());
  arrays["q"] = *q;
  std::string npz = tempPath(".npz"), npy = tempPath(".npy");
  ASSERT_TRUE(writeNpz(npz, arrays).ok());
  ASSERT_TRUE(writeNpy(npy, arrays["w"]).ok());
  std::string cmd =
      "/usr/bin/python3 -c \"import numpy as np, sys; "
      "z = np.load('" + npz + "'); a = np.load('" + npy + "'); "
      "ok = (z['w'].dtype == np.float32 and z['w'].tolist() == "
      "[[1.0, 2.0], [3.0, -4.5]] and z['q'].dtype == np.int8 and "
      "z['q'].tolist() == [-3, 7] and (a == z['w']).all()); "
      "sys.exit(0 if ok else 1)\"";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::remove(npz.c_str());
  std::remove(npy.c_str());
}

//===----------------------------------------------------------------------===//
// Reading a header and rows without loading the file
//===----------------------------------------------------------------------===//

TEST(NpyRows, HeaderAndRows) {
  // rank4_f32.npy and f32_2x3.npy are numpy-written; rows are compared with
  // what readNpy returns for the whole file.
  for (const char *name : {"f32_2x3.npy", "rank4_f32.npy", "v2_f32.npy",
                           "v3_f32.npy", "i16_2x2.npy"}) {
    absl::StatusOr<NpyArray> whole = readNpy(dataPath(name));
    ASSERT_TRUE(whole.ok()) << whole.status();
    absl::StatusOr<NpyHeader> header = readNpyHeader(dataPath(name));
    ASSERT_TRUE(header.ok()) << header.status();
    EXPECT_EQ(header->dtype, whole->dtype) << name;
    EXPECT_EQ(header->shape, whole->shape) << name;
    EXPECT_EQ(header->dataBytes, static_cast<int64_t>(whole->data.size()));
    int64_t rows = whole->shape[0];
    size_t rowBytes = whole->data.size() / rows;
    for (int64_t begin = 0; begin < rows; ++begin)
      for (int64_t count = 0; begin + count <= rows; ++count) {
        absl::StatusOr<NpyArray> part =
            readNpyRows(dataPath(name), *header, begin, count);
        ASSERT_TRUE(part.ok()) << part.status();
        EXPECT_EQ(part->shape[0], count);
        EXPECT_EQ(std::vector<int64_t>(part->shape.begin() + 1,
                                       part->shape.end()),
                  std::vector<int64_t>(whole->shape.begin() + 1,
                                       whole->shape.end()));
        EXPECT_EQ(part->data,
                  std::vector<uint8_t>(whole->data.begin() + begin * rowBytes,
                                       whole->data.begin() +
                                           (begin + count) * rowBytes))
            << name << " rows " << begin << "+" << count;
      }
  }
}

TEST(NpyRows, Errors) {
  absl::StatusOr<NpyHeader> header = readNpyHeader(dataPath("f32_2x3.npy"));
  ASSERT_TRUE(header.ok()) << header.status();
  EXPECT_THAT(errorOf(readNpyRows(dataPath("f32_2x3.npy"), *header, 1, 2)),
              HasSubstr("rows [1, 3) are outside the array's 2 rows"));
  absl::StatusOr<NpyHeader> scalar = readNpyHeader(dataPath("scalar_f32.npy"));
  ASSERT_TRUE(scalar.ok()) << scalar.status();
  EXPECT_THAT(errorOf(readNpyRows(dataPath("scalar_f32.npy"), *scalar, 0, 0)),
              HasSubstr("a 0-d array has no rows"));
  EXPECT_THAT(errorOf(readNpyHeader(dataPath("no_such.npy"))),
              HasSubstr("cannot open"));
  // The header reader checks the data size like readNpy.
  std::string bytes = readBytes(dataPath("f32_2x3.npy"));
  std::string truncated = writeTemp(bytes.substr(0, bytes.size() - 5), ".npy");
  EXPECT_THAT(errorOf(readNpyHeader(truncated)),
              HasSubstr("needs 24 bytes but only 19"));
  std::string header9 = writeTemp(bytes.substr(0, 9), ".npy");
  EXPECT_THAT(errorOf(readNpyHeader(header9)),
              HasSubstr("truncated .npy file"));
  std::string trailing = writeTemp(bytes + "xyzw", ".npy");
  EXPECT_THAT(errorOf(readNpyHeader(trailing)), HasSubstr("size mismatch"));
  for (const std::string &p : {truncated, header9, trailing})
    std::remove(p.c_str());
  EXPECT_THAT(errorOf(readNpyHeader(dataPath("fortran_f32.npy"))),
              HasSubstr("fortran_order=True is not supported"));
}

} // namespace
} // namespace qc
