/* The generic control-message paths allocate nothing (issue 16): the
 * error queue through wl_dgram[_conn]_recv_cmsg with MSG_ERRQUEUE and its
 * decoding (wl_cmsg_recv_error), an empty queue (-EAGAIN), a control
 * buffer cut short (MSG_CTRUNC) walked and decoded, both families.
 * malloc and friends are wrapped (glibc's __libc_* entry points) and
 * counted while a steady-state loop runs; plain `make test` only
 * (sanitizers and valgrind replace malloc themselves). */
#define _GNU_SOURCE
#include "check.h"

#include <netinet/in.h>
#include <time.h>

#include "count_alloc.h"

static wl_dgram *bind_dgram(const char *text) {
    wl_addr a = wl_parse(text);
    wl_dgram *d = NULL;
    CHECK_OK(wl_datagram_bind(NULL, &a, &d));
    return d;
}

/* Waits (bounded, without allocating) for a queued error. */
static ssize_t errqueue(wl_dgram *d, wl_dgram_conn *c, void *buf, size_t len, void *ctl, size_t cap,
                        wl_cmsg_recv *got) {
    ssize_t n = -EAGAIN;
    for (int i = 0; i < 300 && n == -EAGAIN; i++) {
        n = d ? wl_dgram_recv_cmsg(d, buf, len, ctl, cap, MSG_ERRQUEUE, got)
              : wl_dgram_conn_recv_cmsg(c, buf, len, ctl, cap, MSG_ERRQUEUE, got);
        if (n == -EAGAIN) {
            struct timespec ms = {0, 1000000};
            nanosleep(&ms, NULL);
        }
    }
    return n;
}

static void family(const char *local) {
    wl_dgram *gone = bind_dgram(local);
    wl_addr closed;
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(gone), &closed));
    wl_dgram_free(gone);
    wl_dgram *tx = bind_dgram(local), *peer = bind_dgram(local), *rx = bind_dgram(local);
    CHECK_OK(wl_dgram_set_recv_meta(tx, WL_META_ERRORS, true));
    CHECK_OK(wl_dgram_set_recv_meta(rx, WL_META_ECN | WL_META_TTL | WL_META_ADDR, true));
    wl_addr to;
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(rx), &to));
    wl_dgram_conn *c = NULL;
    CHECK_OK(wl_dgram_connect(peer, &closed, &c));
    CHECK_OK(wl_dgram_conn_set_recv_meta(c, WL_META_ERRORS, true));
    wl_udp_send_meta m;
    memset(&m, 0, sizeof m);
    m.present = WL_META_ECN | WL_META_TTL;
    m.ecn = 3;
    m.ttl = 7;
    char buf[16];
    _Alignas(8) unsigned char ctl[WL_UDP_RECV_CONTROL_SPACE];
    /* Room for the first message (pktinfo) whole and too little for any
     * header after it: the kernel cuts cleanly between messages (a
     * message cut inside its data is malformed for the cursor, an error
     * whose message is formatted). */
    const size_t small = (size_t)wl_cmsg_space(sizeof(struct in6_pktinfo));
    wl_cmsg_recv got;
    wl_udp_queued_error q;
    wl_udp_recv_meta r;
    wl_cmsg cur;

    for (int round = 0; round < 2; round++) {
        long before = allocations;
        for (int i = 0; i < 20; i++) {
            CHECK_ERR(wl_dgram_recv_cmsg(tx, buf, sizeof buf, ctl, sizeof ctl, MSG_ERRQUEUE, &got), EAGAIN);
            CHECK(wl_dgram_send_to(tx, "x", 1, &closed, 0) == 1);
            CHECK(errqueue(tx, NULL, buf, sizeof buf, ctl, sizeof ctl, &got) == 1);
            CHECK_OK(wl_cmsg_recv_error(&got, ctl, &q));
            CHECK(q.error == ECONNREFUSED);
            CHECK(wl_cmsg_first(ctl, got.control_len, &cur) == 1);
            CHECK(wl_cmsg_next(ctl, got.control_len, &cur) == 0);
            CHECK(wl_dgram_conn_send(c, "y", 1, 0) == 1);
            CHECK(errqueue(NULL, c, buf, sizeof buf, ctl, sizeof ctl, &got) == 1);
            CHECK_OK(wl_cmsg_recv_error(&got, ctl, &q));
            CHECK(q.error == ECONNREFUSED);
            /* A cut control buffer: reported, walked, decoded. */
            CHECK(wl_dgram_send_meta(tx, "m", 1, &to, &m) == 1);
            CHECK(wl_dgram_recv_cmsg(rx, buf, sizeof buf, ctl, small, 0, &got) == 1);
            CHECK(got.control_truncated);
            int walked = 0, rc;
            for (rc = wl_cmsg_first(ctl, got.control_len, &cur); rc == 1; rc = wl_cmsg_next(ctl, got.control_len, &cur)) {
                walked++;
            }
            CHECK(rc == 0 && walked == 1);
            CHECK_OK(wl_cmsg_recv_meta(&got, ctl, &r));
            CHECK(r.present & WL_META_CTRUNC);
        }
        long n = allocations - before;
        if (round == 1 && n != 0) {
            fprintf(stderr, "%s: the generic cmsg paths allocated %ld times in 20 rounds\n", local, n);
            exit(1);
        }
    }
    wl_dgram_conn_free(c);
    wl_dgram_free(tx);
    wl_dgram_free(rx);
}

static void v4(void) { family("127.0.0.1:0"); }
static void v6(void) { family("[::1]:0"); }

static void the_counter_counts(void) {
    /* Control: a call that does allocate (a handle) is seen. */
    long before = allocations;
    wl_dgram *d = bind_dgram("127.0.0.1:0");
    CHECK(allocations > before);
    wl_dgram_free(d);
}

int main(void) {
    wl_test_start(60);
    RUN(the_counter_counts);
    RUN(v4);
    RUN(v6);
    return wl_test_end("test_noalloc_cmsg");
}
