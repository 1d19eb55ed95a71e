//===- NotAPlugin.cpp - a shared library that is not a plugin -------------===//
//
// Test library without qc's entry points: loading it as a quantizer plugin
// must fail with an error naming the missing symbol.
//
//===----------------------------------------------------------------------===//
extern "C" __attribute__((visibility("default"))) int qc_test_not_a_plugin(void) {
  return 42;
}
