# Installs the header-only toolkit as a CMake package: find_package(hifa CONFIG) + hifa::geometry.
include(CMakePackageConfigHelpers)

set(HIFA_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/hifa")

install(TARGETS hifa_geometry EXPORT hifaTargets)
install(DIRECTORY include/hifa DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(EXPORT hifaTargets NAMESPACE hifa:: DESTINATION "${HIFA_CMAKE_DIR}")
# The optional component in an export set of its own: hifaConfig.cmake loads it (and looks for
# assimp) only for find_package(hifa COMPONENTS assimp).
if(TARGET hifa_assimp)
  install(TARGETS hifa_assimp EXPORT hifaAssimpTargets)
  install(EXPORT hifaAssimpTargets NAMESPACE hifa:: DESTINATION "${HIFA_CMAKE_DIR}")
endif()
if(TARGET hifa_body)
  install(TARGETS hifa_body EXPORT hifaBodyTargets)
  install(EXPORT hifaBodyTargets NAMESPACE hifa:: DESTINATION "${HIFA_CMAKE_DIR}")
endif()
if(TARGET hifa_gltf)
  install(TARGETS hifa_gltf EXPORT hifaGltfTargets)
  install(EXPORT hifaGltfTargets NAMESPACE hifa:: DESTINATION "${HIFA_CMAKE_DIR}")
endif()

configure_package_config_file(cmake/hifaConfig.cmake.in
  "${CMAKE_CURRENT_BINARY_DIR}/hifaConfig.cmake" INSTALL_DESTINATION "${HIFA_CMAKE_DIR}")
write_basic_package_version_file("${CMAKE_CURRENT_BINARY_DIR}/hifaConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES
  "${CMAKE_CURRENT_BINARY_DIR}/hifaConfig.cmake"
  "${CMAKE_CURRENT_BINARY_DIR}/hifaConfigVersion.cmake"
  cmake/HifaRepairKokkos.cmake
  cmake/Findstb.cmake
  DESTINATION "${HIFA_CMAKE_DIR}")
