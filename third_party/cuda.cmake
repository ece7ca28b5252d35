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
    # cuBLAS and cuDNN are not always inside the toolkit: pip's wheels put them in site-packages
    # (nvidia/cu13/{include,lib}, nvidia/cudnn/{include,lib}) with versioned names only
    # (libcublas.so.13, libcudnn.so.9). CUBLAS_ROOT and CUDNN_ROOT point at such trees. cuBLAS
    # found there is what FindCUDAToolkit's CUDA::cublas then stands for: it keeps a library
    # variable that is already set, and names the toolkit's include folder first.
    string(REGEX MATCH "^[0-9]+" cuda_major "${CMAKE_CUDA_COMPILER_VERSION}")
    set(CUBLAS_ROOT "$ENV{CUBLAS_ROOT}" CACHE PATH "cuBLAS prefix outside the toolkit (holds include/cublas_v2.h)")
    if(CUBLAS_ROOT)
      foreach(lib cublas cublasLt)
        find_library(CUDA_${lib}_LIBRARY NAMES ${lib} lib${lib}.so.${cuda_major} NAMES_PER_DIR
                     HINTS ${CUBLAS_ROOT} PATH_SUFFIXES lib lib64 targets/x86_64-linux/lib NO_DEFAULT_PATH)
      endforeach()
    endif()
    find_package(CUDAToolkit REQUIRED)
    set(CUDNN_ROOT "$ENV{CUDNN_ROOT}" CACHE PATH "cuDNN prefix outside the toolkit (holds include/cudnn.h)")
    # Headers and library must come from the same cuDNN. With CUDNN_ROOT given, both are looked
    # for there alone first: a plain search would find the system's libcudnn.so under the name
    # `cudnn` before CUDNN_ROOT's versioned libcudnn.so.9. NAMES_PER_DIR tries every name in one
    # folder before the next folder, so the first folder that has cuDNN wins, whatever its name.
    if(CUDNN_ROOT)
      find_path(CUDNN_INCLUDE_DIR cudnn_version.h HINTS ${CUDNN_ROOT} PATH_SUFFIXES include NO_DEFAULT_PATH)
      find_library(CUDNN_LIBRARY NAMES cudnn libcudnn.so.9 NAMES_PER_DIR HINTS ${CUDNN_ROOT}
                   PATH_SUFFIXES lib lib64 NO_DEFAULT_PATH)
    endif()
    find_path(CUDNN_INCLUDE_DIR cudnn_version.h
              HINTS ${CUDAToolkit_INCLUDE_DIRS} ${CUDAToolkit_LIBRARY_ROOT} PATH_SUFFIXES include)
    find_library(CUDNN_LIBRARY NAMES cudnn libcudnn.so.9 NAMES_PER_DIR
                 HINTS ${CUDAToolkit_LIBRARY_DIR} ${CUDAToolkit_LIBRARY_ROOT} PATH_SUFFIXES lib lib64)
    find_path(CUBLAS_INCLUDE_DIR cublas_v2.h HINTS ${CUBLAS_ROOT} ${CUDAToolkit_INCLUDE_DIRS}
              PATH_SUFFIXES include targets/x86_64-linux/include)
    set(cublas_library "${CUDA_cublas_LIBRARY}")
    if(TARGET CUDA::cublas)
      get_target_property(cublas_location CUDA::cublas IMPORTED_LOCATION)
      if(cublas_location)
        set(cublas_library "${cublas_location}")
      endif()
    endif()
    if(NOT TARGET CUDA::cublas OR NOT EXISTS "${cublas_library}" OR NOT CUBLAS_INCLUDE_DIR)
      set(DAE_CUDA_OFF_REASON "cuBLAS not found in the CUDA toolkit (set CUBLAS_ROOT)")
    elseif(NOT CUDNN_INCLUDE_DIR OR NOT CUDNN_LIBRARY)
      set(DAE_CUDA_OFF_REASON "cuDNN not found (set CUDNN_ROOT)")
    else()
      if(NOT CUBLAS_INCLUDE_DIR IN_LIST CUDAToolkit_INCLUDE_DIRS)
        set_property(TARGET CUDA::cublas APPEND PROPERTY INTERFACE_INCLUDE_DIRECTORIES ${CUBLAS_INCLUDE_DIR})
      endif()
      message(STATUS "mnist-dae: cuBLAS ${cublas_library}, cuDNN ${CUDNN_LIBRARY}")
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
