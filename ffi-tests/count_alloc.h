/* count_alloc.h -- counts heap allocations for the no-allocation tests
 * (test_noalloc.c, test_noalloc_cmsg.c): malloc and friends are wrapped
 * through glibc's __libc_* entry points and each call bumps
 * `allocations`. Include it in one test program only (it defines the
 * allocator symbols); plain builds only, since sanitizers and valgrind
 * replace malloc themselves. */
#ifndef WL_COUNT_ALLOC_H
#define WL_COUNT_ALLOC_H

#include <errno.h>
#include <stddef.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static volatile long allocations;

void *malloc(size_t n) {
    allocations++;
    return __libc_malloc(n);
}
void *calloc(size_t n, size_t m) {
    allocations++;
    return __libc_calloc(n, m);
}
void *realloc(void *p, size_t n) {
    allocations++;
    return __libc_realloc(p, n);
}
void *aligned_alloc(size_t a, size_t n) {
    allocations++;
    return __libc_memalign(a, n);
}
int posix_memalign(void **out, size_t a, size_t n) {
    allocations++;
    *out = __libc_memalign(a, n);
    return *out ? 0 : ENOMEM;
}

#endif
