# CMake glue for the system packages mnist-dae uses (installed by scripts/install_deps.sh).
# No third-party source lives in this repository; this file only turns packages into targets.
# Included (not add_subdirectory'd) by the top-level CMakeLists so the targets are global.

# OpenBLAS through pkg-config where it answers; else by its files, which also finds a package
# unpacked under CMAKE_PREFIX_PATH without being installed (scripts/gpu_check.sh does that on
# GPU machines that lack it). Debian keeps the pthread variant in openblas-pthread/ folders and
# links it into the plain paths only through update-alternatives, hence the suffixes.
find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(OPENBLAS QUIET IMPORTED_TARGET openblas)
endif()
if(OPENBLAS_FOUND)
  add_library(dae::openblas ALIAS PkgConfig::OPENBLAS)
else()
  find_path(OPENBLAS_INCLUDE_DIR cblas.h PATH_SUFFIXES openblas-pthread openblas)
  find_library(OPENBLAS_LIBRARY openblas PATH_SUFFIXES openblas-pthread openblas)
  if(NOT OPENBLAS_INCLUDE_DIR OR NOT OPENBLAS_LIBRARY)
    message(FATAL_ERROR "OpenBLAS not found: install libopenblas-dev (scripts/install_deps.sh), "
                        "or put the prefix holding cblas.h and libopenblas.so in CMAKE_PREFIX_PATH")
  endif()
  set(openblas_version_line "")
  if(EXISTS ${OPENBLAS_INCLUDE_DIR}/openblas_config.h)
    file(STRINGS ${OPENBLAS_INCLUDE_DIR}/openblas_config.h openblas_version_line
         REGEX "#define OPENBLAS_VERSION ")
  endif()
  string(REGEX MATCH "[0-9]+\\.[0-9]+\\.[0-9]+" OPENBLAS_VERSION "${openblas_version_line}")
  set(OPENBLAS_VERSION "${OPENBLAS_VERSION} (${OPENBLAS_LIBRARY})")
  add_library(dae_openblas INTERFACE)
  target_include_directories(dae_openblas SYSTEM INTERFACE ${OPENBLAS_INCLUDE_DIR})
  target_link_libraries(dae_openblas INTERFACE ${OPENBLAS_LIBRARY})
  add_library(dae::openblas ALIAS dae_openblas)
endif()

find_package(ZLIB REQUIRED)
find_package(nlohmann_json 3 REQUIRED)

# libstb-dev ships headers only (no CMake or pkg-config files that name a target).
find_path(STB_INCLUDE_DIR stb_image_write.h PATH_SUFFIXES stb REQUIRED)
add_library(dae_stb INTERFACE)
target_include_directories(dae_stb SYSTEM INTERFACE ${STB_INCLUDE_DIR})
add_library(dae::stb ALIAS dae_stb)

# cairo draws the pictures (apps/drawing/): anti-aliased vector drawing, written as SVG and as
# an image surface that stb_image_write encodes as PNG. Through pkg-config where it answers;
# else by its files, like OpenBLAS above, so that a package unpacked under CMAKE_PREFIX_PATH
# is found too. Its text is DejaVu Sans, found at run time through fontconfig
# (fonts-dejavu-core); without it fontconfig substitutes another sans-serif font.
if(PKG_CONFIG_FOUND)
  pkg_check_modules(CAIRO QUIET IMPORTED_TARGET cairo)
endif()
if(CAIRO_FOUND)
  add_library(dae::cairo ALIAS PkgConfig::CAIRO)
else()
  find_path(CAIRO_INCLUDE_DIR cairo.h PATH_SUFFIXES cairo)
  find_library(CAIRO_LIBRARY cairo)
  if(NOT CAIRO_INCLUDE_DIR OR NOT CAIRO_LIBRARY)
    message(FATAL_ERROR "cairo not found: install libcairo2-dev (scripts/install_deps.sh), "
                        "or put the prefix holding cairo/cairo.h and libcairo.so in CMAKE_PREFIX_PATH")
  endif()
  file(STRINGS ${CAIRO_INCLUDE_DIR}/cairo-version.h cairo_version_lines REGEX "#define CAIRO_VERSION_(MAJOR|MINOR|MICRO) ")
  string(REGEX REPLACE "[^0-9]*([0-9]+)[^0-9]*([0-9]+)[^0-9]*([0-9]+).*" "\\1.\\2.\\3" CAIRO_VERSION "${cairo_version_lines}")
  set(CAIRO_VERSION "${CAIRO_VERSION} (${CAIRO_LIBRARY})")
  add_library(dae_cairo INTERFACE)
  target_include_directories(dae_cairo SYSTEM INTERFACE ${CAIRO_INCLUDE_DIR})
  target_link_libraries(dae_cairo INTERFACE ${CAIRO_LIBRARY})
  add_library(dae::cairo ALIAS dae_cairo)
endif()
message(STATUS "mnist-dae: cairo ${CAIRO_VERSION}")
find_file(DAE_DEJAVU_SANS DejaVuSans.ttf PATH_SUFFIXES truetype/dejavu dejavu PATHS /usr/share/fonts)
if(NOT DAE_DEJAVU_SANS)
  message(WARNING "DejaVu Sans not found: the pictures will use another sans-serif font (install fonts-dejavu-core)")
endif()

if(DAE_BUILD_TESTS)
  find_package(Catch2 2.13 REQUIRED)
endif()
