# Script mode (cmake -P): install, configure the consumer, build it, run it. Any failure fails the test.
# The consumer gets no Kokkos_DIR: the installed package must find the Kokkos hifa was built with.
function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  message(STATUS "${what}: ok\n${out}")
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")
run("install hifa" "${CMAKE_COMMAND}" --install "${HIFA_BUILD_DIR}" --prefix "${prefix}")
set(configure "${CMAKE_COMMAND}" -G "${GENERATOR}" -S "${CONSUMER_SOURCE}" -B "${WORK_DIR}/build"
  -DCMAKE_BUILD_TYPE=Release "-DCMAKE_PREFIX_PATH=${prefix}")
if(LAUNCHER)
  list(APPEND configure "-DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER}")
endif()
run("configure the consumer" ${configure})
run("build the consumer" "${CMAKE_COMMAND}" --build "${WORK_DIR}/build")
if(NOT CONSUMER)
  set(CONSUMER consumer)
endif()
run("run the consumer" "${WORK_DIR}/build/${CONSUMER}")
