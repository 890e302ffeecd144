# cmake/CPackPrune.cmake — run by CPack (CPACK_PRE_BUILD_SCRIPTS, cmake/Install.cmake) on
# the staged installation before it is packed: takes out the Fandol fonts that a build
# with NIANBAO_INSTALL_FANDOL copies under share/nianbao/deps, because the Debian package
# gets its fonts from Debian's packages (Fandol from texlive-lang-chinese, suggested).
file(GLOB_RECURSE nb_fandol LIST_DIRECTORIES false
  "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*/share/nianbao/deps/*")
if(nb_fandol)
  file(GLOB_RECURSE nb_deps_dirs LIST_DIRECTORIES true
    "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*/share/nianbao/deps")
  foreach(d ${nb_deps_dirs})
    if(IS_DIRECTORY "${d}" AND d MATCHES "/share/nianbao/deps$")
      file(REMOVE_RECURSE "${d}")
    endif()
  endforeach()
  message(STATUS "CPackPrune: left out share/nianbao/deps (the package depends on Debian's fonts)")
endif()
