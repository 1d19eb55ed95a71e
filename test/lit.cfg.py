# lit configuration for qc's FileCheck tests (test/**/*.mlir, *.test).
import os
import lit.formats

config.name = "qc"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.qc_obj_root, "test")
# Unit tests (GoogleTest), fixtures and helper scripts are not lit tests.
config.excludes = ["unit", "ort", "models", "data", "Inputs", "lit.cfg.py"]

config.environment["PATH"] = os.pathsep.join(
    [config.qc_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", os.environ["PATH"])]
)
# qc run --compiled / bench / debug --compiled keep compiled models in a
# cache (docs/cli.md, "Compile cache"): the tests' own, not the user's.
config.environment["QC_CACHE_DIR"] = os.path.join(config.qc_obj_root, "test", "qc-cache")
config.substitutions.append(("%qc_src", config.qc_src_root))
# %vmlimit KIB CMD: CMD under an address-space limit (ulimit -v), or ASan's
# allocation limit in a sanitizer build (test/vmlimit.sh).
if getattr(config, "qc_sanitize", ""):
    config.environment["QC_SANITIZE_BUILD"] = "1"
# %cc: the C compiler the tests build programs against libqcrt.a with; in a
# sanitizer build libqcrt.a is instrumented and the link needs the runtime.
cc = "clang-19"
if getattr(config, "qc_sanitize", ""):
    cc += " -fsanitize=" + config.qc_sanitize
config.substitutions.append(("%cc", cc))
config.substitutions.append(("%vmlimit", os.path.join(config.qc_src_root, "test", "vmlimit.sh")))
config.substitutions.append(("%python", "/usr/bin/python3"))
config.substitutions.append(("%node", "node"))
# The build tree (test plugins, the SDK config) and the tools that build the
# quantizer plugin example as an outside project would.
config.substitutions.append(("%qc_obj_root", config.qc_obj_root))
config.substitutions.append(("%cmake", getattr(config, "cmake_command", "cmake")))
config.substitutions.append(("%cxx", getattr(config, "cxx_compiler", "c++")))
# Headless Chromium (Debian's chromium, scripts/setup.sh) opens qc debug's
# HTML report in test/compiler/tools/qc/debug-html.test.
import platform
import shutil
# The host's architecture: the profiler measures the multiply instruction's
# rate on x86-64 only (docs/runtime.md, "%peak").
if platform.machine() in ("x86_64", "AMD64"):
    config.available_features.add("x86_64-host")
if shutil.which("chromium"):
    config.available_features.add("chromium")
