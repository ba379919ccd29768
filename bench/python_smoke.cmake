# bench_python_smoke: runs `datamesh_python_bench --quick` and checks that both sides answered
# and the JSON has its figures. Never a timing assertion.
# Usage: cmake -DBENCH=path/to/datamesh_python_bench -DJSON_OUT=path/out.json -P python_smoke.cmake
if(NOT BENCH OR NOT JSON_OUT)
  message(FATAL_ERROR "usage: cmake -DBENCH=... -DJSON_OUT=... -P python_smoke.cmake")
endif()
include("${CMAKE_CURRENT_LIST_DIR}/smoke_run.cmake")
smoke_run("${BENCH}" "datamesh-python-overhead/1" --quick)
foreach(figure cpp_ns python_ns ratio)
  string(JSON value ERROR_VARIABLE error GET "${text}" median ${figure})
  if(error OR value LESS_EQUAL 0)
    message(FATAL_ERROR "${JSON_OUT}: median ${figure} is missing or not positive (${value})")
  endif()
endforeach()
message(STATUS "bench_python_smoke: ${JSON_OUT} is valid")
