# CMake glue for the system packages mnist-dae uses (installed by scripts/install_deps.sh).
# No third-party source lives in this repository; this file only turns packages into targets.
# Included (not add_subdirectory'd) by the top-level CMakeLists so the targets are global.

find_package(PkgConfig REQUIRED)
pkg_check_modules(OPENBLAS REQUIRED IMPORTED_TARGET openblas)
add_library(dae::openblas ALIAS PkgConfig::OPENBLAS)

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
