# Makes one CTest entry of each Catch2 test case of the test binary, run after each build of
# it (tests/CMakeLists.txt). The binary lists "name<TAB>tag,tag" (tests/main.cpp,
# --list-for-ctest); each entry runs exactly that test case, by its escaped name, with
# --warn NoTests so that an entry matching nothing fails; its tags become CTest labels
# (`ctest -L kernels`, `ctest -L cuda`) and exit code 77 reports "Skipped". TEST_ENVIRONMENT,
# when given, is one VAR=value set for every entry.
#   cmake -D TEST_EXECUTABLE=... -D CTEST_FILE=... [-D TEST_ENVIRONMENT=...] -P discover_tests.cmake
execute_process(COMMAND "${TEST_EXECUTABLE}" --list-for-ctest
                OUTPUT_VARIABLE listing RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${TEST_EXECUTABLE} --list-for-ctest failed (${result}):\n${listing}")
endif()
if(listing MATCHES "([^\n]*;[^\n]*)")
  message(FATAL_ERROR "test case '${CMAKE_MATCH_1}' has a ';' in its name or tags, which CTest would "
                      "split into two entries: rename it")
endif()
string(REPLACE "\n" ";" lines "${listing}")
set(script "")
set(count 0)
foreach(line IN LISTS lines)
  if(line STREQUAL "")
    continue()
  endif()
  string(FIND "${line}" "\t" tab)
  string(SUBSTRING "${line}" 0 ${tab} name)
  math(EXPR after "${tab} + 1")
  string(SUBSTRING "${line}" ${after} -1 tags)
  string(REPLACE "," ";" labels "${tags}")
  # Characters Catch2 reads as test-spec syntax are escaped with a backslash.
  set(spec "${name}")
  foreach(char "\\" "," "[" "]" "*" "~" "\"")
    string(REPLACE "${char}" "\\${char}" spec "${spec}")
  endforeach()
  string(APPEND script "add_test([==[${name}]==] [==[${TEST_EXECUTABLE}]==] [==[${spec}]==] --warn NoTests)\n")
  string(APPEND script "set_tests_properties([==[${name}]==] PROPERTIES SKIP_RETURN_CODE 77 LABELS [==[${labels}]==])\n")
  if(NOT TEST_ENVIRONMENT STREQUAL "")
    string(APPEND script "set_tests_properties([==[${name}]==] PROPERTIES ENVIRONMENT [==[${TEST_ENVIRONMENT}]==])\n")
  endif()
  math(EXPR count "${count} + 1")
endforeach()
file(WRITE "${CTEST_FILE}" "${script}")
message(STATUS "dae_tests: ${count} CTest entries")
