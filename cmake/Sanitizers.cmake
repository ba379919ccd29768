# Sanitizer and fuzzing builds (docs/RELIABILITY.md, scripts/sanitize.sh, scripts/fuzz.sh).
#
#   -DDATAMESH_SANITIZE=address   everything with AddressSanitizer + UndefinedBehaviorSanitizer
#   -DDATAMESH_SANITIZE=thread    everything with ThreadSanitizer
#   -DDATAMESH_FUZZ=ON            clang only: the address build, with the library compiled for
#                                 libFuzzer (-fsanitize=fuzzer-no-link) and the targets of fuzz/
#
# Any undefined behaviour stops the program (-fno-sanitize-recover), so that a test or a fuzz
# run fails instead of printing a warning nobody reads.

set(DATAMESH_SANITIZE "" CACHE STRING "Sanitizers for every target: address (ASan+UBSan) or thread")
set_property(CACHE DATAMESH_SANITIZE PROPERTY STRINGS "" address thread)
option(DATAMESH_FUZZ "Build the libFuzzer targets of fuzz/ (clang; implies DATAMESH_SANITIZE=address)"
       OFF)

if(DATAMESH_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "DATAMESH_FUZZ needs clang (libFuzzer): configure with "
                        "-DCMAKE_CXX_COMPILER=clang++, not ${CMAKE_CXX_COMPILER_ID}")
  endif()
  if(DATAMESH_SANITIZE STREQUAL "")
    set(DATAMESH_SANITIZE address CACHE STRING "" FORCE)
  elseif(NOT DATAMESH_SANITIZE STREQUAL "address")
    message(FATAL_ERROR "DATAMESH_FUZZ builds with DATAMESH_SANITIZE=address, not ${DATAMESH_SANITIZE}")
  endif()
  # Coverage feedback for libFuzzer in every object; only the fuzz targets link libFuzzer itself
  # (-fsanitize=fuzzer), so the tests of this build keep GoogleTest's main.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

if(DATAMESH_SANITIZE STREQUAL "address")
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=all)
elseif(DATAMESH_SANITIZE STREQUAL "thread")
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
elseif(NOT DATAMESH_SANITIZE STREQUAL "")
  message(FATAL_ERROR "DATAMESH_SANITIZE must be address, thread or empty, not ${DATAMESH_SANITIZE}")
endif()
