//===- QCAttrs.td - quantization spec attributes ----------*- tablegen -*-===//
//
// What a Quantizer attaches to op inputs and outputs (as the `qc.input_specs`
// and `qc.output_specs` array attributes, one entry per operand / result;
// `unit` marks an edge that stays float). The four kinds mirror PyTorch
// PT2E's QuantizationSpec, SharedQuantizationSpec, DerivedQuantizationSpec
// and FixedQParamsQuantizationSpec.
//
//===----------------------------------------------------------------------===//
#ifndef QC_DIALECT_QCATTRS_TD
#define QC_DIALECT_QCATTRS_TD

include "dialects/qc/IR/QCDialect.td"

class QC_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<QC_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

def QC_QuantSpecAttr : QC_Attr<"QuantSpec", "spec"> {
  let summary = "how one tensor edge is quantized (observed and calibrated)";
  let description = [{
    `dtype` is the storage type (`ui8`, `i8`, `i16`, `i32`), `quant_min` /
    `quant_max` the integer range (a reduced range for `reduce_range`),
    `symmetric` selects symmetric vs affine qparams, `axis` the per-channel
    axis (-1: per tensor), `observer` the observer kind and
    `observer_options` its options, `dynamic` marks an activation whose
    qparams are chosen at run time, `per_token` (dynamic only) chooses them
    for each row of the last dimension instead of the whole tensor.

    ```mlir
    #qc.spec<dtype = ui8, quant_min = 0, quant_max = 255, symmetric = false,
             observer = "histogram">
    #qc.spec<dtype = i8, quant_min = -127, quant_max = 127, symmetric = true,
             axis = 0, observer = "per_channel_minmax">
    ```
  }];
  let parameters = (ins
    "::mlir::Type":$dtype,
    "int64_t":$quant_min,
    "int64_t":$quant_max,
    "bool":$symmetric,
    DefaultValuedParameter<"int64_t", "-1">:$axis,
    StringRefParameter<"observer kind">:$observer,
    OptionalParameter<"::mlir::DictionaryAttr">:$observer_options,
    DefaultValuedParameter<"bool", "false">:$dynamic,
    DefaultValuedParameter<"bool", "false">:$per_token
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def QC_SharedSpecAttr : QC_Attr<"SharedSpec", "shared"> {
  let summary = "this edge uses the same qparams as the op's input edge `input`";
  let description = [{
    For ops that do not change values' range (max pool, reshape, concat, ...):
    the output (or another input) shares one observer with input edge
    `input` of the same op.

    ```mlir
    #qc.shared<input = 0>
    ```
  }];
  let parameters = (ins "int64_t":$input);
  let assemblyFormat = "`<` struct(params) `>`";
}

def QC_DerivedSpecAttr : QC_Attr<"DerivedSpec", "derived"> {
  let summary = "qparams derived from other edges: scale = product of their scales, zero point 0";
  let description = [{
    The bias of conv / linear: `scale[c] = s_input * s_weight[c]`, zero point
    0, stored as `dtype` (i32) over `[quant_min, quant_max]`, per channel
    along `axis` when the weight is per channel.

    ```mlir
    #qc.derived<inputs = [0, 1], dtype = i32, quant_min = -2147483648,
                quant_max = 2147483647, axis = 0>
    ```
  }];
  let parameters = (ins
    "::mlir::DenseI64ArrayAttr":$inputs,
    "::mlir::Type":$dtype,
    "int64_t":$quant_min,
    "int64_t":$quant_max,
    DefaultValuedParameter<"int64_t", "-1">:$axis
  );
  let assemblyFormat = "`<` struct(params) `>`";
}

def QC_FixedSpecAttr : QC_Attr<"FixedSpec", "fixed"> {
  let summary = "fixed qparams for ops with a known output range (sigmoid, softmax, tanh, ...)";
  let description = [{
    ```mlir
    #qc.fixed<scale = 3.906250e-03 : f32, zero_point = 0, dtype = ui8,
              quant_min = 0, quant_max = 255>
    ```
  }];
  let parameters = (ins
    "::mlir::FloatAttr":$scale,
    "int64_t":$zero_point,
    "::mlir::Type":$dtype,
    "int64_t":$quant_min,
    "int64_t":$quant_max
  );
  let assemblyFormat = "`<` struct(params) `>`";
}

#endif // QC_DIALECT_QCATTRS_TD
