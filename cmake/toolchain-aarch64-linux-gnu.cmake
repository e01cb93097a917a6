# Cross build for arm64 (aarch64) with Debian multiarch:
#   dpkg --add-architecture arm64; apt-get install crossbuild-essential-arm64 \
#     qemu-user-static <the -dev packages>:arm64     (scripts/cross-build.sh does this)
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64-linux-gnu.cmake
# The target's libraries and .pc files are the :arm64 packages in
# /usr/lib/aarch64-linux-gnu; the C library of the cross compiler is in
# /usr/aarch64-linux-gnu.  ctest runs test executables through qemu-user.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(SIGNAGE_CROSS_TRIPLET aarch64-linux-gnu)
set(SIGNAGE_CROSS_QEMU qemu-aarch64)
set(SIGNAGE_DEB_ARCH arm64) # Debian architecture: the .deb packages (cmake/packaging.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-debian-cross.cmake)
