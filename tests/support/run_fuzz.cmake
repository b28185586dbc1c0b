# Runs a libFuzzer target for a bounded time on a copy of the seed corpus (the fuzzer writes
# the new inputs it finds into its corpus directory; the source tree must stay untouched).
#   cmake -DFUZZER=<binary> -DCORPUS=<seed dir> -DWORK_DIR=<scratch dir> -DMAX_TOTAL_TIME=<s>
#         -P run_fuzz.cmake
foreach(var FUZZER CORPUS WORK_DIR MAX_TOTAL_TIME)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "run_fuzz.cmake: ${var} is not set")
    endif()
endforeach()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}/corpus" "${WORK_DIR}/artifacts")
file(GLOB seeds "${CORPUS}/*")
file(COPY ${seeds} DESTINATION "${WORK_DIR}/corpus")

execute_process(
    COMMAND "${FUZZER}" "${WORK_DIR}/corpus" -max_total_time=${MAX_TOTAL_TIME}
            -max_len=4096 -print_final_stats=1 -artifact_prefix=${WORK_DIR}/artifacts/
    RESULT_VARIABLE result)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "${FUZZER} failed (${result}); crashing inputs in ${WORK_DIR}/artifacts")
endif()
