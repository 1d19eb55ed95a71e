# Sanitizer and fuzzing builds (docs/robustness.md, "Fuzzing and sanitizers").
#
#   -DQC_SANITIZE=address,undefined   instrument every qc target (the whole
#                                     suite runs sanitized: scripts/test.sh
#                                     with QC_SANITIZE set)
#   -DQC_FUZZ=ON                      libFuzzer build: the libraries the fuzz
#                                     targets need are instrumented with
#                                     -fsanitize=fuzzer-no-link plus the
#                                     sanitizers (address,undefined unless
#                                     QC_SANITIZE says otherwise); the targets
#                                     in test/fuzz link -fsanitize=fuzzer.
#
# Both need clang. Checks left out of "undefined", and why:
#  - vptr: LLVM/MLIR are built without RTTI, so the vptr check cannot work.
#  - function: it reads a signature in front of every function called through
#    a pointer; the entry points qc JIT-compiles (qc run --compiled, qc bench)
#    and the compiled models' entry functions called by libqcrt have none.
set(QC_SANITIZE "" CACHE STRING
  "Sanitizers for every qc target, e.g. address,undefined (clang only)")
option(QC_FUZZ "Build the libFuzzer targets of test/fuzz (clang only)" OFF)

if(QC_FUZZ AND NOT QC_SANITIZE)
  set(QC_SANITIZE "address,undefined" CACHE STRING "" FORCE)
endif()

if(QC_SANITIZE)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "QC_SANITIZE / QC_FUZZ need clang (clang-19)")
  endif()
  set(QC_SANITIZER_FLAGS -fsanitize=${QC_SANITIZE} -fno-omit-frame-pointer -g1)
  if(QC_SANITIZE MATCHES "undefined")
    list(APPEND QC_SANITIZER_FLAGS -fno-sanitize=vptr,function)
  endif()
  if(QC_FUZZ)
    # Any finding must stop the fuzzer, UBSan's included.
    list(APPEND QC_SANITIZER_FLAGS -fno-sanitize-recover=all)
    add_compile_options(-fsanitize=fuzzer-no-link)
    add_compile_definitions(QC_FUZZING=1)
  endif()
  add_compile_options(${QC_SANITIZER_FLAGS})
  add_link_options(${QC_SANITIZER_FLAGS})
  message(STATUS "qc: sanitizers ${QC_SANITIZE}")
endif()

# Sanitized code runs several times slower: in a sanitizer build every TIMEOUT
# given to set_tests_properties is multiplied by QC_TEST_TIMEOUT_SCALE (4).
# (CMake < 3.28 cannot set a test's properties from another directory, so the
# command itself is wrapped; each argument is passed on as a bracket argument
# so that list values such as FIXTURES_REQUIRED "a;b" stay whole.)
set(QC_TEST_TIMEOUT_SCALE 1 CACHE STRING "Factor applied to every test TIMEOUT")
if(QC_SANITIZE AND QC_TEST_TIMEOUT_SCALE EQUAL 1)
  set(QC_TEST_TIMEOUT_SCALE 4 CACHE STRING "" FORCE)
endif()
if(NOT QC_TEST_TIMEOUT_SCALE EQUAL 1)
  function(set_tests_properties)
    set(code "_set_tests_properties(")
    set(scale_next OFF)
    math(EXPR last "${ARGC} - 1")
    foreach(i RANGE ${last})
      set(arg "${ARGV${i}}")
      if(scale_next AND arg MATCHES "^[0-9]+$")
        math(EXPR arg "${arg} * ${QC_TEST_TIMEOUT_SCALE}")
      endif()
      set(scale_next OFF)
      if(arg STREQUAL "TIMEOUT")
        set(scale_next ON)
      endif()
      string(APPEND code " [==[${arg}]==]")
    endforeach()
    cmake_language(EVAL CODE "${code})")
  endfunction()
endif()
