# The web console (console/, docs/CONSOLE.md), built into `datamesh serve`. Included by
# src/CMakeLists.txt; sets DATAMESH_CONSOLE_ASSETS_CC, the generated source of the asset list
# (server/console_assets.h), which is empty when the console is off.
#
# At build time: `npm ci` installs console/package-lock.json into the build tree (never into
# console/), datamesh_console_methods writes the method table as JSON, console/build.mjs bundles
# and gzips the assets, and cmake/EmbedConsole.cmake turns them into C++.
find_program(DATAMESH_NPM npm)
find_program(DATAMESH_NODE node)
if(DATAMESH_NPM AND DATAMESH_NODE)
  set(datamesh_console_default ON)
else()
  set(datamesh_console_default OFF)
endif()
option(DATAMESH_CONSOLE "Build the web console into `datamesh serve` (needs node and npm)"
       ${datamesh_console_default})

set(console_src ${PROJECT_SOURCE_DIR}/console)
set(console_build ${PROJECT_BINARY_DIR}/console)
set(DATAMESH_CONSOLE_ASSETS_CC ${CMAKE_CURRENT_BINARY_DIR}/generated/console_assets.cc)
set(embed_script ${PROJECT_SOURCE_DIR}/cmake/EmbedConsole.cmake)

if(NOT DATAMESH_CONSOLE)
  message(STATUS "datamesh: the web console is OFF (node and npm not found, or "
                 "-DDATAMESH_CONSOLE=OFF): `datamesh serve` answers / with 404; "
                 "scripts/install-deps.sh installs nodejs and npm")
  execute_process(COMMAND ${CMAKE_COMMAND} -DASSETS_DIR= -DOUTPUT=${DATAMESH_CONSOLE_ASSETS_CC}
                          -P ${embed_script})
  return()
endif()
message(STATUS "datamesh: the web console is ON (npm: ${DATAMESH_NPM})")
file(MAKE_DIRECTORY ${console_build})

# npm ci from the lock file, into the build tree. Install scripts are not needed (esbuild finds
# its binary in its platform package), so none runs.
set(console_modules_stamp ${console_build}/node_modules/.datamesh-ci-stamp)
add_custom_command(
  OUTPUT ${console_modules_stamp}
  COMMAND ${CMAKE_COMMAND} -E copy ${console_src}/package.json ${console_src}/package-lock.json
          ${console_build}
  COMMAND ${DATAMESH_NPM} ci --ignore-scripts --no-audit --no-fund --loglevel=error
  COMMAND ${CMAKE_COMMAND} -E touch ${console_modules_stamp}
  WORKING_DIRECTORY ${console_build}
  DEPENDS ${console_src}/package.json ${console_src}/package-lock.json
  COMMENT "console: npm ci (console/package-lock.json)"
  VERBATIM)
add_custom_target(datamesh_console_modules DEPENDS ${console_modules_stamp})

# The method table the console's API client is derived from.
add_executable(datamesh_console_methods server/console_methods_main.cc)
target_include_directories(datamesh_console_methods PRIVATE ${console_table_root})
target_link_libraries(datamesh_console_methods PRIVATE datamesh_console_table)
add_custom_command(
  OUTPUT ${console_build}/methods.json
  COMMAND datamesh_console_methods ${console_build}/methods.json
  DEPENDS datamesh_console_methods
  COMMENT "console: method table"
  VERBATIM)

file(GLOB_RECURSE console_sources CONFIGURE_DEPENDS ${console_src}/src/*)
add_custom_command(
  OUTPUT ${DATAMESH_CONSOLE_ASSETS_CC}
  COMMAND ${DATAMESH_NODE} ${console_src}/build.mjs --node-modules ${console_build}/node_modules
          --methods ${console_build}/methods.json --out ${console_build}/dist
  COMMAND ${CMAKE_COMMAND} -DASSETS_DIR=${console_build}/dist/assets
          -DOUTPUT=${DATAMESH_CONSOLE_ASSETS_CC} -P ${embed_script}
  DEPENDS ${console_modules_stamp} ${console_build}/methods.json ${console_src}/build.mjs
          ${console_sources} ${embed_script}
  COMMENT "console: esbuild bundle, gzip, embed"
  VERBATIM)
