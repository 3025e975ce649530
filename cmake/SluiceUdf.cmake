# SluiceUdf.cmake: build Sluice UDF plugins with CMake.
#   include(SluiceUdf)              (installed in <prefix>/lib/cmake/sluice; add it to CMAKE_MODULE_PATH)
#   sluice_add_udf(myplugin myplugin.c [more.c ...])
# builds myplugin.so, a module that sluiced loads from its extension directory (ksql.extension.dir).
# Plugins include <sluice/udf.h> only and link nothing from Sluice. SLUICE_UDF_INCLUDE_DIR may be set
# beforehand to point at another SDK.
if(NOT DEFINED SLUICE_UDF_INCLUDE_DIR)
  if(EXISTS "${CMAKE_CURRENT_LIST_DIR}/../include/sluice/udf.h")
    # the source tree: cmake/ beside include/
    get_filename_component(SLUICE_UDF_INCLUDE_DIR "${CMAKE_CURRENT_LIST_DIR}/../include" ABSOLUTE)
  else()
    # installed: <prefix>/lib/cmake/sluice/SluiceUdf.cmake
    get_filename_component(SLUICE_UDF_INCLUDE_DIR "${CMAKE_CURRENT_LIST_DIR}/../../../include" ABSOLUTE)
  endif()
endif()

function(sluice_add_udf name)
  if(NOT ARGN)
    message(FATAL_ERROR "sluice_add_udf(${name}): no source files")
  endif()
  add_library(${name} MODULE ${ARGN})
  target_include_directories(${name} PRIVATE ${SLUICE_UDF_INCLUDE_DIR})
  # only sl_udf_entry and the magic function are exported (SL_UDF_EXPORT); no "lib" prefix
  set_target_properties(${name} PROPERTIES PREFIX "" C_VISIBILITY_PRESET hidden)
endfunction()
