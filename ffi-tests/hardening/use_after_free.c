/* A handle used after it was freed (or consumed by a successful
 * transition) is undefined behaviour the library cannot detect: handles
 * carry no tag, and the memory may already hold something else. This
 * program does exactly that, on purpose, so `make uaf-detected` can show
 * the bug is caught by the tool a C user should run: valgrind reports the
 * invalid read inside the library (ASan cannot, as the library itself is
 * not instrumented). It is NOT part of the passing test set. */
#include "hardening.h"

int main(void) {
    wl_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_conn_pair(&a, &b));
    wl_conn_free(a);
    /* Use after free: */
    long rc = wl_conn_send(a, "x", 1, 0);
    printf("wl_conn_send on a freed handle returned %ld\n", rc);
    wl_conn_free(b);
    return 0;
}
