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
if(HIFA_WITH_BODY)
  # Through pkg-config: Debian's libzip CMake config refuses to load unless the separate zipcmp,
  # zipmerge and ziptool packages are installed too (it checks for their binaries).
  find_package(PkgConfig)
  if(PKG_CONFIG_FOUND)
    pkg_check_modules(LIBZIP IMPORTED_TARGET libzip>=1.5)
  endif()
  if(NOT TARGET PkgConfig::LIBZIP)
    message(FATAL_ERROR "hifa: libzip not found: install libzip-dev (scripts/setup does), or configure "
      "with -DHIFA_WITH_BODY=OFF to build without hifa::body (.npz files, SMPL/OpenBody models)")
  endif()
endif()
if(HIFA_WITH_GLTF)
  # Debian builds tinygltf as a shared library (libtinygltf.so) with its CMake config.
  find_package(TinyGLTF CONFIG)
  if(NOT TinyGLTF_FOUND)
    message(FATAL_ERROR "hifa: tinygltf not found: install libtinygltf-dev (scripts/setup does), or configure "
      "with -DHIFA_WITH_GLTF=OFF to build without hifa::gltf (GLB export of `hifa animate`)")
  endif()
endif()
include(HifaRepairKokkos)
hifa_repair_kokkos()
if(HIFA_WITH_CUDA)
  kokkos_check(DEVICES CUDA)  # fails with a message naming the missing backend
endif()
