# `cmake --install build --prefix P`: headers, the library, main(), the
# built-in models, the stock command, a CMake package and a pkg-config file.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set_target_properties(wakecheck_main PROPERTIES EXPORT_NAME main)
set_target_properties(wakecheck_builtin_models PROPERTIES EXPORT_NAME builtin_models)
install(TARGETS wakecheck_lib wakecheck_main wakecheck_builtin_models
        EXPORT wakecheckTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        OBJECTS DESTINATION ${CMAKE_INSTALL_LIBDIR}/wakecheck/objects
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS wakecheck RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# The repository's headers, at the paths they include each other by. The
# scenario loader's TOML helpers stay private: no installed header needs toml++.
install(DIRECTORY checker model scenarios reports cli
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/wakecheck
        FILES_MATCHING PATTERN "*.hpp"
        PATTERN "queues" EXCLUDE
        PATTERN "scenario_reader.hpp" EXCLUDE
        PATTERN "workload.hpp" EXCLUDE)
install(FILES include/wakecheck/wakecheck.hpp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/wakecheck)

set(config_dir ${CMAKE_INSTALL_LIBDIR}/cmake/wakecheck)
install(EXPORT wakecheckTargets NAMESPACE wakecheck:: DESTINATION ${config_dir})
configure_package_config_file(cmake/wakecheckConfig.cmake.in
  ${PROJECT_BINARY_DIR}/wakecheckConfig.cmake INSTALL_DESTINATION ${config_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/wakecheckConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/wakecheckConfig.cmake
              ${PROJECT_BINARY_DIR}/wakecheckConfigVersion.cmake
              cmake/wakecheckScenarios.cmake
        DESTINATION ${config_dir})

configure_file(cmake/wakecheck.pc.in ${PROJECT_BINARY_DIR}/wakecheck.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/wakecheck.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
