# Shared part of the Debian multiarch toolchain files (toolchain-*.cmake):
# set SIGNAGE_CROSS_TRIPLET (GNU triplet, e.g. aarch64-linux-gnu) and
# SIGNAGE_CROSS_QEMU (qemu-user program, e.g. qemu-aarch64) and include this.

# Compilers: Debian's crossbuild-essential-<arch> (gcc-<triplet>).
set(CMAKE_C_COMPILER ${SIGNAGE_CROSS_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${SIGNAGE_CROSS_TRIPLET}-g++)
set(CMAKE_LIBRARY_ARCHITECTURE ${SIGNAGE_CROSS_TRIPLET})

# Where target files are: the cross C library in /usr/<triplet> (the root
# path) and, with multiarch, the :<arch> packages' /usr/lib/<triplet> and
# /usr/include/<triplet>, which CMake searches by CMAKE_LIBRARY_ARCHITECTURE
# outside any root: hence BOTH, not ONLY, for libraries, headers and packages
# (the build machine's own libraries are in /usr/lib/x86_64-linux-gnu, which
# is not searched).  Programs are the build machine's.
set(CMAKE_FIND_ROOT_PATH /usr/${SIGNAGE_CROSS_TRIPLET})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)

# pkg-config must see only the target's .pc files: Debian's
# <triplet>-pkg-config (package pkgconf:<arch>) where installed, and in any
# case a search path of the target's directories only.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/${SIGNAGE_CROSS_TRIPLET}/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
if(NOT PKG_CONFIG_EXECUTABLE)
  if(EXISTS /usr/bin/${SIGNAGE_CROSS_TRIPLET}-pkg-config)
    set(PKG_CONFIG_EXECUTABLE /usr/bin/${SIGNAGE_CROSS_TRIPLET}-pkg-config CACHE FILEPATH "pkg-config for the target")
  else()
    set(PKG_CONFIG_EXECUTABLE pkg-config CACHE FILEPATH "pkg-config for the target")
  endif()
endif()

# add_test() of an executable target and $<TARGET_FILE:...> in tests run
# through qemu-user (the -static build needs no :amd64 libraries of its own).
# The target's dynamic loader and C library must come from one build of
# glibc: with multiarch they are libc6:<arch>'s, in /lib and /usr/lib/<triplet>
# beside the other :<arch> libraries, so "-L /" (no prefix; it also overrides a
# QEMU_LD_PREFIX in the environment).  -L /usr/<triplet> would take the loader
# of the cross compiler's libc6-<arch>-cross (an older glibc) while libc.so.6
# still comes from /usr/lib/<triplet>: that mix hangs in pthread_create.
# Without libc6:<arch> (crossbuild-essential alone), -L /usr/<triplet>.
if(NOT CMAKE_CROSSCOMPILING_EMULATOR)
  if(EXISTS /usr/bin/${SIGNAGE_CROSS_QEMU}-static)
    set(_signage_qemu /usr/bin/${SIGNAGE_CROSS_QEMU}-static)
  else()
    set(_signage_qemu ${SIGNAGE_CROSS_QEMU})
  endif()
  if(EXISTS /usr/lib/${SIGNAGE_CROSS_TRIPLET}/libc.so.6)
    set(_signage_qemu_prefix /)
  else()
    set(_signage_qemu_prefix /usr/${SIGNAGE_CROSS_TRIPLET})
  endif()
  set(CMAKE_CROSSCOMPILING_EMULATOR "${_signage_qemu};-L;${_signage_qemu_prefix}"
      CACHE STRING "Runs target programs on the build machine")
endif()
