# Configures, builds and tests one out-of-tree project against an installed
# wakecheck, from a clean build directory: what a user does after installing.
#
#   cmake -DSOURCE=<project> -DBINARY=<build dir> -DPREFIX=<install prefix>
#         -DCTEST=<ctest> [-DREADME=<README.md>] -P build_example.cmake
#
# With README, the project is first written out of README.md: each fenced
# block that follows a "<!-- readme-example: <path> -->" line becomes <path>
# under SOURCE, and the blocks together must stay under 60 lines.
cmake_minimum_required(VERSION 3.25)
foreach(var SOURCE BINARY PREFIX CTEST)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "build_example.cmake: -D${var}=... is required")
  endif()
endforeach()

function(extract_readme_example readme dir)
  file(REMOVE_RECURSE "${dir}")
  file(READ "${readme}" text)
  set(files 0)
  set(lines 0)
  while(TRUE)
    string(FIND "${text}" "<!-- readme-example: " at)
    if(at EQUAL -1)
      break()
    endif()
    string(SUBSTRING "${text}" ${at} -1 text)
    string(REGEX MATCH "^<!-- readme-example: ([^ ]+) -->\n```[a-z]*\n" head "${text}")
    if(NOT head)
      message(FATAL_ERROR "${readme}: a readme-example marker must be followed by a fenced block")
    endif()
    set(name "${CMAKE_MATCH_1}")
    string(LENGTH "${head}" skip)
    string(SUBSTRING "${text}" ${skip} -1 text)
    string(FIND "${text}" "\n```" end)
    string(SUBSTRING "${text}" 0 ${end} body)
    file(WRITE "${dir}/${name}" "${body}\n")
    string(REGEX MATCHALL "\n" newlines "${body}\n")
    list(LENGTH newlines n)
    math(EXPR lines "${lines} + ${n}")
    math(EXPR files "${files} + 1")
    string(SUBSTRING "${text}" ${end} -1 text)
  endwhile()
  if(files EQUAL 0)
    message(FATAL_ERROR "${readme}: no readme-example blocks")
  endif()
  if(lines GREATER_EQUAL 60)
    message(FATAL_ERROR "${readme}: the example is ${lines} lines; it must stay under 60")
  endif()
  message(STATUS "README example: ${files} files, ${lines} lines")
endfunction()

if(DEFINED README)
  extract_readme_example("${README}" "${SOURCE}")
endif()
file(REMOVE_RECURSE "${BINARY}")
execute_process(COMMAND ${CMAKE_COMMAND} -S "${SOURCE}" -B "${BINARY}" -G Ninja
                        "-DCMAKE_PREFIX_PATH=${PREFIX}" -DCMAKE_BUILD_TYPE=Release
                COMMAND_ERROR_IS_FATAL ANY)
# One job: ctest runs two of these side by side on a two-core machine.
execute_process(COMMAND ${CMAKE_COMMAND} --build "${BINARY}" -j 1 COMMAND_ERROR_IS_FATAL ANY)
execute_process(COMMAND ${CTEST} --test-dir "${BINARY}" --output-on-failure
                COMMAND_ERROR_IS_FATAL ANY)
