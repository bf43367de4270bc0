# Finds the toolkit's dependencies (all Debian packages, or Kokkos built by scripts/build-kokkos).
include(GNUInstallDirs)

find_package(Eigen3 3.3 REQUIRED NO_MODULE)
find_package(CGAL REQUIRED)
find_package(tinyobjloader REQUIRED)
find_package(stb REQUIRED)  # cmake/Findstb.cmake: Debian's libstb (PNG/JPG I/O of hifa/render)
find_package(Kokkos REQUIRED)
if(HIFA_WITH_ASSIMP)
  find_package(assimp 5 CONFIG)
  if(NOT assimp_FOUND)
    message(FATAL_ERROR "hifa: assimp not found: install libassimp-dev (scripts/setup does), or configure "
      "with -DHIFA_WITH_ASSIMP=OFF to build without hifa::assimp and `hifa convert`")
  endif()
endif()
include(HifaRepairKokkos)
hifa_repair_kokkos()
if(HIFA_WITH_CUDA)
  kokkos_check(DEVICES CUDA)  # fails with a message naming the missing backend
endif()
