# Installation and the Debian packages (CPack DEB), one per component:
#   campus-signage-player  the player, its demo deck, config and systemd unit
#   campus-signage-server  the content server, its web pages, config and unit
# Build them with scripts/package.sh (or: cmake -DCMAKE_INSTALL_PREFIX=/usr
# ... && cpack -G DEB in the build dir).  Files under /etc are conffiles:
# dpkg keeps the operator's edits through upgrades and removal (only purge
# deletes them); the player's cache is kept until purge as well.

# The units' directory: systemd's own answer where it is installed.
pkg_get_variable(SIGNAGE_SYSTEMD_UNITDIR systemd systemdsystemunitdir)
if(NOT SIGNAGE_SYSTEMD_UNITDIR)
  set(SIGNAGE_SYSTEMD_UNITDIR /lib/systemd/system)
endif()
set(SIGNAGE_ETCDIR ${CMAKE_INSTALL_FULL_SYSCONFDIR}/campus-signage)
set(SIGNAGE_SHAREDIR ${CMAKE_INSTALL_DATADIR}/campus-signage)

# Man pages are installed compressed, as Debian expects.
find_program(GZIP gzip REQUIRED)
set(SIGNAGE_MAN_GZ)
foreach(page signage-player.1 signage-server.1)
  if(EXISTS ${CMAKE_SOURCE_DIR}/docs/man/${page})
    add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/man/${page}.gz
      COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
      COMMAND ${GZIP} -9n -c ${CMAKE_SOURCE_DIR}/docs/man/${page} > ${CMAKE_BINARY_DIR}/man/${page}.gz
      DEPENDS ${CMAKE_SOURCE_DIR}/docs/man/${page} VERBATIM)
    list(APPEND SIGNAGE_MAN_GZ ${CMAKE_BINARY_DIR}/man/${page}.gz)
  endif()
endforeach()
add_custom_target(man-pages ALL DEPENDS ${SIGNAGE_MAN_GZ})

# -- the player ---------------------------------------------------------------
install(TARGETS signage-player RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT player)
install(DIRECTORY content/demo DESTINATION ${SIGNAGE_SHAREDIR} COMPONENT player)
install(FILES config/signage-player.conf RENAME player.conf DESTINATION ${SIGNAGE_ETCDIR}
  COMPONENT player)
install(FILES config/systemd/campus-signage-player.service
  DESTINATION ${SIGNAGE_SYSTEMD_UNITDIR} COMPONENT player)
install(FILES packaging/copyright README.md docs/install.md docs/protocol.md docs/manifest.md
  fonts/README.md
  DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/campus-signage-player COMPONENT player OPTIONAL)
if(EXISTS ${CMAKE_SOURCE_DIR}/docs/man/signage-player.1)
  install(FILES ${CMAKE_BINARY_DIR}/man/signage-player.1.gz
    DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT player)
endif()

# -- the server ---------------------------------------------------------------
install(TARGETS signage-server RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT server)
install(DIRECTORY web DESTINATION ${SIGNAGE_SHAREDIR} COMPONENT server)
install(FILES config/signage-server.conf RENAME server.conf DESTINATION ${SIGNAGE_ETCDIR}
  COMPONENT server)
install(FILES config/systemd/campus-signage-server.service
  DESTINATION ${SIGNAGE_SYSTEMD_UNITDIR} COMPONENT server)
install(FILES packaging/copyright docs/deploy.md docs/api.md
  DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/campus-signage-server COMPONENT server OPTIONAL)
if(EXISTS ${CMAKE_SOURCE_DIR}/docs/man/signage-server.1)
  install(FILES ${CMAKE_BINARY_DIR}/man/signage-server.1.gz
    DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT server)
endif()

# -- CPack DEB ----------------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME campus-signage)
set(CPACK_PACKAGE_VENDOR "campus-signage")
set(CPACK_PACKAGE_CONTACT "campus-signage maintainers <signage@example.edu.cn>")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://github.com/campus-signage/campus-signage")
# SIGNAGE_PACKAGE_VERSION lets the upgrade test build "the next release".
set(SIGNAGE_PACKAGE_VERSION ${PROJECT_VERSION} CACHE STRING "Version of the .deb packages")
set(CPACK_PACKAGE_VERSION ${SIGNAGE_PACKAGE_VERSION})
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL player server)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends: from the shared libraries the binaries link (dpkg-shlibdeps).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
set(CPACK_STRIP_FILES ON)
if(CMAKE_CROSSCOMPILING AND SIGNAGE_DEB_ARCH)
  set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${SIGNAGE_DEB_ARCH})
endif()

set(CPACK_DEBIAN_PLAYER_PACKAGE_NAME campus-signage-player)
set(CPACK_DEBIAN_PLAYER_FILE_NAME DEB-DEFAULT)
set(CPACK_COMPONENT_PLAYER_DESCRIPTION
  "Lobby-screen signage player for Party branches (高校基层党建)\nPlays slides, notices in Chinese typography, a clock, a ticker, QR codes and\nemergency alerts full screen on the console (KMS/DRM, no desktop needed).\nSyncs from a campus-signage server, verifies and caches every file, and keeps\nplaying the last good content through outages and reboots.")
# Fonts and the user/unit helpers are not shared libraries: named here.
set(CPACK_DEBIAN_PLAYER_PACKAGE_DEPENDS
  "adduser, init-system-helpers (>= 1.54), fonts-noto-cjk, fonts-dejavu-core, tzdata")
set(CPACK_DEBIAN_PLAYER_PACKAGE_SUGGESTS "v4l-utils, ddcutil")
set(CPACK_DEBIAN_PLAYER_PACKAGE_CONTROL_EXTRA
  "${CMAKE_SOURCE_DIR}/packaging/player/conffiles;${CMAKE_SOURCE_DIR}/packaging/player/postinst;${CMAKE_SOURCE_DIR}/packaging/player/prerm;${CMAKE_SOURCE_DIR}/packaging/player/postrm")
set(CPACK_DEBIAN_PLAYER_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_SERVER_PACKAGE_NAME campus-signage-server)
set(CPACK_DEBIAN_SERVER_FILE_NAME DEB-DEFAULT)
set(CPACK_COMPONENT_SERVER_DESCRIPTION
  "Content server for campus-signage lobby screens\nWhere organizers write notices, upload pictures, review what members submit,\nsend emergency alerts and watch every screen; serves each display its\nmanifest and content-addressed pictures over plain HTTP.")
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "adduser, init-system-helpers (>= 1.54)")
# Previews of slides are drawn by the player itself, and the demo deck the
# first start seeds is the player's.
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "${CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS}, campus-signage-player (= ${SIGNAGE_PACKAGE_VERSION}-1)")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
  "${CMAKE_SOURCE_DIR}/packaging/server/conffiles;${CMAKE_SOURCE_DIR}/packaging/server/postinst;${CMAKE_SOURCE_DIR}/packaging/server/prerm;${CMAKE_SOURCE_DIR}/packaging/server/postrm")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
