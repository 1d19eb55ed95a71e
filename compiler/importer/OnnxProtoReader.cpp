//===- OnnxProtoReader.cpp - ModelProto -> OnnxModel ----------------------===//
//
// The only file that includes protobuf's and ONNX's generated headers. It is
// built with the compiler's default flags (RTTI and exceptions, which
// protobuf needs) into its own library, and converts the parsed ModelProto
// into the plain structs of OnnxModel.h, so the MLIR side (built with
// -fno-rtti -fno-exceptions) never sees a protobuf type. Anything protobuf or
// the standard library throws is caught here and becomes an error message.
//
//===----------------------------------------------------------------------===//
#include "compiler/importer/OnnxModel.h"

#include <onnx/onnx_pb.h>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <climits>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace mlir::qc {

std::string onnxDataTypeName(int32_t type) {
  switch (static_cast<OnnxDataType>(type)) {
  case OnnxDataType::Undefined:
    return "UNDEFINED";
  case OnnxDataType::Float:
    return "FLOAT";
  case OnnxDataType::Uint8:
    return "UINT8";
  case OnnxDataType::Int8:
    return "INT8";
  case OnnxDataType::Uint16:
    return "UINT16";
  case OnnxDataType::Int16:
    return "INT16";
  case OnnxDataType::Int32:
    return "INT32";
  case OnnxDataType::Int64:
    return "INT64";
  case OnnxDataType::String:
    return "STRING";
  case OnnxDataType::Bool:
    return "BOOL";
  case OnnxDataType::Float16:
    return "FLOAT16";
  case OnnxDataType::Double:
    return "DOUBLE";
  case OnnxDataType::Uint32:
    return "UINT32";
  case OnnxDataType::Uint64:
    return "UINT64";
  case OnnxDataType::Complex64:
    return "COMPLEX64";
  case OnnxDataType::Complex128:
    return "COMPLEX128";
  case OnnxDataType::BFloat16:
    return "BFLOAT16";
  case OnnxDataType::Uint4:
    return "UINT4";
  case OnnxDataType::Int4:
    return "INT4";
  }
  return "type " + std::to_string(type);
}

int64_t onnxDataTypeSize(int32_t type) {
  switch (static_cast<OnnxDataType>(type)) {
  case OnnxDataType::Uint8:
  case OnnxDataType::Int8:
  case OnnxDataType::Bool:
    return 1;
  case OnnxDataType::Uint16:
  case OnnxDataType::Int16:
  case OnnxDataType::Float16:
  case OnnxDataType::BFloat16:
    return 2;
  case OnnxDataType::Float:
  case OnnxDataType::Int32:
  case OnnxDataType::Uint32:
    return 4;
  case OnnxDataType::Int64:
  case OnnxDataType::Double:
  case OnnxDataType::Uint64:
    return 8;
  default:
    return 0;
  }
}

const char *onnxAttributeKindName(OnnxAttribute::Kind kind) {
  switch (kind) {
  case OnnxAttribute::Kind::Float:
    return "FLOAT";
  case OnnxAttribute::Kind::Int:
    return "INT";
  case OnnxAttribute::Kind::String:
    return "STRING";
  case OnnxAttribute::Kind::Tensor:
    return "TENSOR";
  case OnnxAttribute::Kind::Graph:
    return "GRAPH";
  case OnnxAttribute::Kind::Floats:
    return "FLOATS";
  case OnnxAttribute::Kind::Ints:
    return "INTS";
  case OnnxAttribute::Kind::Strings:
    return "STRINGS";
  case OnnxAttribute::Kind::Tensors:
    return "TENSORS";
  case OnnxAttribute::Kind::Graphs:
    return "GRAPHS";
  case OnnxAttribute::Kind::SparseTensor:
    return "SPARSE_TENSOR";
  case OnnxAttribute::Kind::Other:
    break;
  }
  return "unsupported kind";
}

namespace {

/// Appends `value` as `width` little-endian bytes (x86-64 and AArch64 are
/// little-endian, so a plain copy of the low bytes).
template <typename T> void appendBytes(std::string &out, T value, int width) {
  const char *p = reinterpret_cast<const char *>(&value);
  out.append(p, width);
}

std::string directoryOf(const std::string &path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos)
    return ".";
  if (slash == 0)
    return "/";
  return path.substr(0, slash);
}

class Reader {
public:
  Reader(const std::string &path, std::string &error)
      : modelDir(directoryOf(path)), error(error) {}

  bool convertModel(onnx::ModelProto &proto, OnnxModel &model);

private:
  bool fail(const std::string &message) {
    error = message;
    return false;
  }
  bool convertGraph(onnx::GraphProto &proto, OnnxGraph &graph);
  bool convertTensor(onnx::TensorProto &proto, OnnxTensor &tensor,
                     const std::string &what);
  bool readExternal(const onnx::TensorProto &proto, OnnxTensor &tensor,
                    int64_t expectedBytes, const std::string &what);
  /// INT4 / UINT4 (raw or external data, two values per byte) unpacked to
  /// one Int8 / Uint8 value per byte.
  bool unpack4Bit(onnx::TensorProto &proto, OnnxTensor &tensor, int64_t n,
                  const std::string &what);
  bool convertAttribute(onnx::AttributeProto &proto, OnnxAttribute &attr,
                        const std::string &what);
  bool convertValueInfo(const onnx::ValueInfoProto &proto, OnnxValueInfo &info,
                        const std::string &what, bool isInput);

  std::string modelDir;
  std::string &error;
};

bool Reader::convertModel(onnx::ModelProto &proto, OnnxModel &model) {
  model.irVersion = proto.ir_version();
  model.producerName = proto.producer_name();
  model.producerVersion = proto.producer_version();
  for (const onnx::OperatorSetIdProto &opset : proto.opset_import())
    model.opsets.emplace_back(opset.domain(), opset.version());
  model.hasGraph = proto.has_graph();
  if (!model.hasGraph)
    return true;
  return convertGraph(*proto.mutable_graph(), model.graph);
}

bool Reader::convertGraph(onnx::GraphProto &proto, OnnxGraph &graph) {
  graph.name = proto.name();
  graph.numSparseInitializers = proto.sparse_initializer_size();
  graph.initializers.resize(proto.initializer_size());
  for (int i = 0; i < proto.initializer_size(); ++i) {
    onnx::TensorProto &t = *proto.mutable_initializer(i);
    if (!convertTensor(t, graph.initializers[i],
                       "initializer '" + t.name() + "'"))
      return false;
  }
  graph.inputs.resize(proto.input_size());
  for (int i = 0; i < proto.input_size(); ++i)
    if (!convertValueInfo(proto.input(i), graph.inputs[i],
                          "graph input '" + proto.input(i).name() + "'",
                          /*isInput=*/true))
      return false;
  graph.outputs.resize(proto.output_size());
  for (int i = 0; i < proto.output_size(); ++i)
    if (!convertValueInfo(proto.output(i), graph.outputs[i],
                          "graph output '" + proto.output(i).name() + "'",
                          /*isInput=*/false))
      return false;
  graph.nodes.resize(proto.node_size());
  for (int i = 0; i < proto.node_size(); ++i) {
    onnx::NodeProto &p = *proto.mutable_node(i);
    OnnxNode &node = graph.nodes[i];
    node.name = p.name();
    node.opType = p.op_type();
    node.domain = p.domain();
    node.inputs.assign(p.input().begin(), p.input().end());
    node.outputs.assign(p.output().begin(), p.output().end());
    node.attributes.resize(p.attribute_size());
    std::string what = "node '" +
                       (p.name().empty() ? "#" + std::to_string(i) : p.name()) +
                       "' (" + p.op_type() + ")";
    for (int a = 0; a < p.attribute_size(); ++a)
      if (!convertAttribute(*p.mutable_attribute(a), node.attributes[a], what))
        return false;
  }
  return true;
}

bool Reader::convertValueInfo(const onnx::ValueInfoProto &proto,
                              OnnxValueInfo &info, const std::string &what,
                              bool isInput) {
  info.name = proto.name();
  if (!proto.has_type() || !proto.type().has_tensor_type()) {
    // A missing type is treated as an unknown tensor; other value kinds
    // (sequences, maps, optionals) are not tensors.
    info.isTensor = !proto.has_type() ||
                    proto.type().value_case() == onnx::TypeProto::VALUE_NOT_SET;
    return true;
  }
  const onnx::TypeProto_Tensor &t = proto.type().tensor_type();
  info.elemType = t.elem_type();
  info.hasShape = t.has_shape();
  for (const onnx::TensorShapeProto_Dimension &d : t.shape().dim()) {
    OnnxDim dim;
    // Some exporters write -1 for an unknown dimension; any other negative
    // size is an error for a graph input (for an output, whose declared
    // shape is only compared with the computed one, it is unknown too).
    if (d.has_dim_value() && d.dim_value() < -1 && isInput)
      return fail(what + " has a negative dimension " +
                  std::to_string(d.dim_value()) + " (dimension " +
                  std::to_string(info.dims.size()) + ")");
    if (d.has_dim_value() && d.dim_value() >= 0)
      dim.value = d.dim_value();
    else if (d.has_dim_param())
      dim.param = d.dim_param();
    info.dims.push_back(dim);
  }
  return true;
}

bool Reader::convertTensor(onnx::TensorProto &proto, OnnxTensor &tensor,
                           const std::string &what) {
  tensor.name = proto.name();
  tensor.dataType = proto.data_type();
  // At most 2^40 elements, with an empty dimension counted as 1 (a
  // [0, 2^62] tensor holds nothing but its strides overflow).
  int64_t n = 1, extent = 1;
  for (int64_t d : proto.dims()) {
    if (d < 0)
      return fail(what + " has a negative dimension " + std::to_string(d));
    int64_t e = d == 0 ? 1 : d;
    if (extent > (int64_t(1) << 40) / e)
      return fail(what + " has more elements than qc can hold");
    extent *= e;
    n *= d;
    tensor.dims.push_back(d);
  }
  using DT = OnnxDataType;
  if (tensor.dataType == static_cast<int32_t>(DT::Int4) ||
      tensor.dataType == static_cast<int32_t>(DT::Uint4))
    return unpack4Bit(proto, tensor, n, what);
  int64_t size = onnxDataTypeSize(tensor.dataType);
  if (size == 0) // STRING, COMPLEX, ...: kept without data; rejected on use.
    return true;
  int64_t expected = n * size;
  std::string typeName = onnxDataTypeName(tensor.dataType);
  auto shapeText = [&] {
    std::string s = "[";
    for (size_t i = 0; i < tensor.dims.size(); ++i)
      s += (i ? "," : "") + std::to_string(tensor.dims[i]);
    return s + "]";
  };

  if (proto.data_location() == onnx::TensorProto::EXTERNAL)
    return readExternal(proto, tensor, expected, what);

  std::string &data = tensor.data;
  auto checkCount = [&](int64_t count, const char *field) {
    if (count != n)
      return fail(what + " holds " + std::to_string(count) + " values in " +
                  field + ", but its shape " + shapeText() + " needs " +
                  std::to_string(n));
    return true;
  };
  DT dt = static_cast<DT>(tensor.dataType);
  bool typed = proto.float_data_size() || proto.double_data_size() ||
               proto.int64_data_size() || proto.int32_data_size() ||
               proto.uint64_data_size();
  if (proto.has_raw_data() && typed)
    return fail(what + " has both raw_data and typed values; ONNX allows "
                       "one of them");
  if (proto.has_raw_data()) {
    data.swap(*proto.mutable_raw_data());
  } else if (dt == DT::Float && proto.float_data_size() > 0) {
    if (!checkCount(proto.float_data_size(), "float_data"))
      return false;
    data.assign(reinterpret_cast<const char *>(proto.float_data().data()),
                n * 4);
  } else if (dt == DT::Double && proto.double_data_size() > 0) {
    if (!checkCount(proto.double_data_size(), "double_data"))
      return false;
    data.assign(reinterpret_cast<const char *>(proto.double_data().data()),
                n * 8);
  } else if (dt == DT::Int64 && proto.int64_data_size() > 0) {
    if (!checkCount(proto.int64_data_size(), "int64_data"))
      return false;
    data.assign(reinterpret_cast<const char *>(proto.int64_data().data()),
                n * 8);
  } else if ((dt == DT::Uint32 || dt == DT::Uint64) &&
             proto.uint64_data_size() > 0) {
    if (!checkCount(proto.uint64_data_size(), "uint64_data"))
      return false;
    data.reserve(expected);
    for (uint64_t v : proto.uint64_data())
      appendBytes(data, v, size);
  } else if (proto.int32_data_size() > 0 &&
             (dt == DT::Int32 || dt == DT::Int16 || dt == DT::Int8 ||
              dt == DT::Uint16 || dt == DT::Uint8 || dt == DT::Bool ||
              dt == DT::Float16 || dt == DT::BFloat16)) {
    // int32_data holds the narrow types one element per entry (FLOAT16 and
    // BFLOAT16 as their bit patterns).
    if (!checkCount(proto.int32_data_size(), "int32_data"))
      return false;
    data.reserve(expected);
    for (int32_t v : proto.int32_data())
      appendBytes(data, v, size);
  } else if (n != 0) {
    if (proto.float_data_size() || proto.double_data_size() ||
        proto.int64_data_size() || proto.int32_data_size() ||
        proto.uint64_data_size())
      return fail(what + " of type " + typeName +
                  " stores its values in a field that does not match the type");
    return fail(what +
                " has no data (no raw_data, typed values or external "
                "data) for shape " +
                shapeText());
  }
  if (static_cast<int64_t>(data.size()) != expected)
    return fail(what + " holds " + std::to_string(data.size()) +
                " bytes of data, but shape " + shapeText() + " of " + typeName +
                " needs " + std::to_string(expected) +
                " (truncated or corrupt model?)");
  return true;
}

/// Whether `path` is `dir` or lies below it (both canonical, absolute).
bool isWithin(const std::filesystem::path &path,
              const std::filesystem::path &dir) {
  auto p = path.begin(), d = dir.begin();
  for (; d != dir.end(); ++d, ++p) {
    if (d->empty()) // a trailing separator of `dir`
      continue;
    if (p == path.end() || *p != *d)
      return false;
  }
  return true;
}

bool Reader::unpack4Bit(onnx::TensorProto &proto, OnnxTensor &tensor, int64_t n,
                        const std::string &what) {
  const bool isSigned =
      tensor.dataType == static_cast<int32_t>(OnnxDataType::Int4);
  const int64_t bytes = (n + 1) / 2;
  if (proto.data_location() == onnx::TensorProto::EXTERNAL) {
    if (!readExternal(proto, tensor, bytes, what))
      return false;
  } else if (proto.has_raw_data()) {
    tensor.data.swap(*proto.mutable_raw_data());
  } else if (n != 0) {
    return fail(what + " of type " + onnxDataTypeName(tensor.dataType) +
                " must keep its values in raw_data or external data");
  }
  if (static_cast<int64_t>(tensor.data.size()) != bytes)
    return fail(what + " holds " + std::to_string(tensor.data.size()) +
                " bytes of data, but its " + std::to_string(n) + " " +
                onnxDataTypeName(tensor.dataType) + " values need " +
                std::to_string(bytes) + " (truncated or corrupt model?)");
  // One value per byte: low nibble first, sign-extended for INT4.
  std::string unpacked(static_cast<size_t>(n), '\0');
  for (int64_t i = 0; i < n; ++i) {
    auto byte = static_cast<uint8_t>(tensor.data[static_cast<size_t>(i / 2)]);
    int v = i % 2 ? byte >> 4 : byte & 0xf;
    if (isSigned && v >= 8)
      v -= 16;
    unpacked[static_cast<size_t>(i)] = static_cast<char>(v);
  }
  tensor.data.swap(unpacked);
  tensor.dataType =
      static_cast<int32_t>(isSigned ? OnnxDataType::Int8 : OnnxDataType::Uint8);
  return true;
}

bool Reader::readExternal(const onnx::TensorProto &proto, OnnxTensor &tensor,
                          int64_t expectedBytes, const std::string &what) {
  namespace fs = std::filesystem;
  std::string location;
  int64_t offset = 0, length = -1;
  for (const onnx::StringStringEntryProto &e : proto.external_data()) {
    const std::string &key = e.key(), &value = e.value();
    if (key == "location") {
      location = value;
    } else if (key == "offset" || key == "length") {
      int64_t v = 0;
      std::istringstream is(value);
      if (!(is >> v) || v < 0 || !is.eof())
        return fail(what + ": external data '" + key + "' is \"" + value +
                    "\", expected a non-negative integer (at most " +
                    std::to_string(INT64_MAX) + ")");
      (key == "offset" ? offset : length) = v;
    }
  }
  if (location.empty())
    return fail(what + " is stored as external data but names no file "
                       "(no 'location' entry)");
  // The file must lie in the model's directory or below it: no absolute
  // path, no `..`, and no symbolic link that leads outside (a model must not
  // make qc read, e.g., ~/.ssh/id_rsa into a weight).
  auto refuse = [&](const std::string &why) {
    std::string shown;
    for (char c : location)
      shown += c == '\0' ? std::string("\\0") : std::string(1, c);
    return fail(what + ": external data location '" + shown + "' " + why);
  };
  if (location.find('\0') != std::string::npos)
    return refuse("contains a NUL character");
  fs::path rel(location);
  if (rel.is_absolute() || location[0] == '/')
    return refuse("must be relative to the model's directory");
  for (const fs::path &part : rel)
    if (part == "..")
      return refuse("has a '..' component; external data must lie in the "
                    "model's directory or below it");
  std::string file = modelDir + "/" + location;
  std::error_code ec;
  fs::path realDir = fs::canonical(modelDir, ec);
  if (ec)
    return fail(what + ": cannot resolve the model's directory '" + modelDir +
                "': " + ec.message());
  fs::path realFile = fs::canonical(file, ec);
  if (ec)
    return fail(what + ": cannot open external data file '" + file +
                "': " + ec.message());
  if (!isWithin(realFile, realDir))
    return refuse("resolves to '" + realFile.string() +
                  "', outside the model's directory '" + realDir.string() +
                  "' (through a symbolic link)");
  fs::file_status status = fs::status(realFile, ec);
  if (ec || !fs::is_regular_file(status))
    return fail(what + ": external data file '" + file +
                "' is not a regular file");
  if (length >= 0 && length != expectedBytes)
    return fail(what + ": external data length " + std::to_string(length) +
                " (in '" + file + "') does not match the " +
                std::to_string(expectedBytes) +
                " bytes its shape and type need");
  std::ifstream in(realFile, std::ios::binary);
  if (!in)
    return fail(what + ": cannot open external data file '" + file + "'");
  in.seekg(0, std::ios::end);
  int64_t fileSize = static_cast<int64_t>(in.tellg());
  if (fileSize < 0 || offset > fileSize || fileSize - offset < expectedBytes)
    return fail(what + ": external data file '" + file + "' has " +
                std::to_string(fileSize) + " bytes, but the tensor needs " +
                std::to_string(expectedBytes) + " bytes from offset " +
                std::to_string(offset));
  tensor.data.resize(expectedBytes);
  in.seekg(offset);
  in.read(tensor.data.data(), expectedBytes);
  if (!in)
    return fail(what + ": reading external data file '" + file + "' failed");
  return true;
}

bool Reader::convertAttribute(onnx::AttributeProto &proto, OnnxAttribute &attr,
                              const std::string &what) {
  using K = OnnxAttribute::Kind;
  attr.name = proto.name();
  attr.refAttrName = proto.ref_attr_name();
  int type = proto.type();
  if (type == onnx::AttributeProto::UNDEFINED) {
    // Old exporters leave `type` unset; the populated field tells the kind.
    if (proto.has_f())
      type = onnx::AttributeProto::FLOAT;
    else if (proto.has_i())
      type = onnx::AttributeProto::INT;
    else if (proto.has_s())
      type = onnx::AttributeProto::STRING;
    else if (proto.has_t())
      type = onnx::AttributeProto::TENSOR;
    else if (proto.has_g())
      type = onnx::AttributeProto::GRAPH;
    else if (proto.floats_size())
      type = onnx::AttributeProto::FLOATS;
    else if (proto.ints_size())
      type = onnx::AttributeProto::INTS;
    else if (proto.strings_size())
      type = onnx::AttributeProto::STRINGS;
  }
  switch (type) {
  case onnx::AttributeProto::FLOAT:
    attr.kind = K::Float;
    attr.f = proto.f();
    break;
  case onnx::AttributeProto::INT:
    attr.kind = K::Int;
    attr.i = proto.i();
    break;
  case onnx::AttributeProto::STRING:
    attr.kind = K::String;
    attr.s = proto.s();
    break;
  case onnx::AttributeProto::TENSOR:
    attr.kind = K::Tensor;
    attr.tensor = std::make_shared<OnnxTensor>();
    return convertTensor(*proto.mutable_t(), *attr.tensor,
                         "tensor attribute '" + attr.name + "' of " + what);
  case onnx::AttributeProto::GRAPH:
    attr.kind = K::Graph;
    break;
  case onnx::AttributeProto::FLOATS:
    attr.kind = K::Floats;
    attr.floats.assign(proto.floats().begin(), proto.floats().end());
    break;
  case onnx::AttributeProto::INTS:
    attr.kind = K::Ints;
    attr.ints.assign(proto.ints().begin(), proto.ints().end());
    break;
  case onnx::AttributeProto::STRINGS:
    attr.kind = K::Strings;
    attr.strings.assign(proto.strings().begin(), proto.strings().end());
    break;
  case onnx::AttributeProto::TENSORS:
    attr.kind = K::Tensors;
    break;
  case onnx::AttributeProto::GRAPHS:
    attr.kind = K::Graphs;
    break;
  case onnx::AttributeProto::SPARSE_TENSOR:
    attr.kind = K::SparseTensor;
    break;
  default:
    attr.kind = K::Other;
    break;
  }
  return true;
}

bool readModel(const std::string &path, OnnxModel &model, std::string &error) {
  auto fail = [&](const char *message) {
    error = message;
    return false;
  };
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return fail("cannot open the file");
  // One read of the whole file (an istreambuf_iterator copy goes byte by
  // byte: a third of ResNet-18's import time).
  in.seekg(0, std::ios::end);
  std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  if (size < 0 || !in)
    return fail("reading the file failed");
  if (size == 0)
    return fail("the file is empty, expected an ONNX model");
  if (size > static_cast<std::streamoff>(INT_MAX))
    return fail("the file is larger than 2 GiB, the most protobuf can "
                "parse; store the weights as external data");
  std::string bytes(static_cast<size_t>(size), '\0');
  if (!in.read(bytes.data(), size))
    return fail("reading the file failed");

  onnx::ModelProto proto;
  {
    google::protobuf::io::ArrayInputStream stream(
        bytes.data(), static_cast<int>(bytes.size()));
    google::protobuf::io::CodedInputStream coded(&stream);
    coded.SetTotalBytesLimit(INT_MAX);
    if (!proto.ParseFromCodedStream(&coded) || !coded.ConsumedEntireMessage())
      return fail("cannot parse the file as an ONNX model (protobuf "
                  "ModelProto): not an ONNX file, or truncated or corrupt");
  }
  bytes.clear();
  bytes.shrink_to_fit();
  if (!proto.has_graph() && proto.opset_import_size() == 0)
    return fail("the file parsed as protobuf but is not an ONNX model "
                "(it has no graph and no opset_import)");
  Reader reader(path, error);
  return reader.convertModel(proto, model);
}

} // namespace

bool readOnnxModel(const std::string &path, OnnxModel &model,
                   std::string &error) {
  try {
    return readModel(path, model, error);
  } catch (const std::bad_alloc &) {
    error = "out of memory while reading the model";
  } catch (const std::exception &e) {
    error = std::string("reading the model failed: ") + e.what();
  }
  return false;
}

} // namespace mlir::qc
