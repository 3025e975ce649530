# sl_add_module(NAME [DEPS lib...] [SOURCES extra.c...])
# Builds static library sl_<NAME> from every src/<NAME>/*.c plus extra (generated) sources.
# Headers are included as "module/file.h" from src/, public ones as <sluice/x.h> from include/.
function(sl_add_module name)
  cmake_parse_arguments(M "" "" "DEPS;SOURCES" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.c)
  if(NOT srcs AND NOT M_SOURCES)  # a module whose first file has not landed yet
    file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/empty_${name}.c "typedef int sl_empty_${name};\n")
    set(srcs ${CMAKE_CURRENT_BINARY_DIR}/empty_${name}.c)
  endif()
  add_library(sl_${name} STATIC ${srcs} ${M_SOURCES})
  target_include_directories(sl_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/include)
  target_link_libraries(sl_${name} PUBLIC ${M_DEPS})
endfunction()

# sl_add_unit_tests(MODULE [DEPS lib...])
# One Criterion executable per tests/unit/<MODULE>/test_*.c, each registered with ctest and linked
# with the shared test fixtures (sl_testsupport, tests/unit/support).
function(sl_add_unit_tests module)
  cmake_parse_arguments(T "" "" "DEPS" ${ARGN})
  file(GLOB tests CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/unit/${module}/test_*.c)
  foreach(t ${tests})
    get_filename_component(base ${t} NAME_WE)
    set(exe unit_${module}_${base})
    add_executable(${exe} ${t})
    target_link_libraries(${exe} PRIVATE sl_${module} ${T_DEPS} sl_testsupport PkgConfig::CRITERION)
    add_test(NAME unit/${module}/${base} COMMAND ${exe} --jobs 1 -q)
    set_tests_properties(unit/${module}/${base} PROPERTIES LABELS unit TIMEOUT 300)
  endforeach()
endfunction()

# sl_add_e2e_tests(): every tests/e2e/NNNN-*.{sh,py}, run with the build's binaries in SLUICE_BIN.
function(sl_add_e2e_tests)
  file(GLOB scripts CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/e2e/[0-9][0-9][0-9][0-9]-*.sh
                                      ${PROJECT_SOURCE_DIR}/tests/e2e/[0-9][0-9][0-9][0-9]-*.py)
  foreach(s ${scripts})
    get_filename_component(name ${s} NAME)
    if(name MATCHES "\\.py$")
      add_test(NAME e2e/${name} COMMAND /usr/bin/python3 ${s})
    else()
      add_test(NAME e2e/${name} COMMAND bash ${s})
    endif()
    set_tests_properties(e2e/${name} PROPERTIES LABELS e2e TIMEOUT 900
      ENVIRONMENT "SLUICE_BIN=${CMAKE_BINARY_DIR}/bin;SLUICE_SRC=${PROJECT_SOURCE_DIR};SLUICE_SHARED=${PROJECT_SOURCE_DIR}/../shared")
  endforeach()
endfunction()
