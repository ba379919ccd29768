# bench_smoke: runs `datamesh_bench --quick` and checks that it completed and wrote valid JSON
# with its sections. Never a timing assertion: CI machines differ too much.
# Usage: cmake -DBENCH=path/to/datamesh_bench -DJSON_OUT=path/out.json -P smoke.cmake
if(NOT BENCH OR NOT JSON_OUT)
  message(FATAL_ERROR "usage: cmake -DBENCH=... -DJSON_OUT=... -P smoke.cmake")
endif()
include("${CMAKE_CURRENT_LIST_DIR}/smoke_run.cmake")
smoke_run("${BENCH}" "" --quick --connections 8)
foreach(section scenarios targets step_costs baselines machine)
  string(JSON type ERROR_VARIABLE error TYPE "${text}" ${section})
  if(error)
    message(FATAL_ERROR "${JSON_OUT} has no ${section}: ${error}")
  endif()
endforeach()
string(JSON count LENGTH "${text}" scenarios)
if(count LESS 3)
  message(FATAL_ERROR "${JSON_OUT} has ${count} scenarios, expected healthz, read and write")
endif()
# The HTTPS runs (wrk against datamesh serve --tls-cert) must have worked wherever wrk is.
string(JSON tls_error ERROR_VARIABLE no_tls_error GET "${text}" tls_error)
if(NOT no_tls_error AND NOT tls_error STREQUAL "wrk not installed")
  message(FATAL_ERROR "${JSON_OUT}: the HTTPS runs failed: ${tls_error}")
endif()
message(STATUS "bench_smoke: ${JSON_OUT} is valid (${schema}, ${count} scenarios)")
