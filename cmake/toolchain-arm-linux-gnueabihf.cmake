# Cross build for armhf (32-bit ARMv7, hard float) with Debian multiarch: for a
# Raspberry Pi 2/3/Zero 2 W running 32-bit Raspberry Pi OS (its Cortex-A53 runs
# ARMv7 code; not for ARMv6 boards: Pi 1, Zero, Zero W).
#   dpkg --add-architecture armhf; apt-get install crossbuild-essential-armhf \
#     qemu-user-static <the -dev packages>:armhf     (scripts/cross-build.sh armhf)
#   cmake -S . -B build-armhf -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-arm-linux-gnueabihf.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR armv7l)
set(SIGNAGE_CROSS_TRIPLET arm-linux-gnueabihf)
set(SIGNAGE_CROSS_QEMU qemu-arm)
set(SIGNAGE_DEB_ARCH armhf) # Debian architecture: the .deb packages (cmake/packaging.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/toolchain-debian-cross.cmake)
