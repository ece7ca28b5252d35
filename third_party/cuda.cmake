# The optional CUDA backend: nvcc, the CUDA toolkit and cuDNN. Sets DAE_HAVE_CUDA, and
# DAE_CUDA_OFF_REASON when it is off. Included from the top-level CMakeLists because
# enable_language(CUDA) must run in the directory that holds every target using CUDA.
set(DAE_HAVE_CUDA OFF)
set(DAE_CUDA_OFF_REASON "disabled with -DDAE_WITH_CUDA=OFF")
if(DAE_WITH_CUDA)
  include(CheckLanguage)
  check_language(CUDA)
  if(NOT CMAKE_CUDA_COMPILER)
    set(DAE_CUDA_OFF_REASON "nvcc not found")
  else()
    enable_language(CUDA)
    find_package(CUDAToolkit REQUIRED)
    # cuDNN is not always inside the toolkit (pip's nvidia-cudnn puts it in site-packages and
    # ships only libcudnn.so.9, no unversioned link): CUDNN_ROOT points at such a tree.
    set(CUDNN_ROOT "$ENV{CUDNN_ROOT}" CACHE PATH "cuDNN install prefix (holds include/cudnn.h)")
    find_path(CUDNN_INCLUDE_DIR cudnn_version.h
              HINTS ${CUDNN_ROOT} ${CUDAToolkit_INCLUDE_DIRS} ${CUDAToolkit_LIBRARY_ROOT}
              PATH_SUFFIXES include)
    find_library(CUDNN_LIBRARY NAMES cudnn libcudnn.so.9
                 HINTS ${CUDNN_ROOT} ${CUDAToolkit_LIBRARY_DIR} ${CUDAToolkit_LIBRARY_ROOT}
                 PATH_SUFFIXES lib lib64)
    if(NOT CUDNN_INCLUDE_DIR OR NOT CUDNN_LIBRARY)
      set(DAE_CUDA_OFF_REASON "cuDNN not found (set CUDNN_ROOT)")
    else()
      file(STRINGS ${CUDNN_INCLUDE_DIR}/cudnn_version.h cudnn_version_lines
           REGEX "#define CUDNN_(MAJOR|MINOR|PATCHLEVEL) ")
      string(REGEX REPLACE ".*MAJOR ([0-9]+).*MINOR ([0-9]+).*PATCHLEVEL ([0-9]+).*" "\\1.\\2.\\3"
             cudnn_version "${cudnn_version_lines}")
      set(DAE_CUDNN_VERSION ${cudnn_version})
      add_library(dae_cudnn INTERFACE)
      target_include_directories(dae_cudnn SYSTEM INTERFACE ${CUDNN_INCLUDE_DIR})
      target_link_libraries(dae_cudnn INTERFACE ${CUDNN_LIBRARY})
      add_library(dae::cudnn ALIAS dae_cudnn)
      set(DAE_HAVE_CUDA ON)
    endif()
  endif()
endif()
if(DAE_REQUIRE_CUDA AND NOT DAE_HAVE_CUDA)
  message(FATAL_ERROR "DAE_REQUIRE_CUDA is ON but the CUDA backend cannot be built: ${DAE_CUDA_OFF_REASON}")
endif()
