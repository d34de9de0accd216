/* A handle used after it was freed (or consumed by a successful
 * transition) is undefined behaviour the library cannot reliably detect:
 * freeing overwrites the handle's tag word, but the allocator may reuse
 * the memory (glibc writes its free-list pointer over that very word, and
 * a new handle of the same type may land there). This program does
 * exactly that, on purpose, so `make uaf-detected` can show the bug is
 * caught by the tool a C user should run: valgrind reports the invalid
 * read inside the library (ASan cannot, as the library itself is not
 * instrumented), and, as valgrind leaves freed memory alone, the tag
 * check then reads the freed tag and the call fails with -EBADF, "got a
 * freed handle". It is NOT part of the passing test set. */
#include "hardening.h"

int main(void) {
    wl_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_conn_pair(&a, &b));
    wl_conn_free(a);
    /* Use after free: */
    long rc = wl_conn_send(a, "x", 1, 0);
    char msg[256];
    wl_last_error_message(msg, sizeof msg);
    printf("wl_conn_send on a freed handle returned %ld: %s\n", rc, msg);
    wl_conn_free(b);
    return 0;
}
