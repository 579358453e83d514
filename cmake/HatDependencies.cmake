# Every dependency is a Debian package; scripts/setup.sh installs them.

find_package(OpenMP REQUIRED)          # oneDNN's runtime; our own kernels share it (no second pool)
find_package(dnnl 2.6 REQUIRED)        # libdnnl-dev: oneDNN v2 API
find_package(Threads REQUIRED)
find_package(TBB 2021 REQUIRED)        # libtbb-dev: task arenas that translate batches side by side (--inter-threads)
find_package(nlohmann_json 3 REQUIRED) # nlohmann-json3-dev: machine metadata (data directories)
find_package(Boost 1.74 REQUIRED COMPONENTS program_options)  # libboost-program-options-dev: the tools' options
find_package(PkgConfig REQUIRED)
pkg_check_modules(SentencePiece REQUIRED IMPORTED_TARGET sentencepiece)  # libsentencepiece-dev (with the trainer)
pkg_check_modules(ICU REQUIRED IMPORTED_TARGET icu-uc)                   # libicu-dev: Unicode NFKC of corpora
find_package(OpenSSL REQUIRED COMPONENTS Crypto)  # libssl-dev: SHA-256 checksums of data files
find_package(yaml-cpp 0.7 REQUIRED)    # libyaml-cpp-dev: architecture configs and search spaces (HAT's YAML)

if(HAT_BUILD_TESTS)
  find_package(GTest REQUIRED)         # googletest / libgtest-dev
  include(GoogleTest)
endif()
