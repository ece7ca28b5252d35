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

find_package(OpenMP REQUIRED COMPONENTS CXX)
find_package(ZLIB REQUIRED)
find_package(nlohmann_json 3 REQUIRED)

# libstb-dev ships headers only (no CMake or pkg-config files that name a target).
find_path(STB_INCLUDE_DIR stb_image_write.h PATH_SUFFIXES stb REQUIRED)
add_library(dae_stb INTERFACE)
target_include_directories(dae_stb SYSTEM INTERFACE ${STB_INCLUDE_DIR})
add_library(dae::stb ALIAS dae_stb)

if(DAE_BUILD_TESTS)
  find_package(Catch2 2.13 REQUIRED)
endif()
