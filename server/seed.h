/* seed: what a first start on an empty data dir puts in: the default group,
 * the bundled demo deck approved into it, the theme, and an admin. */
#ifndef SIGNAGE_SERVER_SEED_H
#define SIGNAGE_SERVER_SEED_H

#include "assets.h"
#include "auth.h"
#include "store.h"

/* demo_dir may be NULL (no deck: an empty default group).  The admin's
 * password is SIGNAGE_ADMIN_PASSWORD, or a random one printed on stderr. */
int seed_first_start(store *st, assets *as, auth *au, const char *demo_dir, char *err,
                     size_t errlen);

#endif
