//===- ImportRecurrent.cpp - LSTM, GRU and RNN, unrolled ------------------===//
//
// ONNX's recurrent layers as compositions of qc ops, unrolled over the
// static sequence length. Per direction, one qc.linear computes the input
// projection X·Wᵀ + bias of every time step at once ([T, B, gates·H]); each
// step then slices its row, adds the qc.linear of the previous hidden state
// by R and applies the gate arithmetic (qc.slice, qc.add, qc.mul, qc.sub,
// qc.sigmoid, qc.tanh). There is no recurrent op: the reference executor,
// both quantizers, the integer lowering, native code and the ONNX export
// already handle every op used (docs/architecture.md, "Recurrent layers").
//
//===----------------------------------------------------------------------===//
#include "compiler/importer/ImporterImpl.h"

#include <map>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::importer;

namespace {

/// The most time steps x directions qc unrolls (about 16 ops each).
constexpr int64_t kMaxUnrolledSteps = 4096;

enum class Cell { LSTM, GRU, RNN };

/// One LSTM / GRU / RNN node being imported: its attributes, its constant
/// weights, and the steps that build the unrolled program.
class RecurrentImporter {
public:
  RecurrentImporter(Importer &im, const NodeRef &n) : im(im), n(n) {
    StringRef type = n.node.opType;
    cell = type == "LSTM" ? Cell::LSTM : type == "GRU" ? Cell::GRU : Cell::RNN;
    gates = cell == Cell::LSTM ? 4 : cell == Cell::GRU ? 3 : 1;
  }

  LogicalResult run() {
    if (failed(readAttributes()) || failed(readInputs()) ||
        failed(readWeights()))
      return failure();
    SmallVector<Value> ys, hs, cs;
    for (int64_t d = 0; d < directions; ++d) {
      bool backwards = reverse || d == 1;
      SmallVector<Value> y(steps);
      Value h, c;
      if (failed(runDirection(d, backwards, y, h, c)))
        return failure();
      FailureOr<Value> yd = concat(y, 0);
      if (failed(yd))
        return failure();
      yd = im.reshape(n, *yd, {steps, 1, batchOrDynamic(), hidden});
      if (failed(yd))
        return failure();
      ys.push_back(*yd);
      hs.push_back(h);
      cs.push_back(c);
    }
    return setOutputs(ys, hs, cs);
  }

private:
  //===------------------------------------------------------------------===//
  // Reading the node
  //===------------------------------------------------------------------===//

  LogicalResult readAttributes() {
    FailureOr<int64_t> h = im.intAttr(n, "hidden_size", std::nullopt);
    FailureOr<std::string> dir = im.stringAttr(n, "direction", "forward");
    FailureOr<int64_t> lay = im.flagAttr(n, "layout", 0);
    if (failed(h) || failed(dir) || failed(lay))
      return failure();
    if (*h <= 0 || *h > (1 << 20))
      return im.badAttr(n, "hidden_size", Twine(*h))
             << "; expected 1 to " << (1 << 20);
    hidden = *h;
    if (*dir == "forward" || *dir == "reverse") {
      directions = 1;
      reverse = *dir == "reverse";
    } else if (*dir == "bidirectional") {
      directions = 2;
    } else {
      return im.badAttr(n, "direction", "\"" + *dir + "\"")
             << "; expected \"forward\", \"reverse\" or \"bidirectional\"";
    }
    batchFirst = *lay == 1;
    if (const OnnxAttribute *clip = im.attr(n, "clip"))
      return im.badAttr(n, "clip", numberText(clip->f))
             << "; qc does not clip the gate inputs of recurrent layers";
    for (StringRef name : {"activation_alpha", "activation_beta"})
      if (im.attr(n, name))
        return im.badAttr(n, name, "(given)")
               << "; qc supports the default activations only, which take "
                  "no parameters";
    if (failed(checkActivations()))
      return failure();
    if (cell == Cell::LSTM) {
      FailureOr<int64_t> coupled = im.flagAttr(n, "input_forget", 0);
      if (failed(coupled))
        return failure();
      if (*coupled)
        return im.badAttr(n, "input_forget", "1")
               << "; qc supports separate input and forget gates only (0)";
    }
    if (cell == Cell::GRU) {
      FailureOr<int64_t> lbr = im.flagAttr(n, "linear_before_reset", 0);
      if (failed(lbr))
        return failure();
      linearBeforeReset = *lbr == 1;
    }
    return success();
  }

  /// The `activations` attribute, if given, must name ONNX's defaults.
  LogicalResult checkActivations() {
    const OnnxAttribute *a = im.attr(n, "activations");
    if (!a)
      return success();
    if (a->kind != OnnxAttribute::Kind::Strings)
      return im.badAttr(n, "activations", "(not a list of strings)")
             << "; expected STRINGS";
    SmallVector<StringRef> perDirection;
    if (cell == Cell::LSTM)
      perDirection = {"Sigmoid", "Tanh", "Tanh"};
    else if (cell == Cell::GRU)
      perDirection = {"Sigmoid", "Tanh"};
    else
      perDirection = {"Tanh"};
    std::string expected, given;
    for (int64_t d = 0; d < directions; ++d)
      for (StringRef s : perDirection)
        expected += (expected.empty() ? "" : ", ") + ("\"" + s + "\"").str();
    for (const std::string &s : a->strings)
      given += (given.empty() ? "" : ", ") + ("\"" + s + "\"");
    bool ok = a->strings.size() == perDirection.size() * directions;
    for (size_t i = 0; ok && i < a->strings.size(); ++i)
      ok = StringRef(a->strings[i])
               .equals_insensitive(perDirection[i % perDirection.size()]);
    if (!ok)
      return im.badAttr(n, "activations", "[" + given + "]")
             << "; qc supports the default activations only: [" << expected
             << "]";
    return success();
  }

  LogicalResult readInputs() {
    FailureOr<Value> xv = im.floatInput(n, 0);
    if (failed(xv))
      return failure();
    auto type = cast<RankedTensorType>(xv->getType());
    if (type.getRank() != 3)
      return im.error(n) << "input X must be 3-D, got " << xv->getType();
    int64_t tAxis = batchFirst ? 1 : 0, bAxis = batchFirst ? 0 : 1;
    steps = type.getDimSize(tAxis);
    batch = type.getDimSize(bAxis);
    inputSize = type.getDimSize(2);
    if (ShapedType::isDynamic(steps) || ShapedType::isDynamic(inputSize))
      return im.error(n) << "the sequence length and input size of X "
                         << shapeText(type.getShape())
                         << " must be static (qc unrolls the sequence); "
                            "bind them with --input-shape";
    if (steps == 0)
      return im.error(n) << "X has an empty sequence";
    if (steps * directions > kMaxUnrolledSteps)
      return im.error(n) << "a sequence of " << steps << " steps in "
                         << directions << " direction(s) is more than the "
                         << kMaxUnrolledSteps << " steps qc unrolls";
    x = *xv;
    if (batchFirst) {
      FailureOr<Value> t =
          im.create<TransposeOp>(n, x, {im.i64s("perm", {1, 0, 2})});
      if (failed(t))
        return failure();
      x = *t;
    }
    if (im.hasInput(n, 4)) {
      FailureOr<SmallVector<int64_t>> lens =
          im.requireInts(n, 4, "sequence_lens");
      if (failed(lens))
        return failure();
      for (int64_t len : *lens)
        if (len != steps)
          return im.error(n) << "sequence_lens " << listText(*lens)
                             << ": qc supports sequences of the full length "
                             << steps << " only";
    }
    if (failed(readState(5, "initial_h", initialH)))
      return failure();
    if (cell == Cell::LSTM && failed(readState(6, "initial_c", initialC)))
      return failure();
    return success();
  }

  /// An initial state input, as [D, B, H] (transposed from [B, D, H] for
  /// layout 1); null when absent.
  LogicalResult readState(size_t i, StringRef what, Value &state) {
    if (!im.hasInput(n, i))
      return success();
    // A known all-zero state (PyTorch exports zeros expanded to the batch)
    // is the same as none, and saves the first step's recurrent product.
    if (const KnownTensor *k = im.known(n, i)) {
      bool zeros = k->isFullyKnown();
      for (int64_t e = 0; zeros && e < k->numElements(); ++e)
        zeros = k->asDouble(e) == 0.0;
      if (zeros)
        return success();
    }
    FailureOr<Value> v = im.floatInput(n, i);
    if (failed(v))
      return failure();
    state = *v;
    if (batchFirst) {
      FailureOr<Value> t =
          im.create<TransposeOp>(n, state, {im.i64s("perm", {1, 0, 2})});
      if (failed(t))
        return failure();
      state = *t;
    }
    auto type = cast<RankedTensorType>(state.getType());
    SmallVector<int64_t> want = {directions, batch, hidden};
    bool ok = type.getRank() == 3;
    for (int64_t k = 0; ok && k < 3; ++k)
      ok = type.getDimSize(k) == want[k] ||
           (ShapedType::isDynamic(type.getDimSize(k)) && k == 1);
    if (!ok)
      return im.error(n)
             << what << " has shape "
             << shapeText(cast<RankedTensorType>(v->getType()).getShape())
             << ", expected "
             << shapeText(batchFirst
                              ? SmallVector<int64_t>{batch, directions, hidden}
                              : want);
    return success();
  }

  /// A constant float input of shape `want`; `required` or zeros.
  LogicalResult readConstant(size_t i, StringRef what, ArrayRef<int64_t> want,
                             bool required, std::vector<float> &data) {
    int64_t count = 1;
    for (int64_t d : want)
      count *= d;
    if (!im.hasInput(n, i)) {
      if (required)
        return im.error(n) << "the " << what << " (input #" << i
                           << ") is required but missing";
      data.assign(count, 0.0f);
      return success();
    }
    SmallVector<int64_t> shape;
    if (!im.constantFloats(n, i, shape, data)) {
      // requireKnown explains what is missing (and suggests --const-input
      // for a graph input).
      if (failed(im.requireKnown(n, i, what)))
        return failure();
      return im.error(n) << "the " << what << " (input #" << i
                         << ") must be a float constant";
    }
    if (ArrayRef<int64_t>(shape) != want)
      return im.error(n) << "the " << what << " has shape " << shapeText(shape)
                         << ", expected " << shapeText(want);
    if (failed(im.checkFiniteConstant(n, i, what)))
      return failure();
    return success();
  }

  LogicalResult readWeights() {
    int64_t rows = gates * hidden;
    if (failed(readConstant(1, "W", {directions, rows, inputSize}, true, w)) ||
        failed(readConstant(2, "R", {directions, rows, hidden}, true, r)) ||
        failed(readConstant(3, "B", {directions, 2 * rows}, false, bias)))
      return failure();
    if (cell == Cell::LSTM &&
        failed(readConstant(7, "P", {directions, 3 * hidden}, false, peep)))
      return failure();
    hasPeepholes = llvm::any_of(peep, [](float v) { return v != 0.0f; });
    return success();
  }

  //===------------------------------------------------------------------===//
  // Building ops
  //===------------------------------------------------------------------===//

  int64_t batchOrDynamic() const {
    return ShapedType::isDynamic(batch) ? -1 : batch;
  }

  std::string hint(StringRef what, int64_t d) const {
    return (n.label + "_" + what + "_" + Twine(d)).str();
  }

  FailureOr<Value> slice(Value v, int64_t axis, int64_t begin, int64_t end) {
    return im.create<SliceOp>(n, v,
                              {im.i64s("starts", {begin}),
                               im.i64s("ends", {end}), im.i64s("axes", {axis}),
                               im.i64s("steps", {1})});
  }
  /// Gate `g` (columns g·H .. (g+1)·H) of a [1, B, k·H] value.
  FailureOr<Value> gate(Value v, int64_t g) {
    return slice(v, 2, g * hidden, (g + 1) * hidden);
  }
  FailureOr<Value> concat(ArrayRef<Value> values, int64_t axis) {
    if (values.size() == 1)
      return values[0];
    return im.create<ConcatOp>(
        n, values, {im.named("axis", im.b().getI64IntegerAttr(axis))});
  }
  template <typename OpTy> FailureOr<Value> apply(FailureOr<Value> a) {
    if (failed(a))
      return failure();
    return im.create<OpTy>(n, *a);
  }
  template <typename OpTy>
  FailureOr<Value> apply(FailureOr<Value> a, FailureOr<Value> b) {
    if (failed(a) || failed(b))
      return failure();
    return im.create<OpTy>(n, {*a, *b});
  }

  /// A constant made once per node and `key` (every step of a direction
  /// reads the same weights).
  FailureOr<Value> cachedConstant(const std::string &key,
                                  ArrayRef<int64_t> shape,
                                  function_ref<std::vector<float>()> data) {
    auto it = constants.find(key);
    if (it != constants.end())
      return it->second;
    FailureOr<Value> c = im.makeConstant(n, shape, data(), key);
    if (succeeded(c))
      constants[key] = *c;
    return c;
  }

  /// `input · M[rows]ᵀ (+ biasData)` where M is direction d of W or R.
  FailureOr<Value> linear(Value input, const std::vector<float> &m,
                          int64_t cols, int64_t d, int64_t rowBegin,
                          int64_t rowEnd, ArrayRef<float> biasData,
                          StringRef what) {
    FailureOr<Value> weight =
        cachedConstant(hint(what, d), {rowEnd - rowBegin, cols}, [&] {
          int64_t perDirection = gates * hidden * cols;
          auto first = m.begin() + d * perDirection + rowBegin * cols;
          return std::vector<float>(first, first + (rowEnd - rowBegin) * cols);
        });
    if (failed(weight))
      return failure();
    SmallVector<Value> operands = {input, *weight};
    if (!biasData.empty()) {
      FailureOr<Value> b = cachedConstant(
          hint((what + "_bias").str(), d),
          {static_cast<int64_t>(biasData.size())},
          [&] { return std::vector<float>(biasData.begin(), biasData.end()); });
      if (failed(b))
        return failure();
      operands.push_back(*b);
    }
    return im.create<LinearOp>(n, operands);
  }

  /// A constant [H] slice of a per-direction vector (bias, peepholes).
  FailureOr<Value> vectorConstant(const std::vector<float> &v, int64_t stride,
                                  int64_t d, int64_t offset, StringRef what) {
    return cachedConstant(hint(what, d), {hidden}, [&] {
      auto first = v.begin() + d * stride + offset;
      return std::vector<float>(first, first + hidden);
    });
  }

  //===------------------------------------------------------------------===//
  // The recurrence
  //===------------------------------------------------------------------===//

  /// Bias of the input projection: Wb + Rb, except GRU's hidden-gate Rb with
  /// linear_before_reset (it is multiplied by the reset gate, so it belongs
  /// to the recurrent product).
  std::vector<float> projectionBias(int64_t d) const {
    int64_t rows = gates * hidden;
    std::vector<float> b(rows);
    const float *wb = bias.data() + d * 2 * rows, *rb = wb + rows;
    for (int64_t k = 0; k < rows; ++k) {
      bool recurrentOnly =
          cell == Cell::GRU && linearBeforeReset && k >= 2 * hidden;
      b[k] = recurrentOnly ? wb[k] : wb[k] + rb[k];
    }
    return b;
  }

  LogicalResult runDirection(int64_t d, bool backwards,
                             MutableArrayRef<Value> y, Value &h, Value &c) {
    // All time steps' input projections: [T, B, gates·H].
    xp = linear(x, w, inputSize, d, 0, gates * hidden, projectionBias(d), "W");
    if (failed(xp))
      return failure();
    h = Value(), c = Value();
    for (auto [initial, state] :
         {std::pair(initialH, &h), std::pair(initialC, &c)}) {
      if (!initial)
        continue;
      FailureOr<Value> v = directions == 1 ? FailureOr<Value>(initial)
                                           : slice(initial, 0, d, d + 1);
      if (failed(v))
        return failure();
      *state = *v;
    }
    for (int64_t k = 0; k < steps; ++k) {
      int64_t t = backwards ? steps - 1 - k : k;
      FailureOr<Value> xt = slice(*xp, 0, t, t + 1);
      if (failed(xt))
        return failure();
      LogicalResult stepped = cell == Cell::LSTM  ? lstmStep(d, *xt, h, c)
                              : cell == Cell::GRU ? gruStep(d, *xt, h)
                                                  : rnnStep(d, *xt, h);
      if (failed(stepped))
        return failure();
      y[t] = h;
    }
    return success();
  }

  /// LSTM, gates in ONNX's order i, o, f, c:
  ///   C = f ⊙ C + i ⊙ tanh(c);  H = o ⊙ tanh(C)
  /// with i, f, o the sigmoids of their pre-activations (plus the
  /// peephole terms P ⊙ C).
  LogicalResult lstmStep(int64_t d, Value xt, Value &h, Value &c) {
    FailureOr<Value> pre = xt;
    if (h)
      pre = apply<AddOp>(xt, linear(h, r, hidden, d, 0, 4 * hidden, {}, "R"));
    if (failed(pre))
      return failure();
    FailureOr<Value> iPre = gate(*pre, 0), oPre = gate(*pre, 1),
                     fPre = gate(*pre, 2), cPre = gate(*pre, 3);
    int64_t pStride = 3 * hidden;
    if (hasPeepholes && c) {
      iPre = apply<AddOp>(
          iPre, apply<MulOp>(vectorConstant(peep, pStride, d, 0, "Pi"), c));
      fPre = apply<AddOp>(
          fPre,
          apply<MulOp>(vectorConstant(peep, pStride, d, 2 * hidden, "Pf"), c));
    }
    FailureOr<Value> ig = apply<SigmoidOp>(iPre), cg = apply<TanhOp>(cPre);
    FailureOr<Value> newC = apply<MulOp>(ig, cg);
    if (c)
      newC = apply<AddOp>(apply<MulOp>(apply<SigmoidOp>(fPre), c), newC);
    if (failed(newC))
      return failure();
    if (hasPeepholes)
      oPre = apply<AddOp>(
          oPre,
          apply<MulOp>(vectorConstant(peep, pStride, d, hidden, "Po"), *newC));
    FailureOr<Value> newH =
        apply<MulOp>(apply<SigmoidOp>(oPre), apply<TanhOp>(*newC));
    if (failed(newH))
      return failure();
    h = *newH;
    c = *newC;
    return success();
  }

  /// GRU, gates in ONNX's order z, r, h:
  ///   h~ = tanh(xh + (r ⊙ H)·Rhᵀ + Rbh)      (linear_before_reset = 0)
  ///   h~ = tanh(xh + r ⊙ (H·Rhᵀ + Rbh))      (linear_before_reset = 1)
  ///   H = (1 - z) ⊙ h~ + z ⊙ H
  LogicalResult gruStep(int64_t d, Value xt, Value &h) {
    FailureOr<Value> zPre = gate(xt, 0), rPre = gate(xt, 1), hPre = gate(xt, 2);
    if (h) {
      // z and r (and, with linear_before_reset, h) from one product.
      int64_t rows = linearBeforeReset ? 3 * hidden : 2 * hidden;
      std::vector<float> hb;
      if (linearBeforeReset) {
        hb.assign(rows, 0.0f);
        const float *rb = bias.data() + d * 6 * hidden + 3 * hidden;
        std::copy(rb + 2 * hidden, rb + 3 * hidden, hb.begin() + 2 * hidden);
      }
      FailureOr<Value> hr = linear(h, r, hidden, d, 0, rows, hb, "R");
      if (failed(hr))
        return failure();
      zPre = apply<AddOp>(zPre, gate(*hr, 0));
      rPre = apply<AddOp>(rPre, gate(*hr, 1));
      FailureOr<Value> rg = apply<SigmoidOp>(rPre);
      if (linearBeforeReset) {
        hPre = apply<AddOp>(hPre, apply<MulOp>(rg, gate(*hr, 2)));
      } else {
        FailureOr<Value> rh = apply<MulOp>(rg, h);
        if (failed(rh))
          return failure();
        hPre = apply<AddOp>(
            hPre, linear(*rh, r, hidden, d, 2 * hidden, 3 * hidden, {}, "Rh"));
      }
    } else if (linearBeforeReset && hasRecurrentHiddenBias(d)) {
      // H = 0: the recurrent product is its bias Rbh alone.
      hPre = apply<AddOp>(
          hPre,
          apply<MulOp>(apply<SigmoidOp>(rPre),
                       vectorConstant(bias, 6 * hidden, d, 5 * hidden, "Rbh")));
    }
    FailureOr<Value> zg = apply<SigmoidOp>(zPre);
    FailureOr<Value> candidate = apply<TanhOp>(hPre);
    FailureOr<Value> one = cachedConstant(hint("one", d), {},
                                          [] { return std::vector<float>{1}; });
    FailureOr<Value> newH = apply<MulOp>(apply<SubOp>(one, zg), candidate);
    if (h)
      newH = apply<AddOp>(newH, apply<MulOp>(zg, h));
    if (failed(newH))
      return failure();
    h = *newH;
    return success();
  }

  bool hasRecurrentHiddenBias(int64_t d) const {
    const float *rbh = bias.data() + d * 6 * hidden + 5 * hidden;
    return std::any_of(rbh, rbh + hidden, [](float v) { return v != 0.0f; });
  }

  /// RNN: H = tanh(x·Wᵀ + H·Rᵀ + Wb + Rb).
  LogicalResult rnnStep(int64_t d, Value xt, Value &h) {
    FailureOr<Value> pre = xt;
    if (h)
      pre = apply<AddOp>(xt, linear(h, r, hidden, d, 0, hidden, {}, "R"));
    FailureOr<Value> newH = apply<TanhOp>(pre);
    if (failed(newH))
      return failure();
    h = *newH;
    return success();
  }

  //===------------------------------------------------------------------===//
  // Outputs
  //===------------------------------------------------------------------===//

  /// Y [T, D, B, H] (layout 1: [B, T, D, H]), Y_h and Y_c [D, B, H]
  /// (layout 1: [B, D, H]); only the outputs a later node or the graph
  /// reads are built.
  LogicalResult setOutputs(ArrayRef<Value> ys, ArrayRef<Value> hs,
                           ArrayRef<Value> cs) {
    if (im.outputUsed(n, 0)) {
      FailureOr<Value> y = concat(ys, 1);
      if (succeeded(y) && batchFirst)
        y = im.create<TransposeOp>(n, *y, {im.i64s("perm", {2, 0, 1, 3})});
      if (failed(y))
        return failure();
      im.setOutput(n, 0, *y);
    }
    for (auto [i, states] :
         llvm::enumerate(SmallVector<ArrayRef<Value>>{hs, cs})) {
      size_t out = i + 1;
      if (out >= n.node.outputs.size() || !im.outputUsed(n, out))
        continue;
      FailureOr<Value> s = concat(states, 0);
      if (succeeded(s) && batchFirst)
        s = im.create<TransposeOp>(n, *s, {im.i64s("perm", {1, 0, 2})});
      if (failed(s))
        return failure();
      im.setOutput(n, out, *s);
    }
    return success();
  }

  Importer &im;
  const NodeRef &n;
  Cell cell;
  int64_t gates;
  int64_t hidden = 0, directions = 1;
  bool reverse = false, batchFirst = false, linearBeforeReset = false;
  int64_t steps = 0, batch = 0, inputSize = 0;
  /// X as [T, B, I]; initial states as [D, B, H] (or null).
  Value x, initialH, initialC;
  std::vector<float> w, r, bias, peep;
  bool hasPeepholes = false;
  FailureOr<Value> xp = failure();
  std::map<std::string, Value> constants;
};

} // namespace

LogicalResult Importer::importRecurrent(const NodeRef &n) {
  return RecurrentImporter(*this, n).run();
}
