#include "render/qr.h"

#include <qrencode.h>

#define QR_QUIET 4

int qr_draw(SDL_Surface *dst, int x, int y, int side, const char *text)
{
    QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q)
        return -1;
    int modules = q->width + 2 * QR_QUIET;
    int mod = side / modules;
    if (mod < 2) {
        QRcode_free(q);
        return -2;
    }
    int used = mod * modules;
    int ox = x + (side - used) / 2, oy = y + (side - used) / 2;
    SDL_Rect bg = {x, y, side, side};
    SDL_FillRect(dst, &bg, SDL_MapRGB(dst->format, 255, 255, 255));
    Uint32 dark = SDL_MapRGB(dst->format, 0x1a, 0x1a, 0x1a);
    for (int r = 0; r < q->width; r++) {
        for (int c = 0; c < q->width; c++) {
            if (!(q->data[r * q->width + c] & 1))
                continue;
            SDL_Rect m = {ox + (c + QR_QUIET) * mod, oy + (r + QR_QUIET) * mod, mod, mod};
            SDL_FillRect(dst, &m, dark);
        }
    }
    QRcode_free(q);
    return side;
}
