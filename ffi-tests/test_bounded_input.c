/* Bounded scans (issue 15): every length-delimited input is read no
 * further than the length the caller gave. Each input is placed so that
 * its last byte is the last readable byte before a PROT_NONE guard page
 * (a read past it faults in every build, inside the uninstrumented
 * library too), and again in a malloc of exactly its size (which ASan and
 * valgrind police). */
#define _GNU_SOURCE
#include "check.h"

#include <netinet/in.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/un.h>

/* Two pages: the second is PROT_NONE. */
static unsigned char *g_pages;
static size_t g_page;

static void guard_setup(void) {
    g_page = (size_t)sysconf(_SC_PAGESIZE);
    g_pages = mmap(NULL, 2 * g_page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(g_pages != MAP_FAILED);
    CHECK(mprotect(g_pages + g_page, g_page, PROT_NONE) == 0);
}

/* A copy of `len` bytes of `src` ending right at the guard page. */
static void *at_guard(const void *src, size_t len) {
    CHECK(len <= g_page);
    unsigned char *dst = g_pages + g_page - len;
    memcpy(dst, src, len);
    return dst;
}

/* A sockaddr_un whose sun_path is full: 108 bytes, no NUL. */
static struct sockaddr_un full_path(const char *dir) {
    struct sockaddr_un sun;
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    size_t n = strlen(dir);
    memcpy(sun.sun_path, dir, n);
    memset(sun.sun_path + n, 'p', sizeof sun.sun_path - n);
    return sun;
}

static void a_full_sun_path_is_read_to_its_end_only(void) {
    char dir[32];
    snprintf(dir, sizeof dir, "/tmp/wl-full-%ld-", (long)getpid());
    struct sockaddr_un sun = full_path(dir);
    const socklen_t len = sizeof(struct sockaddr_un);

    wl_addr a;
    CHECK_OK(wl_addr_from_sockaddr(at_guard(&sun, len), len, &a));
    CHECK(wl_addr_family(&a) == AF_UNIX);
    char text[WL_ADDR_STRLEN];
    CHECK(wl_addr_format(&a, text, sizeof text) == (int)sizeof sun.sun_path);
    CHECK(memcmp(text, sun.sun_path, sizeof sun.sun_path) == 0);

    /* The same in a malloc of exactly sizeof(struct sockaddr_un). */
    struct sockaddr_un *heap = malloc(len);
    CHECK(heap != NULL);
    memcpy(heap, &sun, len);
    wl_addr b;
    CHECK_OK(wl_addr_from_sockaddr((const struct sockaddr *)heap, len, &b));
    CHECK(b.len == a.len);
    free(heap);

    /* The kernel takes it (no NUL needed) and reports it back as
     * sizeof + 1 (unix(7), BUGS): still the same 108-byte path. */
    wl_raw *raw = NULL;
    wl_bound *bound = NULL;
    CHECK_OK(wl_raw_new(AF_UNIX, SOCK_STREAM, &raw));
    CHECK_OK(wl_raw_bind(raw, &a, &bound));
    wl_addr local;
    CHECK_OK(wl_socket_local_addr(wl_bound_fd(bound), &local));
    char again[WL_ADDR_STRLEN];
    CHECK(wl_addr_format(&local, again, sizeof again) == (int)sizeof sun.sun_path);
    CHECK(strcmp(text, again) == 0);
    wl_bound_free(bound);
    CHECK(unlink(text) == 0);
}

static void abstract_names_and_short_lengths(void) {
    struct sockaddr_un sun;
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    memset(sun.sun_path + 1, 0x01, sizeof sun.sun_path - 1); /* 107 bytes, non-printable */
    const socklen_t len = sizeof sun;
    wl_addr a;
    CHECK_OK(wl_addr_from_sockaddr(at_guard(&sun, len), len, &a));
    char text[WL_ADDR_STRLEN];
    CHECK(wl_addr_format(&a, text, sizeof text) == 1 + 4 * 107); /* "@" + 107 x "\x01" */

    CHECK_OK(wl_addr_unix_abstract(at_guard(sun.sun_path + 1, 107), 107, &a));
    CHECK_ERR(wl_addr_unix_abstract(at_guard(sun.sun_path + 1, 107), 108, &a), ENAMETOOLONG);

    /* Lengths smaller than the family field: refused before any read of
     * the family (the one byte given is the last before the guard). */
    CHECK_ERR(wl_addr_from_sockaddr(at_guard(&sun, 1), 1, &a), EINVAL);
    CHECK_MSG("len is 1");
    CHECK_MSG("sa_family_t");
    CHECK_ERR(wl_addr_from_sockaddr(at_guard(&sun, 1), 0, &a), EINVAL);
    /* Just the family: an unnamed Unix address; an IPv4 one is too short. */
    CHECK_OK(wl_addr_from_sockaddr(at_guard(&sun, 2), 2, &a));
    CHECK(wl_addr_format(&a, text, sizeof text) > 0 && strcmp(text, "(unnamed)") == 0);
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons(80);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK_ERR(wl_addr_from_sockaddr(at_guard(&sin, 2), 2, &a), EINVAL);
    CHECK_OK(wl_addr_from_sockaddr(at_guard(&sin, sizeof sin), sizeof sin, &a));
    CHECK(wl_addr_port(&a) == 80);
    /* A length longer than any sockaddr: refused, not read. */
    CHECK_ERR(wl_addr_from_sockaddr(at_guard(&sin, sizeof sin), 4096, &a), EINVAL);
}

static void parse_n_reads_only_its_length(void) {
    static const char *const texts[] = {"127.0.0.1:8080", "[::1]:443", "[fe80::1%1]:9", "/tmp/x.sock",
                                        "./rel.sock", "@abstract"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        size_t n = strlen(texts[i]);
        wl_addr want, got;
        CHECK_OK(wl_addr_parse(texts[i], &want));
        /* No terminator: the last byte sits before the guard page. */
        CHECK_OK(wl_addr_parse_n(at_guard(texts[i], n), n, &got));
        CHECK(got.len == want.len && memcmp(&got.storage, &want.storage, want.len) == 0);
        char *heap = malloc(n);
        CHECK(heap != NULL);
        memcpy(heap, texts[i], n);
        CHECK_OK(wl_addr_parse_n(heap, n, &got));
        free(heap);
    }
    /* A prefix of a longer buffer. */
    wl_addr a;
    CHECK_OK(wl_addr_parse_n("127.0.0.1:80 trailing", 12, &a));
    CHECK(wl_addr_port(&a) == 80);
    /* An embedded NUL (a C string with its terminator counted). */
    CHECK_ERR(wl_addr_parse_n(at_guard("127.0.0.1:80", 13), 13, &a), EINVAL);
    CHECK_MSG("NUL byte at offset 12 of its 13 bytes");
    CHECK_ERR(wl_addr_parse_n(at_guard("/tmp/a\0b", 8), 8, &a), EINVAL);
    CHECK_MSG("offset 6");
    CHECK_ERR(wl_addr_parse_n(at_guard("/tmp/\xff", 6), 6, &a), EINVAL);
    CHECK_MSG("not valid UTF-8");
    CHECK_ERR(wl_addr_parse_n(NULL, 0, &a), EINVAL); /* the empty text */
    CHECK_ERR(wl_addr_parse_n(NULL, 5, &a), EINVAL);
    CHECK_MSG("NULL");
    CHECK_ERR(wl_addr_parse_n("127.0.0.1:80", 12, NULL), EINVAL);
    CHECK_ERR(wl_addr_parse_n("127.0.0.1:80", SIZE_MAX, &a), EINVAL);
    CHECK_MSG("too large");
    char path[200];
    memset(path, 'a', sizeof path);
    path[0] = '/';
    CHECK_ERR(wl_addr_parse_n(at_guard(path, sizeof path), sizeof path, &a), ENAMETOOLONG);
}

static void data_buffers_are_read_to_their_length_only(void) {
    wl_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_conn_pair(&a, &b));
    CHECK(wl_conn_send(a, at_guard("hello", 5), 5, 0) == 5);
    /* The terminator search reads term_len bytes of `term`, no more. */
    char buf[16];
    size_t used = 0;
    long n = wl_conn_recv_until(b, at_guard("lo", 2), 2, buf, sizeof buf, 1000, &used);
    CHECK(n == 5);
    /* Output buffers: written within their length (the last byte before
     * the guard is the NUL). */
    wl_addr v6 = wl_parse("[::1]:443");
    char *out = (char *)g_pages + g_page - 10;
    CHECK(wl_addr_format(&v6, out, 10) == 9 && strcmp(out, "[::1]:443") == 0);
    CHECK_ERR(wl_addr_format(&v6, out, 9), ENOSPC);
    CHECK_ERR(wl_addr_parse("nonsense", &v6), EINVAL);
    char *msg = (char *)g_pages + g_page - 8;
    CHECK(wl_last_error_message(msg, 8) > 8 && strlen(msg) == 7);
    wl_conn_free(a);
    wl_conn_free(b);
}

int main(void) {
    wl_test_start(60);
    guard_setup();
    RUN(a_full_sun_path_is_read_to_its_end_only);
    RUN(abstract_names_and_short_lengths);
    RUN(parse_n_reads_only_its_length);
    RUN(data_buffers_are_read_to_their_length_only);
    munmap(g_pages, 2 * g_page);
    return wl_test_end("test_bounded_input");
}
