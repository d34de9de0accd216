/* Passing one state's handle where another is expected must not compile.
 * Built twice by `make compile-fail`: as is (must compile), and with
 * -DWRONG_STATE (must fail with an incompatible-pointer-type error). */
#include "wirelane.h"

int accept_one(wl_raw *raw, wl_listener *listener, wl_conn **out);

int accept_one(wl_raw *raw, wl_listener *listener, wl_conn **out) {
#ifdef WRONG_STATE
    (void)listener;
    return wl_listener_accept(raw, out, NULL); /* a wl_raw is not a wl_listener */
#else
    (void)raw;
    return wl_listener_accept(listener, out, NULL);
#endif
}
