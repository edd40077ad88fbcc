# Included after find_package(xsimd) by CMakeLists.txt and metahebbConfig.cmake.
#
# Debian bookworm's libxsimd-dev (8.1.0-7) is built with ENABLE_XTL_COMPLEX=ON:
# its imported target `xsimd` lists `xtl` in INTERFACE_LINK_LIBRARIES, but its
# config file never looks for xtl, so without an `xtl` target every link line
# gets `-lxtl` and fails ("cannot find -lxtl"; xsimd issue #869, fixed upstream
# by PR #875). xtl is header-only and metahebb does not use xsimd's xtl complex
# support, so the dangling name is dropped.
if(TARGET xsimd AND NOT TARGET xtl)
  get_target_property(_metahebb_xsimd_libs xsimd INTERFACE_LINK_LIBRARIES)
  if(_metahebb_xsimd_libs AND "xtl" IN_LIST _metahebb_xsimd_libs)
    list(REMOVE_ITEM _metahebb_xsimd_libs xtl)
    set_property(TARGET xsimd PROPERTY INTERFACE_LINK_LIBRARIES "${_metahebb_xsimd_libs}")
  endif()
  unset(_metahebb_xsimd_libs)
endif()
