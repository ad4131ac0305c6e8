# The one library users link: every part of wakecheck but main() and the
# built-in models. Its objects are those the parts' own targets compile, so
# nothing is compiled twice.
add_library(wakecheck_lib STATIC
  $<TARGET_OBJECTS:wakecheck_checker>
  $<TARGET_OBJECTS:wakecheck_model>
  $<TARGET_OBJECTS:wakecheck_scenarios>
  $<TARGET_OBJECTS:wakecheck_reports>
  $<TARGET_OBJECTS:wakecheck_cli_core>)
set_target_properties(wakecheck_lib PROPERTIES OUTPUT_NAME wakecheck EXPORT_NAME wakecheck
                                               LINKER_LANGUAGE CXX)
# Installed headers keep the repository's include paths ("checker/...",
# "model/kernel/..."): they go under include/wakecheck/, which is on the path
# beside include/ (for <wakecheck/wakecheck.hpp>).
target_include_directories(wakecheck_lib PUBLIC
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
  $<INSTALL_INTERFACE:include>
  $<INSTALL_INTERFACE:include/wakecheck>)
target_compile_features(wakecheck_lib PUBLIC cxx_std_20)
target_link_libraries(wakecheck_lib PUBLIC Boost::context fmt::fmt
                      PRIVATE tomlplusplus::tomlplusplus)
add_library(wakecheck::wakecheck ALIAS wakecheck_lib)
