/* The bad-input matrix at the C ABI (the NULL half is generated: see
 * null_matrix.c): malformed and over-long address strings, non-UTF-8
 * paths, paths at the sun_path limit, wrong-family addresses and
 * sockaddrs, zero and huge lengths and counts, invalid domains, types,
 * flags and enums, and handles of the wrong state smuggled through a cast.
 * Every case gives a clear -errno (with a last-error message) or works
 * exactly; nothing crashes (also under ASan+UBSan and valgrind) and
 * nothing leaks (RUN counts descriptors). */
#include "hardening.h"

#include <stdint.h>
#include <limits.h>
#include <stddef.h>
#include <sys/un.h>

static int inputs;

/* The call must fail with -code and leave a message. */
#define BAD(expr, code)                                                                \
    do {                                                                               \
        inputs++;                                                                      \
        CHECK_ERR((expr), code);                                                       \
        char m_[512];                                                                  \
        CHECK(wl_last_error_message(m_, sizeof m_) > 0);                               \
    } while (0)

static void malformed_address_strings(void) {
    static const char *bad[] = {
        "", " ", ":", ":80", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1",
        "127.0.0.1:80 ", " 127.0.0.1:80", "127.0.0.1:80\n", "256.0.0.1:80", "1.2.3:80",
        "1.2.3.4.5:80", "0x7f.0.0.1:80", "localhost:80", "[127.0.0.1]:80", "::1:80", "[::1]",
        "[::1]:", "[::1]:99999", "[::g]:80", "[fe80::1%eth0]:80", "[fe80::1%]:80", "[::1:80",
        "::1]:80", "[[::1]]:80", "127.0.0.1:8\xef\xbc\x90", "\xff\xfe:80", "127.0.0.\x80:1",
    };
    wl_addr a;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&a, 0xab, sizeof a);
        inputs++;
        int rc = wl_addr_parse(bad[i], &a);
        /* Anything not an IP address with a port is a path, "@name" or
         * "" (unnamed): only those may succeed, as Unix addresses. */
        if (rc == 0) {
            CHECK(wl_addr_family(&a) == AF_UNIX);
            char back[WL_ADDR_STRLEN];
            CHECK(wl_addr_format(&a, back, sizeof back) >= 0);
        } else {
            CHECK(rc == -EINVAL || rc == -ENAMETOOLONG);
            char m[512];
            CHECK(wl_last_error_message(m, sizeof m) > 0);
        }
    }
    /* A megabyte of digits: refused, not truncated, no crash. */
    size_t big = 1 << 20;
    char *huge = malloc(big + 16);
    CHECK(huge != NULL);
    memset(huge, '9', big);
    memcpy(huge, "127.0.0.1:", 10);
    huge[big] = '\0';
    BAD(wl_addr_parse(huge, &a), EINVAL);
    huge[0] = '/';
    BAD(wl_addr_parse(huge, &a), ENAMETOOLONG); /* a path */
    huge[0] = '@';
    BAD(wl_addr_parse(huge, &a), ENAMETOOLONG); /* an abstract name */
    free(huge);
}

static void unix_path_limits(void) {
    wl_addr a;
    char path[200];
    /* 107 bytes fit exactly, and format back byte for byte. */
    int n = snprintf(path, sizeof path, "/tmp/wl-hard-%ld-", (long)getpid());
    memset(path + n, 'p', 107 - (size_t)n);
    path[107] = '\0';
    CHECK_OK(wl_addr_unix(path, &a));
    char back[WL_ADDR_STRLEN];
    CHECK(wl_addr_format(&a, back, sizeof back) == 107);
    CHECK(strcmp(back, path) == 0);
    unlink(path);
    wl_raw *r = mk_raw();
    wl_raw_free(r);
    CHECK_OK(wl_raw_new(AF_UNIX, SOCK_STREAM, &r));
    wl_bound *b = NULL;
    CHECK_OK(wl_raw_bind(r, &a, &b));
    wl_addr local;
    CHECK_OK(wl_socket_local_addr(wl_bound_fd(b), &local));
    CHECK(wl_addr_format(&local, back, sizeof back) == 107 && strcmp(back, path) == 0);
    wl_bound_free(b);
    unlink(path);
    /* 108 and more: ENAMETOOLONG naming sun_path, never truncated. */
    path[107] = 'p';
    path[108] = '\0';
    BAD(wl_addr_unix(path, &a), ENAMETOOLONG);
    CHECK_MSG("sun_path");
    BAD(wl_addr_unix("", &a), EINVAL);
    /* Abstract names: 107 bytes, any bytes; 108 refused; huge refused. */
    uint8_t name[200];
    for (int i = 0; i < 200; i++) {
        name[i] = (uint8_t)(i * 37);
    }
    CHECK_OK(wl_addr_unix_abstract(name, 107, &a));
    BAD(wl_addr_unix_abstract(name, 108, &a), ENAMETOOLONG);
    BAD(wl_addr_unix_abstract(name, SIZE_MAX, &a), EINVAL); /* "too large" */
}

/* Linux paths are bytes: a non-UTF-8 path works byte for byte, built with
 * wl_addr_unix or from a sockaddr_un. (The header's doc of wl_addr_unix
 * still says such a path is -EINVAL; the implementation accepts it, which
 * is right; reported to the C ABI's owner.) */
static void non_utf8_paths(void) {
    char path[64];
    snprintf(path, sizeof path, "/tmp/wl-hard-\xff\xfe-%ld.sock", (long)getpid());
    wl_addr a, b;
    inputs += 2;
    CHECK_OK(wl_addr_unix(path, &a));
    struct sockaddr_un sun;
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    memcpy(sun.sun_path, path, strlen(path));
    socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
    CHECK_OK(wl_addr_from_sockaddr((const struct sockaddr *)&sun, len, &b));
    CHECK(a.len == b.len && memcmp(&a.storage, &b.storage, a.len) == 0);
    wl_raw *r = NULL;
    wl_bound *bound = NULL;
    CHECK_OK(wl_raw_new(AF_UNIX, SOCK_STREAM, &r));
    CHECK_OK(wl_raw_bind(r, &a, &bound));
    CHECK(access(path, F_OK) == 0); /* the exact bytes on disk */
    wl_addr local;
    CHECK_OK(wl_socket_local_addr(wl_bound_fd(bound), &local));
    CHECK(local.len == a.len && memcmp(&local.storage, &a.storage, a.len) == 0);
    char back[WL_ADDR_STRLEN];
    CHECK(wl_addr_format(&local, back, sizeof back) > 0);
    wl_bound_free(bound);
    unlink(path);
    /* An embedded NUL cannot be expressed in a C string; in a sockaddr_un
     * it ends the path, as the kernel reads it. */
}

static void bad_sockaddrs(void) {
    wl_addr a;
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    struct sockaddr *sa = (struct sockaddr *)&ss;
    ss.ss_family = AF_INET;
    BAD(wl_addr_from_sockaddr(sa, 0, &a), EINVAL);
    BAD(wl_addr_from_sockaddr(sa, 1, &a), EINVAL);
    BAD(wl_addr_from_sockaddr(sa, 8, &a), EINVAL); /* shorter than sockaddr_in */
    BAD(wl_addr_from_sockaddr(sa, sizeof ss + 1, &a), EINVAL);
    BAD(wl_addr_from_sockaddr(sa, (socklen_t)-1, &a), EINVAL);
    ss.ss_family = AF_INET6;
    BAD(wl_addr_from_sockaddr(sa, sizeof(struct sockaddr_in), &a), EINVAL);
    ss.ss_family = 17; /* AF_PACKET */
    BAD(wl_addr_from_sockaddr(sa, 20, &a), EAFNOSUPPORT);
    ss.ss_family = AF_UNIX;
    BAD(wl_addr_from_sockaddr(sa, sizeof(struct sockaddr_un) + 2, &a), EINVAL);
    /* A malformed wl_addr (the struct is public) is refused, not trusted. */
    wl_addr broken = wl_parse("127.0.0.1:1");
    broken.len = 200;
    char buf[WL_ADDR_STRLEN];
    inputs++;
    CHECK(wl_addr_format(&broken, buf, sizeof buf) < 0);
    wl_raw *r = mk_raw();
    wl_bound *b = NULL;
    BAD(wl_raw_bind(r, &broken, &b), EINVAL);
    broken = wl_parse("127.0.0.1:1");
    broken.storage.ss_family = 99;
    BAD(wl_raw_bind(r, &broken, &b), EAFNOSUPPORT);
    wl_raw_free(r);
}

static void wrong_family_addresses(void) {
    wl_addr v4 = wl_parse("127.0.0.1:9"), v6 = wl_parse("[::1]:9"), un;
    CHECK_OK(wl_addr_unix("/tmp/wl-hard-none.sock", &un));
    wl_raw *r = mk_raw();
    wl_conn *c = NULL;
    wl_bound *b = NULL;
    BAD(wl_raw_bind(r, &v6, &b), EAFNOSUPPORT);
    CHECK_MSG("AF_INET6");
    BAD(wl_raw_connect(r, &un, &c), EAFNOSUPPORT);
    wl_raw_free(r);
    wl_dgram *d = mk_dgram();
    BAD(wl_dgram_send_to(d, "x", 1, &v6, 0), EAFNOSUPPORT);
    BAD(wl_dgram_send_to(d, "x", 1, &un, 0), EAFNOSUPPORT);
    wl_send_batch *sb = mk_send_batch();
    BAD(wl_send_batch_push(sb, "x", 1, &v6), EAFNOSUPPORT);
    wl_send_batch_free(sb);
    wl_dgram_conn *dc = NULL;
    BAD(wl_dgram_connect(d, &un, &dc), EAFNOSUPPORT);
    wl_dgram_free(d);
    (void)v4;
}

static void zero_and_huge_lengths(void) {
    wl_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_conn_pair(&a, &b));
    CHECK_OK(wl_socket_set_nonblocking(wl_conn_fd(b), true));
    char buf[16] = {0};
    inputs += 2;
    CHECK(wl_conn_send(a, buf, 0, 0) == 0);
    CHECK(wl_conn_send(a, NULL, 0, 0) == 0);
    BAD(wl_conn_send(a, buf, SIZE_MAX, 0), EINVAL);
    CHECK_MSG("too large");
    BAD(wl_conn_recv(b, buf, SIZE_MAX, 0), EINVAL);
    BAD(wl_conn_recv(b, buf, (size_t)SSIZE_MAX + 1, 0), EINVAL);
    struct iovec iov[1] = {{.iov_base = buf, .iov_len = sizeof buf}};
    BAD(wl_conn_send_vectored(a, iov, SIZE_MAX), EINVAL);
    /* More iovecs than IOV_MAX: the kernel's EMSGSIZE, refused before it. */
    struct iovec *many = calloc(2048, sizeof *many);
    CHECK(many != NULL);
    for (int i = 0; i < 2048; i++) {
        many[i].iov_base = buf;
        many[i].iov_len = 1;
    }
    BAD(wl_conn_send_vectored(a, many, 2048), EMSGSIZE);
    free(many);
    /* Descriptor passing counts. */
    int fds[300];
    for (int i = 0; i < 300; i++) {
        fds[i] = g_devnull;
    }
    BAD(wl_conn_send_fds(a, "x", 1, fds, 0), EINVAL);
    BAD(wl_conn_send_fds(a, "x", 1, fds, 254), EINVAL);
    BAD(wl_conn_send_fds(a, "x", 0, fds, 1), EINVAL); /* a stream needs a byte */
    size_t n = 0;
    BAD(wl_conn_recv_fds(b, buf, 1, fds, 0, &n), EINVAL);
    BAD(wl_conn_recv_fds(b, buf, 1, fds, 254, &n), EINVAL);
    int bad_fd[1] = {-1};
    BAD(wl_conn_send_fds(a, "x", 1, bad_fd, 1), EBADF);
    wl_conn_free(a);
    wl_conn_free(b);

    /* Batches: zero, too many, overflowing, unallocatable. */
    wl_send_batch *sb = NULL;
    wl_recv_batch *rb = NULL;
    BAD(wl_send_batch_new(AF_INET, 0, &sb), EINVAL);
    BAD(wl_send_batch_new(AF_INET, WL_MAX_BATCH + 1, &sb), EINVAL);
    BAD(wl_send_batch_new(AF_INET, SIZE_MAX, &sb), EINVAL);
    BAD(wl_recv_batch_new(AF_INET, 0, 64, &rb), EINVAL);
    BAD(wl_recv_batch_new(AF_INET, 4, 0, &rb), EINVAL);
    BAD(wl_recv_batch_new(AF_INET, WL_MAX_BATCH, SIZE_MAX / 2, &rb), EINVAL);
    /* Used to abort the whole process (vec![0; n] on allocation failure). */
    BAD(wl_recv_batch_new(AF_INET, 1, (size_t)1 << 50, &rb), ENOMEM);
    CHECK(rb == NULL && sb == NULL);
    wl_dgram *d = mk_dgram();
    wl_addr me;
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(d), &me));
    wl_mmsg *msgs = calloc(WL_MAX_BATCH + 1, sizeof *msgs);
    size_t *lens = calloc(WL_MAX_BATCH + 1, sizeof *lens);
    CHECK(msgs != NULL && lens != NULL);
    for (int i = 0; i <= WL_MAX_BATCH; i++) {
        msgs[i] = (wl_mmsg){.buf = "x", .len = 1, .to = &me};
    }
    /* More than WL_MAX_BATCH: refused whole, nothing sent (test_limits.c). */
    BAD(wl_dgram_sendmmsg(d, msgs, WL_MAX_BATCH + 1, lens), EINVAL);
    CHECK(wl_dgram_sendmmsg(d, msgs, WL_MAX_BATCH, lens) == WL_MAX_BATCH);
    free(msgs);
    free(lens);
    BAD(wl_dgram_send_to_segmented(d, "x", 1, 0, &me, NULL), EINVAL); /* segment 0 */
    BAD(wl_dgram_send_to_segmented(d, buf, 0, 10, &me, NULL), EINVAL); /* empty */
    wl_dgram_free(d);

    /* Options: out of range values refused by name. */
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    BAD(wl_set_send_buffer_size(fd, SIZE_MAX), EINVAL);
    BAD(wl_set_tcp_keepalive_idle(fd, UINT32_MAX), EINVAL);
    BAD(wl_set_linger(fd, true, UINT32_MAX), EINVAL);
    BAD(wl_set_tcp_congestion(fd, "this-algorithm-name-is-far-too-long"), EINVAL);
    BAD(wl_bind_device(fd, "an-interface-name-too-long"), EINVAL);
    close(fd);
    wl_pipe *p = NULL;
    inputs++;
    int rc = wl_pipe_new(SIZE_MAX, &p);
    CHECK(rc == -EINVAL || rc == -EPERM || rc == -ENOMEM);
    CHECK(p == NULL);
    /* Buffers too small for output: reported, not overrun. */
    wl_addr a6 = wl_parse("[::1]:443");
    char small[4] = {'x', 'x', 'x', 'x'};
    BAD(wl_addr_format(&a6, small, sizeof small), ENOSPC);
    CHECK(small[0] == 'x');
    char msg[3];
    inputs++;
    CHECK(wl_last_error_message(msg, sizeof msg) > 2 && msg[2] == '\0');
}

static void invalid_enums_and_flags(void) {
    wl_raw *r = NULL;
    BAD(wl_raw_new(12345, SOCK_STREAM, &r), EAFNOSUPPORT);
    BAD(wl_raw_new(AF_INET, 99, &r), EPROTOTYPE);
    BAD(wl_raw_new(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, &r), EPROTOTYPE);
    BAD(wl_raw_new(AF_INET, SOCK_RAW, &r), EPROTOTYPE);
    BAD(wl_raw_new(-1, SOCK_DGRAM, &r), EAFNOSUPPORT);
    CHECK(r == NULL);
    wl_send_batch *sb = NULL;
    BAD(wl_send_batch_new(99, 4, &sb), EAFNOSUPPORT);
    wl_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_conn_pair(&a, &b));
    BAD(wl_conn_shutdown(a, 7), EINVAL);
    BAD(wl_conn_shutdown(a, -1), EINVAL);
    /* Unknown MSG_* bits: the kernel's answer, no crash. */
    inputs++;
    long rc = wl_conn_send(a, "x", 1, 0x7fff0000);
    CHECK(rc == -EOPNOTSUPP || rc == -EINVAL || rc == 1);
    inputs++; /* OOB on a Unix stream: supported since Linux 5.15 */
    rc = wl_conn_send(a, "x", 1, MSG_OOB);
    CHECK(rc == 1 || rc == -EOPNOTSUPP);
    inputs++;
    rc = wl_wait(wl_conn_fd(a), 0x7fffffff, 0);
    CHECK(rc >= 0 || rc == -EINVAL);
    BAD(wl_wait(-1, WL_READABLE, 0), EBADF);
    BAD(wl_splice(g_devnull, NULL, wl_conn_fd(a), NULL, 1, 0xffffffffu), EINVAL);
    BAD(wl_socket_set_read_timeout(wl_conn_fd(NULL), 1), EBADF); /* -EINVAL is no descriptor */
    wl_conn_free(a);
    wl_conn_free(b);
    BAD(wl_raw_from_fd(-1, &r), EBADF);
    BAD(wl_raw_from_fd(INT32_MAX, &r), EBADF);
    BAD(wl_conn_from_fd(g_devnull, (wl_conn **)&r), ENOTSOCK);
}

/* A handle of the wrong state, smuggled through a cast: every handle's
 * tag word names its type, so the call is refused with -EBADF before it
 * reaches the kernel, naming both types, and nothing is consumed
 * (ffi-tests/test_handle_tags.c covers every pair of types). */
static void wrong_state_through_a_cast(void) {
    wl_listener *l = mk_listener();
    wl_conn *as_conn = (wl_conn *)(void *)l;
    BAD(wl_conn_send(as_conn, "x", 1, 0), EBADF);
    CHECK_MSG("wl_conn_send: expected wl_conn, got wl_listener");
    wl_addr peer;
    BAD(wl_conn_peer_addr(as_conn, &peer), EBADF);
    wl_conn *got = NULL;
    BAD(wl_conn_recv(as_conn, &peer, 1, MSG_DONTWAIT), EBADF);
    CHECK(wl_listener_fd(l) >= 0); /* still a working listener */
    wl_listener_free(l);

    wl_conn *c = mk_conn();
    BAD(wl_listener_accept((wl_listener *)(void *)c, &got, NULL), EBADF);
    CHECK_MSG("expected wl_listener, got wl_conn");
    CHECK(got == NULL);
    wl_conn_free(c);

    wl_dgram *d = mk_dgram();
    BAD(wl_dgram_conn_send((wl_dgram_conn *)(void *)d, "x", 1, 0), EBADF);
    CHECK_MSG("expected wl_dgram_conn, got wl_dgram");
    wl_dgram_free(d);

    /* wl_raw has a different layout: now safe to exercise too. */
    wl_pending *p = mk_pending();
    BAD(wl_conn_send((wl_conn *)(void *)p, "x", 1, 0), EBADF);
    wl_raw *r = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &r));
    BAD(wl_pending_finish((wl_pending *)(void *)r, &got), EBADF);
    CHECK_MSG("expected wl_pending, got wl_raw");
    BAD(wl_raw_into_fd((wl_raw *)(void *)p), EBADF);
    CHECK_MSG("expected wl_raw, got wl_pending");
    wl_raw_free(r);
    wl_pending_free(p);
}

int main(void) {
    wl_test_start(120);
    hard_setup();
    RUN(malformed_address_strings);
    RUN(unix_path_limits);
    RUN(non_utf8_paths);
    RUN(bad_sockaddrs);
    RUN(wrong_family_addresses);
    RUN(zero_and_huge_lengths);
    RUN(invalid_enums_and_flags);
    RUN(wrong_state_through_a_cast);
    hard_teardown();
    printf("bad input (C ABI): %d inputs tried, each refused clearly or exact\n", inputs);
    return wl_test_end("bad_input");
}
