# The package as a user gets it: install into build/stage, then configure,
# build and test every project under examples/ and tests/package/ (and the
# README's example) against that prefix with find_package(wakecheck). A new
# project directory needs no edit here.
set(stage ${PROJECT_BINARY_DIR}/stage)
add_test(NAME package_install
         COMMAND sh -c "rm -rf \"$1\" && \"$0\" --install \"$2\" --prefix \"$1\" >/dev/null"
                 ${CMAKE_COMMAND} ${stage} ${PROJECT_BINARY_DIR})
set_tests_properties(package_install PROPERTIES FIXTURES_SETUP wakecheck_package)

file(GLOB examples LIST_DIRECTORIES true CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/examples/*
     ${PROJECT_SOURCE_DIR}/tests/package/*)
foreach(example_dir IN LISTS examples)
  if(NOT EXISTS ${example_dir}/CMakeLists.txt)
    continue()
  endif()
  get_filename_component(example ${example_dir} NAME)
  get_filename_component(parent ${example_dir} DIRECTORY)
  get_filename_component(parent ${parent} NAME)
  set(prefix example)  # examples/x -> example_x, tests/package/x -> package_x
  if(parent STREQUAL "package")
    set(prefix package)
  endif()
  add_test(NAME ${prefix}_${example}
           COMMAND ${CMAKE_COMMAND} -DSOURCE=${example_dir}
                   -DBINARY=${PROJECT_BINARY_DIR}/out-of-tree/${example} -DPREFIX=${stage}
                   -DCTEST=${CMAKE_CTEST_COMMAND} -P ${PROJECT_SOURCE_DIR}/cmake/build_example.cmake)
  # package_builtin_models checks every shipped scenario (herd_w3 and herd_w4
  # are exhaustive over about half a million executions each).
  set_tests_properties(${prefix}_${example} PROPERTIES FIXTURES_REQUIRED wakecheck_package
                                                      TIMEOUT 900)
endforeach()

add_test(NAME readme_example
         COMMAND ${CMAKE_COMMAND} -DREADME=${PROJECT_SOURCE_DIR}/README.md
                 -DSOURCE=${PROJECT_BINARY_DIR}/readme-example/src
                 -DBINARY=${PROJECT_BINARY_DIR}/readme-example/build -DPREFIX=${stage}
                 -DCTEST=${CMAKE_CTEST_COMMAND} -P ${PROJECT_SOURCE_DIR}/cmake/build_example.cmake)
set_tests_properties(readme_example PROPERTIES FIXTURES_REQUIRED wakecheck_package TIMEOUT 300)

# The pkg-config file: a program built with its flags alone links and lists the built-in models.
add_test(NAME package_pkg_config
         COMMAND sh -c "PKG_CONFIG_PATH=\"$1/lib/pkgconfig\" && export PKG_CONFIG_PATH && ${CMAKE_CXX_COMPILER} -o \"$2/pc_main\" \"$0\" \"$1\"/lib/wakecheck/objects/*/wakecheck_builtin_models/queues/*.o $(pkg-config --cflags --libs wakecheck) && \"$2/pc_main\" list | grep -q '^boundedq (version'"
                 ${PROJECT_SOURCE_DIR}/cli/stock_main.cpp ${stage} ${PROJECT_BINARY_DIR})
set_tests_properties(package_pkg_config PROPERTIES FIXTURES_REQUIRED wakecheck_package)
