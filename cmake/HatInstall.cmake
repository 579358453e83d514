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

# Two install components: `board`, what runs on a board (profiling, translating, evaluating,
# predicting) with the data, and `workstation`, the rest. A plain `cmake --install` installs both;
# scripts/build-board.sh installs `board` alone into a bundle, whose lib/ holds the shared
# libraries a stock board lacks: hence the RPATH $ORIGIN/../lib (harmless elsewhere: a library
# not found there is found where it always was).
set(HAT_BOARD_TOOLS hatprofile hattranslate hateval hatpredict)
set(HAT_WORKSTATION_TOOLS hatdata hattrain hatexport hatsearch hatreport hatrank)
set(HAT_TOOLS ${HAT_BOARD_TOOLS} ${HAT_WORKSTATION_TOOLS})
set_target_properties(${HAT_TOOLS} PROPERTIES INSTALL_RPATH "$ORIGIN/../lib")
install(TARGETS ${HAT_BOARD_TOOLS} RUNTIME DESTINATION bin COMPONENT board)
install(TARGETS ${HAT_WORKSTATION_TOOLS} RUNTIME DESTINATION bin COMPONENT workstation)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/experiments/spaces ${PROJECT_SOURCE_DIR}/experiments/hat-configs
                  ${PROJECT_SOURCE_DIR}/experiments/hat-latency
        DESTINATION share/hat/experiments COMPONENT board)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/devices/profiles DESTINATION share/hat/devices COMPONENT board)
