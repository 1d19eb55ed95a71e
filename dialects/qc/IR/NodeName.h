//===- NodeName.h - The model's layer name carried by a location ----------===//
//
// The importer gives every op a NameLoc with its ONNX node name; the name
// survives saving, loading and the passes (docs/architecture.md). Selectors,
// qc debug and --mixed-precision all read it through this one function.
//
//===----------------------------------------------------------------------===//
#ifndef QC_DIALECTS_QC_IR_NODENAME_H
#define QC_DIALECTS_QC_IR_NODENAME_H

#include <string>

#include "mlir/IR/Location.h"

namespace mlir::qc {

/// The model's node name carried by \p loc (a NameLoc, possibly inside a
/// fused or call-site location), or "" when it carries none.
inline std::string nodeName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (std::string n = nodeName(inner); !n.empty())
        return n;
  if (auto callSite = dyn_cast<CallSiteLoc>(loc))
    return nodeName(callSite.getCallee());
  return "";
}

} // namespace mlir::qc

#endif // QC_DIALECTS_QC_IR_NODENAME_H
