"""Debian's Chromium in kiosk mode, as browser-based signage players run it
(FullPageOS, Anthias-style kiosks): full screen, no first-run or error
dialogs, no translation bubble, no background networking.  Nothing that changes how it renders
(no --disable-gpu, no extra GPU flags): it picks its own software path on a
screen without a GPU, as it would on a kiosk.  --no-sandbox only when run as
root, where Chromium refuses to start otherwise."""
import os


def chromium_argv(url, profile_dir, width=1920, height=1080):
    argv = ["chromium", "--kiosk", "--user-data-dir=" + profile_dir,
            "--window-position=0,0", "--window-size=%d,%d" % (width, height),
            "--no-first-run", "--noerrdialogs", "--disable-infobars",
            "--no-default-browser-check", "--disable-background-networking",
            "--disable-component-update", "--password-store=basic",
            "--autoplay-policy=no-user-gesture-required",
            "--disable-features=Translate"]  # no "translate this page?" bubble over the screen
    if os.geteuid() == 0:
        argv.append("--no-sandbox")
    return argv + [url]
