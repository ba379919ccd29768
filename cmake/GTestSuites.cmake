# One CTest test per GoogleTest suite of an executable, where gtest_discover_tests makes one per
# test.
#
# Why: every CTest test is a process, and a test executable costs a start-up before its first
# test runs: 0.05 s of CPU in the Debug build, 0.35 s under ASan + UBSan with the fuzzers'
# coverage (a 150 MB binary whose shadow memory is mapped at start). With 1,600 tests of a few
# milliseconds each, the sanitizer job spent more CPU starting processes than testing. A suite
# keeps what makes CTest useful (tests run in parallel, a failure names its suite, and the
# output lists the failing tests) for one start-up per suite.
#
#   datamesh_discover_suites(<target> [PREFIX <p>] [SUFFIX <s>] [FILTER <gtest filter>]
#                            [LABEL <label>] [FIXTURES <fixture>] [ENVIRONMENT <VAR=value>]
#                            [PER_TEST <regex>])
#
# Like gtest_discover_tests (POST_BUILD), the suites are listed when the executable is built:
# each becomes the test "<p><Suite><s>", running exactly the tests of that suite FILTER selects
# (a SUFFIX tells apart two calls on one executable whose filters share suites). The suites
# whose whole name PER_TEST matches run one test per CTest test ("<p><Suite>.<Test><s>"): those
# whose tests take seconds each, which would otherwise run one after another on one core.
# A test that GTEST_SKIPs is reported by the suite's output, not as a skipped CTest test: a
# suite with one skipped and one failed test must fail.
set(_datamesh_suites_script ${CMAKE_CURRENT_LIST_DIR}/GTestSuitesList.cmake)

function(datamesh_discover_suites target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "PREFIX;SUFFIX;FILTER;LABEL;FIXTURES;ENVIRONMENT;PER_TEST" "")
  get_property(counter TARGET ${target} PROPERTY DATAMESH_SUITES_COUNTER)
  if(NOT counter)
    set(counter 0)
  endif()
  math(EXPR counter "${counter} + 1")
  set_property(TARGET ${target} PROPERTY DATAMESH_SUITES_COUNTER ${counter})
  set(base "${CMAKE_CURRENT_BINARY_DIR}/${target}_suites${counter}")
  add_custom_command(
    TARGET ${target} POST_BUILD
    BYPRODUCTS "${base}_tests.cmake"
    COMMAND "${CMAKE_COMMAND}"
            -D "EXECUTABLE=$<TARGET_FILE:${target}>"
            -D "WORKING_DIRECTORY=${CMAKE_CURRENT_BINARY_DIR}"
            -D "PREFIX=${arg_PREFIX}"
            -D "SUFFIX=${arg_SUFFIX}"
            -D "FILTER=${arg_FILTER}"
            -D "LABEL=${arg_LABEL}"
            -D "FIXTURES=${arg_FIXTURES}"
            -D "ENVIRONMENT=${arg_ENVIRONMENT}"
            -D "PER_TEST=${arg_PER_TEST}"
            -D "OUTPUT=${base}_tests.cmake"
            -P "${_datamesh_suites_script}"
    VERBATIM)
  # Until the executable is built, a placeholder test says so (as gtest_discover_tests does).
  file(WRITE "${base}_include.cmake"
       "if(EXISTS \"${base}_tests.cmake\")\n"
       "  include(\"${base}_tests.cmake\")\n"
       "else()\n"
       "  add_test(${target}_NOT_BUILT ${target}_NOT_BUILT)\n"
       "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${base}_include.cmake")
endfunction()
