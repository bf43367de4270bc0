# Finds stb as Debian's libstb-dev ships it: the headers in <prefix>/include/stb and the functions
# compiled once into libstb (Debian builds stb_image, stb_image_write, ... as a library with every
# optional macro unset, so users link it instead of defining STB_IMAGE_IMPLEMENTATION themselves;
# see /usr/share/doc/libstb0/README.Debian). Defines the imported target stb::stb.
# Shipped with the package config, so consumers of an installed hifa find stb the same way.
find_path(stb_INCLUDE_DIR stb_image.h PATH_SUFFIXES stb)
find_library(stb_LIBRARY NAMES stb)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(stb REQUIRED_VARS stb_LIBRARY stb_INCLUDE_DIR)
mark_as_advanced(stb_INCLUDE_DIR stb_LIBRARY)
if(stb_FOUND AND NOT TARGET stb::stb)
  add_library(stb::stb UNKNOWN IMPORTED)
  set_target_properties(stb::stb PROPERTIES
    IMPORTED_LOCATION "${stb_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${stb_INCLUDE_DIR}")
endif()
