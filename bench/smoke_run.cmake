# The common start of the benchmarks' smoke tests (smoke.cmake, postgres_smoke.cmake,
# scale_smoke.cmake). smoke_run(<binary> <schema> <argument>...) runs the benchmark with the
# arguments and `--json ${JSON_OUT}`, and fails the test unless it exits 0 and writes JSON whose
# "schema" is <schema> (any, when it is ""). It leaves the JSON in `text` and its schema in
# `schema`.
function(smoke_run binary expected_schema)
  get_filename_component(name "${binary}" NAME)
  file(REMOVE "${JSON_OUT}")
  execute_process(COMMAND "${binary}" ${ARGN} --json "${JSON_OUT}" RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    string(JOIN " " arguments ${ARGN})
    message(FATAL_ERROR "${name} ${arguments} failed: ${result}")
  endif()
  if(NOT EXISTS "${JSON_OUT}")
    message(FATAL_ERROR "${name} wrote no ${JSON_OUT}")
  endif()
  file(READ "${JSON_OUT}" json)
  string(JSON found ERROR_VARIABLE error GET "${json}" schema)
  if(error)
    message(FATAL_ERROR "${JSON_OUT} is not valid JSON with a schema: ${error}")
  endif()
  if(expected_schema AND NOT found STREQUAL expected_schema)
    message(FATAL_ERROR "${JSON_OUT} has schema \"${found}\", not ${expected_schema}")
  endif()
  set(text "${json}" PARENT_SCOPE)
  set(schema "${found}" PARENT_SCOPE)
endfunction()
