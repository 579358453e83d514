# CUDA is optional: built only when a toolkit is found and HAT_ENABLE_CUDA is on.
# A machine without CUDA builds and tests everything else.

# A cross build (a board bundle, cmake/toolchains/) has no CUDA: the host's toolkit targets x86.
if(NOT CMAKE_CROSSCOMPILING AND NOT DEFINED CMAKE_CUDA_COMPILER AND EXISTS /usr/local/cuda/bin/nvcc)
  set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)
endif()

if(NOT CMAKE_CROSSCOMPILING)
  include(CheckLanguage)
  check_language(CUDA)
endif()
if(CMAKE_CUDA_COMPILER)
  set(_hat_cuda_default ON)
else()
  set(_hat_cuda_default OFF)
endif()
option(HAT_ENABLE_CUDA "Build the CUDA backend when a CUDA toolkit is found" ${_hat_cuda_default})

set(HAT_WITH_CUDA OFF)
if(HAT_ENABLE_CUDA)
  if(NOT CMAKE_CUDA_COMPILER)
    message(FATAL_ERROR "HAT_ENABLE_CUDA is ON but no CUDA compiler was found; "
                        "install the CUDA Toolkit or configure with -DHAT_ENABLE_CUDA=OFF")
  endif()
  if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
    # Hopper (H100/H200) and Ampere datacenter GPUs; override with -DCMAKE_CUDA_ARCHITECTURES.
    set(CMAKE_CUDA_ARCHITECTURES 80 90)
  endif()
  enable_language(CUDA)
  find_package(CUDAToolkit REQUIRED)
  set(HAT_WITH_CUDA ON)
endif()
message(STATUS "HAT: CUDA backend ${HAT_WITH_CUDA}")
