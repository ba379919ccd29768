# Run at build time by datamesh_discover_suites (GTestSuites.cmake): lists the tests of
# EXECUTABLE that FILTER selects and writes OUTPUT, one add_test per suite.
set(list_args --gtest_list_tests)
if(FILTER)
  list(APPEND list_args "--gtest_filter=${FILTER}")
endif()
execute_process(COMMAND "${EXECUTABLE}" ${list_args}
                WORKING_DIRECTORY "${WORKING_DIRECTORY}"
                OUTPUT_VARIABLE listing ERROR_VARIABLE errors RESULT_VARIABLE result
                TIMEOUT 60)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${EXECUTABLE} --gtest_list_tests failed (${result}): ${errors}")
endif()

# "Suite.  # TypeParam = ..." opens a suite; "  Test  # GetParam() = ..." is one of its tests.
# The comments after "  #" are gtest's, not part of the names.
string(REPLACE ";" "\\;" listing "${listing}")
string(REPLACE "\n" ";" lines "${listing}")
set(suites "")
foreach(line IN LISTS lines)
  string(REGEX REPLACE "  #.*" "" line "${line}")
  if(line MATCHES "^([^ ].*)\\.$")
    set(suite "${CMAKE_MATCH_1}")
    list(APPEND suites "${suite}")
    set("tests_of_${suite}" "")
  elseif(line MATCHES "^  (.+)$" AND DEFINED suite)
    string(STRIP "${CMAKE_MATCH_1}" test)
    list(APPEND "tests_of_${suite}" "${suite}.${test}")
  endif()
endforeach()

# One add_test running `filter` (gtest's --gtest_filter) as the test `name`.
set(content "")
macro(add_one name filter)
  string(APPEND content
    "add_test([==[${name}]==] [==[${EXECUTABLE}]==] [==[--gtest_filter=${filter}]==])\n"
    "set_tests_properties([==[${name}]==] PROPERTIES WORKING_DIRECTORY [==[${WORKING_DIRECTORY}]==]")
  if(LABEL)
    string(APPEND content " LABELS [==[${LABEL}]==]")
  endif()
  if(FIXTURES)
    string(APPEND content " FIXTURES_REQUIRED [==[${FIXTURES}]==]")
  endif()
  if(ENVIRONMENT)
    string(APPEND content " ENVIRONMENT [==[${ENVIRONMENT}]==]")
  endif()
  string(APPEND content ")\n")
endmacro()

foreach(suite IN LISTS suites)
  if(PER_TEST AND suite MATCHES "^(${PER_TEST})$")
    foreach(test IN LISTS "tests_of_${suite}")
      add_one("${PREFIX}${test}${SUFFIX}" "${test}")
    endforeach()
  else()
    list(JOIN "tests_of_${suite}" ":" filter)
    add_one("${PREFIX}${suite}${SUFFIX}" "${filter}")
  endif()
endforeach()
file(WRITE "${OUTPUT}" "${content}")
