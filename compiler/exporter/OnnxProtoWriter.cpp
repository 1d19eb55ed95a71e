//===- OnnxProtoWriter.cpp - plain ONNX structs -> ModelProto file --------===//
//
// The only exporter file that includes protobuf's and ONNX's generated
// headers; built with the compiler's defaults (RTTI, exceptions), like
// compiler/importer/OnnxProtoReader.cpp.
//
//===----------------------------------------------------------------------===//
#include "compiler/exporter/OnnxProtoWriter.h"

#include "support/OutputFile.h"

#include <onnx/onnx_pb.h>

#include <climits>
#include <exception>

using namespace mlir::qc;

namespace {

void fillTensor(const OnnxTensor &t, onnx::TensorProto &p) {
  p.set_name(t.name);
  p.set_data_type(t.dataType);
  for (int64_t d : t.dims)
    p.add_dims(d);
  p.set_raw_data(t.data);
}

void fillValueInfo(const OnnxValueInfo &v, onnx::ValueInfoProto &p) {
  p.set_name(v.name);
  onnx::TypeProto_Tensor *tt = p.mutable_type()->mutable_tensor_type();
  tt->set_elem_type(v.elemType);
  if (!v.hasShape)
    return;
  onnx::TensorShapeProto *shape = tt->mutable_shape();
  for (const OnnxDim &d : v.dims) {
    onnx::TensorShapeProto_Dimension *dim = shape->add_dim();
    if (d.value >= 0)
      dim->set_dim_value(d.value);
    else if (!d.param.empty())
      dim->set_dim_param(d.param);
  }
}

bool fillAttribute(const OnnxAttribute &a, onnx::AttributeProto &p,
                   std::string &error) {
  p.set_name(a.name);
  switch (a.kind) {
  case OnnxAttribute::Kind::Float:
    p.set_type(onnx::AttributeProto::FLOAT);
    p.set_f(a.f);
    return true;
  case OnnxAttribute::Kind::Int:
    p.set_type(onnx::AttributeProto::INT);
    p.set_i(a.i);
    return true;
  case OnnxAttribute::Kind::String:
    p.set_type(onnx::AttributeProto::STRING);
    p.set_s(a.s);
    return true;
  case OnnxAttribute::Kind::Ints:
    p.set_type(onnx::AttributeProto::INTS);
    for (int64_t v : a.ints)
      p.add_ints(v);
    return true;
  case OnnxAttribute::Kind::Floats:
    p.set_type(onnx::AttributeProto::FLOATS);
    for (float v : a.floats)
      p.add_floats(v);
    return true;
  case OnnxAttribute::Kind::Tensor:
    if (!a.tensor)
      break;
    p.set_type(onnx::AttributeProto::TENSOR);
    fillTensor(*a.tensor, *p.mutable_t());
    return true;
  default:
    break;
  }
  error = "attribute '" + a.name + "' has a kind the writer does not support";
  return false;
}

} // namespace

bool mlir::qc::writeOnnxModel(const std::string &path, const OnnxModel &model,
                              std::string &error) {
  try {
    onnx::ModelProto proto;
    proto.set_ir_version(model.irVersion);
    proto.set_producer_name(model.producerName);
    proto.set_producer_version(model.producerVersion);
    for (const auto &[domain, version] : model.opsets) {
      onnx::OperatorSetIdProto *op = proto.add_opset_import();
      op->set_domain(domain);
      op->set_version(version);
    }
    onnx::GraphProto *graph = proto.mutable_graph();
    graph->set_name(model.graph.name);
    for (const OnnxNode &n : model.graph.nodes) {
      onnx::NodeProto *node = graph->add_node();
      node->set_name(n.name);
      node->set_op_type(n.opType);
      if (!n.domain.empty())
        node->set_domain(n.domain);
      for (const std::string &in : n.inputs)
        node->add_input(in);
      for (const std::string &out : n.outputs)
        node->add_output(out);
      for (const OnnxAttribute &a : n.attributes)
        if (!fillAttribute(a, *node->add_attribute(), error)) {
          error = "node '" + n.name + "': " + error;
          return false;
        }
    }
    for (const OnnxTensor &t : model.graph.initializers)
      fillTensor(t, *graph->add_initializer());
    for (const OnnxValueInfo &v : model.graph.inputs)
      fillValueInfo(v, *graph->add_input());
    for (const OnnxValueInfo &v : model.graph.outputs)
      fillValueInfo(v, *graph->add_output());

    // Serialized in memory, then written through a temporary file: a
    // failure (a full disk, a file-size limit) leaves no truncated model
    // and keeps the previous one.
    if (proto.ByteSizeLong() > static_cast<size_t>(INT_MAX)) {
      error = "the model is larger than 2 GiB, protobuf's limit for one "
              "message (ONNX external data is not written yet)";
      return false;
    }
    std::string bytes;
    if (!proto.SerializeToString(&bytes)) {
      error = "protobuf serialization failed";
      return false;
    }
    ::qc::OutputFile out;
    if (!out.open(path).ok() || !out.write(bytes).ok() ||
        !out.commit().ok()) {
      error = out.errorReason();
      return false;
    }
    return true;
  } catch (const std::exception &e) {
    error = std::string("protobuf error: ") + e.what();
    return false;
  }
}
