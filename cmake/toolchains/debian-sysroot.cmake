# Building a board bundle (scripts/build-board.sh): Debian's GCC for the target against a sysroot
# of Debian's packages for that architecture, so the bundle links exactly the libraries it ships,
# whatever the build machine has installed.
#   cmake -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/debian-sysroot.cmake
#         -DHAT_TARGET_ARCH=arm64|amd64 -DHAT_SYSROOT=DIR ...
# arm64 is cross-compiled (crossbuild-essential-arm64) and runs here under qemu-user.
#
# Why a sysroot (mmdebstrap --variant=extract) rather than Debian's multiarch (-dev:arm64 beside
# -dev:amd64): libdnnl-dev is not Multi-Arch: same (both architectures own
# /usr/include/oneapi/dnnl/dnnl_config.h), so the two cannot be installed together; a sysroot
# also leaves the build machine's own packages untouched.
if(NOT HAT_TARGET_ARCH)
  message(FATAL_ERROR "set HAT_TARGET_ARCH to arm64 or amd64")
endif()
if(NOT HAT_SYSROOT)
  message(FATAL_ERROR "set HAT_SYSROOT to a sysroot of Debian packages (scripts/build-board.sh makes one)")
endif()
if(HAT_TARGET_ARCH STREQUAL "arm64")
  set(CMAKE_SYSTEM_PROCESSOR aarch64)
elseif(HAT_TARGET_ARCH STREQUAL "amd64")
  set(CMAKE_SYSTEM_PROCESSOR x86_64)
else()
  message(FATAL_ERROR "HAT_TARGET_ARCH '${HAT_TARGET_ARCH}': use arm64 or amd64")
endif()
set(_triplet ${CMAKE_SYSTEM_PROCESSOR}-linux-gnu)

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_LIBRARY_ARCHITECTURE ${_triplet})
set(CMAKE_C_COMPILER ${_triplet}-gcc)
set(CMAKE_CXX_COMPILER ${_triplet}-g++)
set(CMAKE_SYSROOT "${HAT_SYSROOT}")
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES HAT_TARGET_ARCH HAT_SYSROOT)

# Headers, libraries and CMake packages from the sysroot only; programs from the build machine.
set(CMAKE_FIND_ROOT_PATH "${HAT_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config (SentencePiece, ICU) reads the sysroot's .pc files and prefixes their paths.
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${HAT_SYSROOT}")
set(ENV{PKG_CONFIG_LIBDIR} "${HAT_SYSROOT}/usr/lib/${_triplet}/pkgconfig:${HAT_SYSROOT}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

# The bundle's tools find its lib/ through RPATH $ORIGIN/../lib (cmake/HatInstall.cmake). The
# old DT_RPATH, not the linker's default DT_RUNPATH: RUNPATH serves only the program's own
# dependencies, RPATH also those of the bundled libraries (libicuuc.so needs libicudata.so).
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,--disable-new-dtags")

if(HAT_TARGET_ARCH STREQUAL "arm64")
  set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L "${HAT_SYSROOT}")
endif()
