# Installing and packaging qc (docs/install.md).
#
#   cmake --install build --prefix PREFIX      # everything below
#   cpack --config build/CPackConfig.cmake -G DEB
#
# PREFIX/bin: qc, qc-opt, qc-kernelgen (component qc_tools)
# PREFIX/lib: libqcrt.a, libqcrt.so* (qc_runtime)
# PREFIX/include: qc_runtime.h, qc_model_abi.h (qc_runtime); qc/*.h (qc_quantizer_sdk)
# PREFIX/lib/cmake/qc: the package qc: qc::runtime, qc::runtime_shared,
#   qc::quantizer_sdk (qcSDKTargets.cmake with the SDK, qcRuntimeTargets.cmake
#   with the runtime, so the SDK alone installs and finds)
#
# The installed qc finds libqcrt and its headers relative to its own location
# (bin/../lib, bin/../include: `qc compile --with-runtime`), so the prefix can
# move. The tools link Debian's shared libLLVM / libMLIR from
# ${LLVM_LIBRARY_DIR}, which is their install RPATH.
include(CMakePackageConfigHelpers)

set(QC_INSTALL_CMAKE_DIR lib/cmake/qc)

foreach(tool qc qc-opt qc-kernelgen)
  if(TARGET ${tool})
    set_target_properties(${tool} PROPERTIES INSTALL_RPATH "${LLVM_LIBRARY_DIR}")
    install(TARGETS ${tool} RUNTIME DESTINATION bin COMPONENT qc_tools)
  endif()
endforeach()

install(EXPORT qcSDKTargets NAMESPACE qc:: DESTINATION ${QC_INSTALL_CMAKE_DIR}
        COMPONENT qc_quantizer_sdk)
install(EXPORT qcRuntimeTargets NAMESPACE qc:: DESTINATION ${QC_INSTALL_CMAKE_DIR}
        COMPONENT qc_runtime)

# Installed config: the tools next to the package's prefix.
set(QC_CONFIG_BIN_DIR "\${_qc_prefix}/bin")
configure_file(${CMAKE_CURRENT_LIST_DIR}/qcConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/install/qcConfig.cmake @ONLY)
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/cmake/install/qcConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/cmake/install/qcConfig.cmake
              ${PROJECT_BINARY_DIR}/cmake/install/qcConfigVersion.cmake
        DESTINATION ${QC_INSTALL_CMAKE_DIR} COMPONENT qc_quantizer_sdk)

# Build-tree config (-Dqc_DIR=<build>/lib/cmake/qc): the same targets with
# the source tree's headers and the build tree's libraries and tools.
set(QC_CONFIG_BIN_DIR "${QC_TOOLS_DIR}")
configure_file(${CMAKE_CURRENT_LIST_DIR}/qcConfig.cmake.in
  ${PROJECT_BINARY_DIR}/${QC_INSTALL_CMAKE_DIR}/qcConfig.cmake @ONLY)
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/${QC_INSTALL_CMAKE_DIR}/qcConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
export(EXPORT qcSDKTargets NAMESPACE qc::
       FILE ${PROJECT_BINARY_DIR}/${QC_INSTALL_CMAKE_DIR}/qcSDKTargets.cmake)
export(EXPORT qcRuntimeTargets NAMESPACE qc::
       FILE ${PROJECT_BINARY_DIR}/${QC_INSTALL_CMAKE_DIR}/qcRuntimeTargets.cmake)

# The Debian package: one .deb with everything above, installed under /usr.
# Its dependencies are the Debian packages of the shared libraries the tools
# link (checked by test/install/deb.sh with dpkg-deb and ldd).
set(CPACK_PACKAGE_NAME qc)
set(CPACK_PACKAGE_VENDOR "qc")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "int8 quantization compiler for ONNX models (MLIR), with its runtime libqcrt")
set(CPACK_PACKAGE_CONTACT "qc maintainers <qc@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libc6 (>= 2.34), libgcc-s1, libstdc++6 (>= 12), libllvm19 (>= 1:19.1), libmlir-19 (>= 1:19.1), libprotobuf32, libonnx1, libabsl20220623, zlib1g")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "qc imports ONNX models, quantizes them to int8 as PyTorch's PT2E does\n and compiles them to native code for x86-64 and AArch64.")
set(CPACK_STRIP_FILES ON)
include(CPack)
