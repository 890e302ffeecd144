# cmake/Install.cmake — what `cmake --install` adds beyond the program, the library, the
# header, nianbao.pc and the data folder (those rules are in CMakeLists.txt), and the
# Debian package that CPack makes of the whole (`cpack -G DEB` in the build folder).
#
# Installed here, under the install prefix (GNUInstallDirs):
#   share/man/man1/nianbao.1.gz                   the manual page (dist/nianbao.1, gzip -9n)
#   share/bash-completion/completions/nianbao     the bash completion (dist/nianbao.bash)
#   share/doc/nianbao/                            README.md and docs/*.md
#   share/nianbao/fonts/fontmap.json              the font map of an installed system
#                                                 (dist/fontmap.json; see fonts/README.md)
#   lib/python3/dist-packages/nianbao/            the Python binding (python/nianbao), when
#                                                 NIANBAO_INSTALL_PYTHON is on
#
# The installed font map differs from fonts/fontmap.json only where the fonts are: the
# Fandol faces are looked for where Debian's texlive-lang-chinese puts them instead of
# deps/fandol, and body and table fall back to Noto Serif CJK SC when Fandol is absent.
# tests/e2e/fontmap_installed.sh holds the two maps to that.
#
# The package: one .deb, nianbao_VERSION_ARCH.deb, holding everything above.  Its Depends
# are Debian package names: the shared libraries the program and the library link, as
# dpkg-shlibdeps finds them (an explicit list when dpkg-shlibdeps is missing), and the font
# packages the installed map names.  Fandol is only suggested: it ships inside TeX Live's
# Chinese package, which pulls in TeX; Fandol copied from deps/fandol by a build with
# NIANBAO_INSTALL_FANDOL is left out (cmake/CPackPrune.cmake).  The package installs under
# /usr whatever CMAKE_INSTALL_PREFIX is; `scripts/dev deb` configures build-deb/ for /usr.
# tests/pkg/deb_install.sh installs the package in a fresh Debian.

include(GNUInstallDirs)

option(NIANBAO_INSTALL_PYTHON "Install the Python binding (python/nianbao)" ON)
# Debian's python3 looks in /usr/lib/python3/dist-packages (for the prefix /usr).
set(NIANBAO_PYTHON_DIR "lib/python3/dist-packages"
    CACHE STRING "Where the Python binding is installed, relative to the prefix")

# The manual page, compressed as Debian's policy asks (-n: no name or time stamp, so the
# same page gives the same bytes).
find_program(NIANBAO_GZIP gzip REQUIRED)
add_custom_command(OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/nianbao.1.gz
  COMMAND ${NIANBAO_GZIP} -9nc ${CMAKE_CURRENT_SOURCE_DIR}/dist/nianbao.1 > ${CMAKE_CURRENT_BINARY_DIR}/nianbao.1.gz
  DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/dist/nianbao.1
  COMMENT "Compressing the manual page")
add_custom_target(nianbao_manpage ALL DEPENDS ${CMAKE_CURRENT_BINARY_DIR}/nianbao.1.gz)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/nianbao.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

install(FILES dist/nianbao.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
  RENAME nianbao)

file(GLOB NIANBAO_DOCS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/docs/*.md)
install(FILES README.md ${NIANBAO_DOCS} DESTINATION ${CMAKE_INSTALL_DOCDIR})

# After CMakeLists.txt's rule for the data folder, so this map replaces the build tree's.
install(FILES dist/fontmap.json fonts/README.md DESTINATION ${CMAKE_INSTALL_DATADIR}/nianbao/fonts)

if(NIANBAO_INSTALL_PYTHON)
  install(DIRECTORY python/nianbao DESTINATION ${NIANBAO_PYTHON_DIR}
    FILES_MATCHING PATTERN "*.py" PATTERN "__pycache__" EXCLUDE)
endif()

# ---- the Debian package (CPack) ------------------------------------------------------

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME nianbao)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# A Debian package installs under /usr whatever the build's prefix; the program and the
# library find the data folder relative to where they are installed.
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # nianbao_VERSION_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_RELEASE "")
# Who answers for the package: whoever builds it for an office's machines sets their own
# name and address (cmake -DNIANBAO_DEB_MAINTAINER="县信息中心 <it@example.org>"); the
# default's .invalid address says that no one has.
set(NIANBAO_DEB_MAINTAINER "nianbao maintainers <maintainers@nianbao.invalid>" CACHE STRING
  "The Debian package's Maintainer: \"Name <address>\"")
if(NOT NIANBAO_DEB_MAINTAINER MATCHES "^[^<>]+ <[^<> ]+@[^<> ]+>$")
  message(FATAL_ERROR "NIANBAO_DEB_MAINTAINER must read \"Name <address>\", as Debian's "
    "Maintainer field does: ${NIANBAO_DEB_MAINTAINER}")
endif()
set(CPACK_PACKAGE_CONTACT ${NIANBAO_DEB_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${NIANBAO_DEB_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_SECTION text)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "typesets annual reports on government information disclosure as PDF/A")
# The long description (CPack puts the summary above it and indents it as Debian wants).
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
  "nianbao turns the JSON data of a Chinese government body's annual report on
government information disclosure (政府信息公开工作年度报告) into a print-ready
A4 PDF/A-1b whose merged-cell tables match the official template (2019 and 2021
editions), after checking the arithmetic the tables require.

The package holds the nianbao command (and nianbao-serve, the report editor's
server that \"nianbao serve\" runs), libnianbao (shared and static, with its
header and pkg-config file), the layouts, the font map, the manual page, the
bash completion and the Python binding (import nianbao).

The body and table fonts are FandolFang when texlive-lang-chinese is installed;
without it they are Noto Serif CJK SC, and the 楷体 headings LXGW WenKai.")

# Runtime libraries, by the Debian names of the packages that ship them.
find_program(NIANBAO_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(NIANBAO_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  set(NIANBAO_DEB_DEPENDS "")
else()
  set(NIANBAO_DEB_DEPENDS "libc6, libcjson1, libdeflate0, libfontconfig1, libfreetype6, libharfbuzz0b, libharfbuzz-subset0, libhpdf-2.3.0, libmicrohttpd12, ")
endif()
# The fonts the installed font map names (fonts/README.md): Noto CJK (title, headings,
# fallbacks), LXGW WenKai (楷体 when Fandol is absent), Hanazono (CJK Extension B).
string(APPEND NIANBAO_DEB_DEPENDS "fonts-noto-cjk, fonts-lxgw-wenkai, fonts-hanazono")
set(CPACK_DEBIAN_PACKAGE_DEPENDS ${NIANBAO_DEB_DEPENDS})
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "texlive-lang-chinese, python3, man-db, bash-completion")
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_STRIP_FILES ON)
# A build with NIANBAO_INSTALL_FANDOL installs the checkout's Fandol under share/nianbao;
# the package leaves it out (fonts come from Debian's packages).
set(CPACK_PRE_BUILD_SCRIPTS ${CMAKE_CURRENT_SOURCE_DIR}/cmake/CPackPrune.cmake)
include(CPack)
