/* bench-firstframe: process start -> first frame of content on the X screen.
 *
 *   bench-firstframe [--timeout S] [--tolerance N] X,Y,RRGGBB [...] -- CMD [ARGS...]
 *
 * Starts CMD in its own session and polls the given pixels of the X root
 * window (DISPLAY) every millisecond until each is within N (default 40) of
 * its colour in every channel, then prints the elapsed milliseconds, stops
 * CMD's whole session and exits 0.  Exits 1 on timeout (default 30 s) or if
 * CMD exits first.  Any program that draws on the screen can be measured the
 * same way: the player, or a browser showing the same deck. */
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_POINTS 16

typedef struct probe {
    int x, y;
    int rgb[3];
} probe;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void stop_session(pid_t pid)
{
    kill(-pid, SIGTERM);
    for (int i = 0; i < 500; i++) {
        if (waitpid(pid, NULL, WNOHANG) == pid) goto rest;
        usleep(10000);
    }
    kill(-pid, SIGKILL);
    waitpid(pid, NULL, 0);
rest:
    kill(-pid, SIGKILL); /* children that outlived the leader (a browser's helpers) */
}

static int usage(void)
{
    fprintf(stderr, "usage: bench-firstframe [--timeout S] [--tolerance N] X,Y,RRGGBB [...] "
                    "-- CMD [ARGS...]\n");
    return 2;
}

int main(int argc, char **argv)
{
    probe pts[MAX_POINTS];
    int n = 0, tol = 40, i = 1;
    double timeout = 30;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
            timeout = atof(argv[++i]);
        } else if (!strcmp(argv[i], "--tolerance") && i + 1 < argc) {
            tol = atoi(argv[++i]);
        } else {
            unsigned rgb;
            if (n == MAX_POINTS || sscanf(argv[i], "%d,%d,%6x", &pts[n].x, &pts[n].y, &rgb) != 3)
                return usage();
            pts[n].rgb[0] = (int)(rgb >> 16) & 255;
            pts[n].rgb[1] = (int)(rgb >> 8) & 255;
            pts[n].rgb[2] = (int)rgb & 255;
            n++;
        }
    }
    if (i + 1 >= argc || n == 0) return usage();
    Display *dpy = XOpenDisplay(NULL);
    if (!dpy) {
        fprintf(stderr, "bench-firstframe: cannot open display \"%s\"\n",
                getenv("DISPLAY") ? getenv("DISPLAY") : "");
        return 2;
    }
    Window root = DefaultRootWindow(dpy);

    double t0 = now_s();
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 2;
    }
    if (pid == 0) {
        setsid();
        execvp(argv[i + 1], argv + i + 1);
        fprintf(stderr, "bench-firstframe: cannot run %s: %s\n", argv[i + 1], strerror(errno));
        _exit(127);
    }
    int rc = 1;
    while (now_s() - t0 < timeout) {
        int ok = 0;
        for (int k = 0; k < n; k++) {
            XImage *img = XGetImage(dpy, root, pts[k].x, pts[k].y, 1, 1, AllPlanes, ZPixmap);
            if (!img) break;
            unsigned long px = XGetPixel(img, 0, 0);
            int got[3] = {(int)(px >> 16) & 255, (int)(px >> 8) & 255, (int)px & 255};
            XDestroyImage(img);
            int close = 1;
            for (int c = 0; c < 3; c++)
                if (abs(got[c] - pts[k].rgb[c]) > tol) close = 0;
            if (!close) break;
            ok++;
        }
        if (ok == n) {
            printf("%.1f\n", (now_s() - t0) * 1000);
            fflush(stdout);
            rc = 0;
            break;
        }
        if (waitpid(pid, NULL, WNOHANG) == pid) {
            fprintf(stderr, "bench-firstframe: %s exited before its first frame\n", argv[i + 1]);
            kill(-pid, SIGKILL);
            XCloseDisplay(dpy);
            return 1;
        }
        usleep(1000);
    }
    if (rc) fprintf(stderr, "bench-firstframe: no match within %.0f s\n", timeout);
    stop_session(pid);
    XCloseDisplay(dpy);
    return rc;
}
