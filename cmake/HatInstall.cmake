# The installed tree, and its mirror in the build tree. Tools find their data at
# <directory of the executable>/../share/hat or through $HAT_DATA_DIR (util/data_dirs.h):
#   PREFIX/bin/hat*            the tools
#   PREFIX/share/hat/          the data, laid out as in the source tree, so that a device
#     experiments/spaces         profile's relative paths (../../experiments/hat-latency/...)
#     experiments/hat-configs    mean the same thing installed and in a checkout
#     experiments/hat-latency
#     devices/profiles
# bin and share/hat are fixed (not GNUInstallDirs' variables): the tools rely on that relation.

# The build tree: build/share/hat is a link to the source tree, so build/<folder>/<program> (the
# tools, tests and benchmarks all sit one folder below the build directory) finds the checkout's
# data by the same rule as an installed tree, wherever the build directory is (BUILD_DIR may put it
# outside the checkout, so guessing the source tree from the executable's path would not do).
# A link rather than a copy: the checkout's data/ (where hatpredict writes predictors, named by the
# profiles as ../../data/...) stays the one the tools write to, and editing a space or a profile
# needs no rebuild. data_root() resolves the link, so paths print as the source tree's.
file(MAKE_DIRECTORY ${PROJECT_BINARY_DIR}/share)
file(CREATE_LINK ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR}/share/hat SYMBOLIC)

set(HAT_TOOLS hatdata hattrain hateval hattranslate hatexport hatprofile hatpredict hatsearch hatreport hatrank)
install(TARGETS ${HAT_TOOLS} RUNTIME DESTINATION bin)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/experiments/spaces ${PROJECT_SOURCE_DIR}/experiments/hat-configs
                  ${PROJECT_SOURCE_DIR}/experiments/hat-latency
        DESTINATION share/hat/experiments)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/devices/profiles DESTINATION share/hat/devices)
