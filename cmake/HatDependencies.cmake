# Every dependency is a Debian package; scripts/setup.sh installs them.

find_package(OpenMP REQUIRED)          # oneDNN's runtime; our own kernels share it (no second pool)
find_package(dnnl 2.6 REQUIRED)        # libdnnl-dev: oneDNN v2 API
find_package(Threads REQUIRED)

if(HAT_BUILD_TESTS)
  find_package(GTest REQUIRED)         # googletest / libgtest-dev
  include(GoogleTest)
endif()
