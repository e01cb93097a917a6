#include "sha256.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>

struct sha256_ctx {
    EVP_MD_CTX *md;
};

static void to_hex(const unsigned char *d, char hex[65])
{
    static const char DIGITS[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = DIGITS[d[i] >> 4];
        hex[2 * i + 1] = DIGITS[d[i] & 15];
    }
    hex[64] = '\0';
}

int sha256_hex(const void *data, size_t len, char hex[65])
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_Digest(data, len, d, &n, EVP_sha256(), NULL) != 1 || n != 32) return -1;
    to_hex(d, hex);
    return 0;
}

sha256_ctx *sha256_begin(void)
{
    sha256_ctx *c = malloc(sizeof *c);
    if (!c) return NULL;
    c->md = EVP_MD_CTX_new();
    if (!c->md || EVP_DigestInit_ex(c->md, EVP_sha256(), NULL) != 1) {
        sha256_abort(c);
        return NULL;
    }
    return c;
}

int sha256_update(sha256_ctx *c, const void *data, size_t len)
{
    return EVP_DigestUpdate(c->md, data, len) == 1 ? 0 : -1;
}

int sha256_end_hex(sha256_ctx *c, char hex[65])
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    int rc = EVP_DigestFinal_ex(c->md, d, &n) == 1 && n == 32 ? 0 : -1;
    if (rc == 0) to_hex(d, hex);
    sha256_abort(c);
    return rc;
}

void sha256_abort(sha256_ctx *c)
{
    if (!c) return;
    EVP_MD_CTX_free(c->md);
    free(c);
}
