# Warnings for Starling's own code (third-party headers are included as SYSTEM by their targets).
function(starling_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
    -Wcast-align -Wunused -Woverloaded-virtual -Wimplicit-fallthrough
    -Wno-missing-field-initializers)  # designated initializers leave the rest defaulted on purpose
  if(STARLING_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# starling_library(NAME SOURCES ... DEPS ...): one static library per module.
function(starling_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  starling_warnings(${name})
endfunction()

# starling_test(NAME SOURCES ... DEPS ...): a GoogleTest binary registered with ctest.
# LABELS defaults to "unit"; integration tests pass LABELS integration.
function(starling_test name)
  if(NOT STARLING_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  starling_warnings(${name})
  # PRE_TEST: tests are listed when ctest runs, so data-driven cases (one file each) are picked up
  # without relinking.
  gtest_discover_tests(${name} PROPERTIES LABELS "${ARG_LABELS}" DISCOVERY_TIMEOUT 30 DISCOVERY_MODE PRE_TEST)
endfunction()

# starling_bench(NAME SOURCES ... DEPS ...): a Google Benchmark program (foo_bench.cc beside foo.cc).
# Built only with STARLING_BUILD_BENCH; run it from a release build, it is not a test.
function(starling_bench name)
  if(NOT STARLING_BUILD_BENCH)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} benchmark::benchmark)
  starling_warnings(${name})
endfunction()
