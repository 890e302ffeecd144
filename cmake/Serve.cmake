# cmake/Serve.cmake — `nianbao serve` (src/cli/serve.c and its helpers): libmicrohttpd for
# the command, the page (web/) installed beside the layouts, the request rules' unit test
# and fuzz harness.  Included once from the top-level CMakeLists.txt.
pkg_check_modules(MHD REQUIRED IMPORTED_TARGET libmicrohttpd)

# nianbao-serve: the server as a program of its own, which `nianbao serve` executes from
# beside itself (src/cli/main.c), so that only this program loads libmicrohttpd and GnuTLS.
add_executable(nianbao-serve src/cli/serve_main.c src/cli/serve.c src/cli/http_req.c
  src/cli/drafts.c)
target_link_libraries(nianbao-serve PRIVATE nianbao_cli libnianbao PkgConfig::MHD
  PkgConfig::CJSON Threads::Threads)
if(NIANBAO_LIBDIR_IMPLICIT EQUAL -1)
  set_target_properties(nianbao-serve PROPERTIES INSTALL_RPATH "$ORIGIN/${NIANBAO_BIN_TO_LIB}")
endif()
add_dependencies(nianbao nianbao-serve)
install(TARGETS nianbao-serve RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

if(DEFINED NIANBAO_INSTALL_DATADIR)
  install(FILES web/index.html web/app.js web/style.css web/favicon.svg
    DESTINATION ${NIANBAO_INSTALL_DATADIR}/web)
  install(FILES layouts/editions.json layouts/blank-2019.json layouts/blank-2021.json
    DESTINATION ${NIANBAO_INSTALL_DATADIR}/layouts)
endif()

if(NIANBAO_TESTS)
  # The request rules and the drafts folder, without a socket (cmocka).
  pkg_check_modules(SERVE_CMOCKA REQUIRED IMPORTED_TARGET cmocka)
  add_executable(test_http_req tests/serve/test_http_req.c src/cli/http_req.c src/cli/drafts.c)
  target_include_directories(test_http_req PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src/cli)
  target_link_libraries(test_http_req PRIVATE PkgConfig::SERVE_CMOCKA PkgConfig::CJSON
    Threads::Threads)
  add_test(NAME unit.test_http_req COMMAND test_http_req)
  set_tests_properties(unit.test_http_req PROPERTIES TIMEOUT 120
    SKIP_REGULAR_EXPRESSION "\\[  SKIPPED \\]")
endif()

if(NIANBAO_FUZZ)
  # The request parser's own code, alone (tests/fuzz/run http).
  add_executable(fuzz_http tests/fuzz/fuzz_http.c src/cli/http_req.c)
  target_include_directories(fuzz_http PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src/cli)
  target_compile_options(fuzz_http PRIVATE -fsanitize=fuzzer,address,undefined
    -fno-omit-frame-pointer)
  target_link_options(fuzz_http PRIVATE -fsanitize=fuzzer,address,undefined)
  set_target_properties(fuzz_http PROPERTIES RUNTIME_OUTPUT_DIRECTORY
    ${CMAKE_BINARY_DIR}/tests/fuzz)
  add_test(NAME fuzz.http.corpus
    COMMAND fuzz_http -runs=0 ${CMAKE_CURRENT_SOURCE_DIR}/tests/fuzz/corpus/http)
  set_tests_properties(fuzz.http.corpus PROPERTIES TIMEOUT 300)
endif()
