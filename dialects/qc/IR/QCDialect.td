//===- QCDialect.td - the qc dialect, shared constraints --*- tablegen -*-===//
#ifndef QC_DIALECT_QCDIALECT_TD
#define QC_DIALECT_QCDIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def QC_Dialect : Dialect {
  let name = "qc";
  let cppNamespace = "::mlir::qc";
  let summary = "Graph-mode quantization compiler dialect";
  let description = [{
    The `qc` dialect holds a whole model as one `func.func`: float graph ops
    (convolution, matmul, elementwise, pooling, shape ops), and, after
    quantization, the quantize / dequantize / observe ops and the integer ops
    that the code generator lowers to machine code.
  }];
  let hasConstantMaterializer = 1;
  let useDefaultAttributePrinterParser = 1;
  let extraClassDeclaration = [{
    void registerAttributes();
  }];
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def QC_FloatTensor : RankedTensorOf<[F32]>;
def QC_AnyTensor : RankedTensorOf<[AnyType]>;
def QC_Tensor4D : 4DTensorOf<[F32]>;

//===----------------------------------------------------------------------===//
// Base classes
//===----------------------------------------------------------------------===//

/// Result-type inference through the op's adaptor, as MLIR's
/// InferTypeOpAdaptorWithIsCompatible, except that the generic entry point
/// (used by the verifier, the custom-format parser and `createInferred`)
/// goes through `detail::inferReturnTypesChecked` (QCOps.h): it checks what
/// the shape rules rely on (required attributes present and well-typed,
/// ranked tensor operands) and reads the attributes of an op that is still
/// being parsed, which are not yet in its properties.
def QC_InferTypeOpAdaptor : TraitList<[
  DeclareOpInterfaceMethods<InferTypeOpInterface>,
  NativeOpTrait<
    /*name=*/"InferTypeOpAdaptor",
    /*traits=*/[],
    /*extraOpDeclaration=*/[{
      static ::llvm::LogicalResult
      inferReturnTypes(::mlir::MLIRContext *context,
                       ::std::optional<::mlir::Location> location,
                       Adaptor adaptor,
                       ::llvm::SmallVectorImpl<::mlir::Type> &inferredReturnTypes);
      static bool isCompatibleReturnTypes(::mlir::TypeRange l,
                                          ::mlir::TypeRange r);
    }],
    /*extraOpDefinition=*/[{
      ::llvm::LogicalResult $cppClass::inferReturnTypes(
          ::mlir::MLIRContext *context,
          ::std::optional<::mlir::Location> location,
          ::mlir::ValueRange operands, ::mlir::DictionaryAttr attributes,
          ::mlir::OpaqueProperties properties, ::mlir::RegionRange regions,
          ::llvm::SmallVectorImpl<::mlir::Type> &inferredReturnTypes) {
        return ::mlir::qc::detail::inferReturnTypesChecked<$cppClass>(
            context, location, operands, attributes, properties, regions,
            inferredReturnTypes);
      }
      bool $cppClass::isCompatibleReturnTypes(::mlir::TypeRange l,
                                              ::mlir::TypeRange r) {
        return ::mlir::qc::detail::areCompatibleTypes(l, r);
      }
    }]
  >
]>;

class QC_Op<string mnemonic, list<Trait> traits = []>
    : Op<QC_Dialect, mnemonic,
         !listconcat(traits, [Pure, QC_InferTypeOpAdaptor])>;

/// Elementwise op with one float operand and a result of the same type.
/// (Its result-type rule is generated from SameOperandsAndResultType.)
class QC_UnaryOp<string mnemonic, string desc, list<Trait> traits = []>
    : Op<QC_Dialect, mnemonic,
         !listconcat(traits, [Pure, SameOperandsAndResultType,
                              DeclareOpInterfaceMethods<InferTypeOpInterface>])> {
  let summary = desc;
  let arguments = (ins QC_FloatTensor:$input);
  let results = (outs QC_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  // No shape rule runs for these ops, so the verifier checks the size limit
  // of TensorSize.h itself (a function argument may be too large).
  let hasVerifier = 1;
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::verify() {
      return ::mlir::qc::detail::checkTensorSizes(
          getLoc(), getOperationName(), "operand", getInput().getType());
    }
  }];
}

/// Elementwise binary op with numpy / ONNX multidirectional broadcasting.
class QC_BinaryOp<string mnemonic, string desc, list<Trait> traits = []>
    : QC_Op<mnemonic, traits> {
  let summary = desc;
  let description = [{
    Elementwise `}] # desc # [{` with numpy-style (ONNX multidirectional)
    broadcasting of `lhs` and `rhs`.

    ```mlir
    %0 = qc.}] # mnemonic # [{ %a, %b : (tensor<1x8x4x4xf32>, tensor<8x1x1xf32>) -> tensor<1x8x4x4xf32>
    ```
  }];
  let arguments = (ins QC_FloatTensor:$lhs, QC_FloatTensor:$rhs);
  let results = (outs QC_FloatTensor:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
}

#endif // QC_DIALECT_QCDIALECT_TD
