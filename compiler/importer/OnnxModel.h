//===- OnnxModel.h - an ONNX model as plain C++ data ------------*- C++ -*-===//
//
// The parts of an ONNX ModelProto the importer uses, as plain structs. The
// protobuf-generated classes need RTTI and may throw, while code that links
// MLIR is built without either; so exactly one translation unit
// (OnnxProtoReader.cpp, built with the compiler's defaults) touches protobuf
// and copies the model into these structs. Nothing here includes protobuf or
// MLIR headers.
//
//===----------------------------------------------------------------------===//
#ifndef QC_COMPILER_IMPORTER_ONNXMODEL_H
#define QC_COMPILER_IMPORTER_ONNXMODEL_H

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace mlir::qc {

/// TensorProto.DataType values (the numbers are ONNX's).
enum class OnnxDataType : int32_t {
  Undefined = 0,
  Float = 1,
  Uint8 = 2,
  Int8 = 3,
  Uint16 = 4,
  Int16 = 5,
  Int32 = 6,
  Int64 = 7,
  String = 8,
  Bool = 9,
  Float16 = 10,
  Double = 11,
  Uint32 = 12,
  Uint64 = 13,
  Complex64 = 14,
  Complex128 = 15,
  BFloat16 = 16,
  /// Opset 21: two 4-bit values per byte, the first in the low nibble. The
  /// reader unpacks them into Uint8 / Int8 tensors (one value per byte).
  Uint4 = 21,
  Int4 = 22,
};

/// ONNX's name of a data type ("FLOAT", "INT64", ...; "type N" if unknown).
std::string onnxDataTypeName(int32_t type);

/// Bytes per element of a fixed-size numeric type; 0 for strings and for
/// types qc cannot read.
int64_t onnxDataTypeSize(int32_t type);

/// A tensor (initializer or attribute value). The reader normalizes every
/// storage form (raw_data, the typed repeated fields, external data) into
/// `data`: the little-endian element bytes of `dataType`, exactly
/// numElements() * onnxDataTypeSize(dataType) of them.
struct OnnxTensor {
  std::string name;
  int32_t dataType = 0;
  std::vector<int64_t> dims;
  std::string data;

  int64_t numElements() const {
    int64_t n = 1;
    for (int64_t d : dims)
      n *= d;
    return n;
  }
};

struct OnnxGraph;

/// AttributeProto, with the value in the member its kind names.
struct OnnxAttribute {
  enum class Kind {
    Float,
    Int,
    String,
    Tensor,
    Graph,
    Floats,
    Ints,
    Strings,
    Tensors,
    Graphs,
    SparseTensor,
    Other
  };
  std::string name;
  Kind kind = Kind::Other;
  float f = 0;
  int64_t i = 0;
  std::string s;
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<std::string> strings;
  std::shared_ptr<OnnxTensor> tensor;
  /// Set when the attribute refers to an attribute of an enclosing function
  /// (`ref_attr_name`); qc does not import model-local functions.
  std::string refAttrName;
};

/// The name ONNX's specification uses for an attribute kind ("INT", ...).
const char *onnxAttributeKindName(OnnxAttribute::Kind kind);

struct OnnxNode {
  std::string name;
  std::string opType;
  std::string domain;
  /// Input names; "" marks an omitted optional input.
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::vector<OnnxAttribute> attributes;

  const OnnxAttribute *findAttribute(const std::string &attrName) const {
    for (const OnnxAttribute &a : attributes)
      if (a.name == attrName)
        return &a;
    return nullptr;
  }
};

/// One dimension of a declared tensor shape.
struct OnnxDim {
  /// The static size; -1 when the dimension is symbolic or unknown.
  int64_t value = -1;
  /// The symbolic name (`dim_param`), if any.
  std::string param;
};

/// A graph input, output or value_info entry.
struct OnnxValueInfo {
  std::string name;
  /// False for sequence / map / optional types.
  bool isTensor = true;
  int32_t elemType = 0;
  /// False when the type carries no shape at all (rank unknown).
  bool hasShape = false;
  std::vector<OnnxDim> dims;
};

struct OnnxGraph {
  std::string name;
  std::vector<OnnxNode> nodes;
  std::vector<OnnxTensor> initializers;
  std::vector<OnnxValueInfo> inputs;
  std::vector<OnnxValueInfo> outputs;
  /// Number of sparse initializers (qc does not read them).
  int64_t numSparseInitializers = 0;
};

struct OnnxModel {
  int64_t irVersion = 0;
  std::string producerName;
  std::string producerVersion;
  /// (domain, version) pairs; "" is the default ai.onnx domain.
  std::vector<std::pair<std::string, int64_t>> opsets;
  bool hasGraph = false;
  OnnxGraph graph;
};

/// Reads and parses the ONNX file at `path` into `model`, loading external
/// tensor data (relative to the model's directory) and checking that every
/// tensor holds as many bytes as its shape needs. On failure returns false
/// and sets `error` to a message (without the file name, which callers add).
bool readOnnxModel(const std::string &path, OnnxModel &model,
                   std::string &error);

} // namespace mlir::qc

#endif // QC_COMPILER_IMPORTER_ONNXMODEL_H
