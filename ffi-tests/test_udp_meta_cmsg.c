/* Generic control messages through the C ABI, by content, both families:
 * - the cursor (wl_cmsg_first / wl_cmsg_next) walks exactly what libc's
 *   CMSG_FIRSTHDR / CMSG_NXTHDR walk: the same level, type, data pointer,
 *   data length and bytes for every message, and the values are the ones
 *   sent (pktinfo names 127.0.0.1 / ::1 on lo, TTL 7, ECN CE);
 * - the error queue through the generic receive: connected and
 *   unconnected UDP aimed at a closed loopback port with WL_META_ERRORS,
 *   then wl_dgram[_conn]_recv_cmsg with MSG_ERRQUEUE: one IP_RECVERR /
 *   IPV6_RECVERR message whose sock_extended_err (decoded here with
 *   <linux/errqueue.h>) and wl_cmsg_recv_error agree: ICMP / ICMP6
 *   origin, ECONNREFUSED, port unreachable, the loopback offender, the
 *   closed port as destination; a too-small control buffer is MSG_CTRUNC
 *   and -ENOBUFS, never a silent loss; a plain datagram's control is
 *   -ENOMSG;
 * - WL_META_SOFTWARE_TIMESTAMP (SO_TIMESTAMPING, software): the stamp lies
 *   between the send and the receive, on bound and connected sockets. */
#define _GNU_SOURCE
#include "check.h"

#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <net/if.h>
#include <netinet/in.h>
#include <time.h>

static int is_v6(const char *local) { return local[0] == '['; }

static wl_dgram *bind_dgram(const char *text) {
    wl_addr a = wl_parse(text);
    wl_dgram *d = NULL;
    CHECK_OK(wl_datagram_bind(NULL, &a, &d));
    CHECK_OK(wl_socket_set_read_timeout(wl_dgram_fd(d), 5000));
    return d;
}

static void sleep_10ms(void) {
    struct timespec ten_ms = {0, 10000000};
    nanosleep(&ten_ms, NULL);
}

/* Walks `ctl` with the library's cursor and with libc's CMSG macros side
 * by side; both must see the same messages, byte for byte. Returns how
 * many there were. */
static int walk_matches_libc(unsigned char *ctl, size_t len) {
    struct msghdr mh;
    memset(&mh, 0, sizeof mh);
    mh.msg_control = ctl;
    mh.msg_controllen = len;
    struct cmsghdr *h = CMSG_FIRSTHDR(&mh);
    wl_cmsg c;
    int n = 0;
    int r = wl_cmsg_first(ctl, len, &c);
    for (; r == 1; r = wl_cmsg_next(ctl, len, &c), h = CMSG_NXTHDR(&mh, h)) {
        CHECK(h != NULL);
        CHECK(c.offset == (size_t)((unsigned char *)h - ctl));
        CHECK(c.cmsg_level == h->cmsg_level);
        CHECK(c.cmsg_type == h->cmsg_type);
        CHECK(c.data_len == h->cmsg_len - CMSG_LEN(0));
        CHECK(c.data == CMSG_DATA(h));
        CHECK(memcmp(c.data, CMSG_DATA(h), c.data_len) == 0);
        CHECK(c.next > c.offset && c.next <= len);
        CHECK(c.next == len || c.next == c.offset + CMSG_SPACE(c.data_len));
        n++;
    }
    CHECK_OK(r);
    CHECK(h == NULL);
    return n;
}

/* The int (or single byte) a message carries. */
static int int_of(const wl_cmsg *c) {
    if (c->data_len == 1) return c->data[0];
    CHECK(c->data_len == sizeof(int));
    int v;
    memcpy(&v, c->data, sizeof v);
    return v;
}

static void cursor_contents(const char *local) {
    const int v6 = is_v6(local);
    wl_dgram *rx = bind_dgram(local), *tx = bind_dgram(local);
    CHECK_OK(wl_dgram_set_recv_meta(rx, WL_META_ECN | WL_META_TTL | WL_META_ADDR, true));
    wl_addr to;
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(rx), &to));
    wl_udp_send_meta m;
    memset(&m, 0, sizeof m);
    m.present = WL_META_ECN | WL_META_TTL;
    m.ecn = 3;
    m.ttl = 7;
    CHECK(wl_dgram_send_meta(tx, "walk", 4, &to, &m) == 4);
    char buf[16];
    _Alignas(8) unsigned char ctl[WL_UDP_RECV_CONTROL_SPACE];
    wl_cmsg_recv got;
    CHECK(wl_dgram_recv_cmsg(rx, buf, sizeof buf, ctl, sizeof ctl, 0, &got) == 4);
    CHECK(!got.control_truncated && !(got.flags & MSG_CTRUNC));
    CHECK(walk_matches_libc(ctl, got.control_len) == 3);

    const unsigned lo = if_nametoindex("lo");
    CHECK(lo > 0);
    int seen_addr = 0, seen_ttl = 0, seen_tos = 0;
    wl_cmsg c;
    for (int r = wl_cmsg_first(ctl, got.control_len, &c); r == 1; r = wl_cmsg_next(ctl, got.control_len, &c)) {
        if (!v6 && c.cmsg_level == IPPROTO_IP && c.cmsg_type == IP_PKTINFO) {
            struct in_pktinfo pi;
            CHECK(c.data_len == sizeof pi);
            memcpy(&pi, c.data, sizeof pi);
            CHECK(pi.ipi_ifindex == (int)lo);
            CHECK(pi.ipi_addr.s_addr == htonl(INADDR_LOOPBACK));
            seen_addr++;
        } else if (v6 && c.cmsg_level == IPPROTO_IPV6 && c.cmsg_type == IPV6_PKTINFO) {
            struct in6_pktinfo pi;
            CHECK(c.data_len == sizeof pi);
            memcpy(&pi, c.data, sizeof pi);
            CHECK(pi.ipi6_ifindex == lo);
            CHECK(memcmp(&pi.ipi6_addr, &in6addr_loopback, sizeof pi.ipi6_addr) == 0);
            seen_addr++;
        } else if (c.cmsg_level == (v6 ? IPPROTO_IPV6 : IPPROTO_IP) && c.cmsg_type == (v6 ? IPV6_HOPLIMIT : IP_TTL)) {
            CHECK(c.data_len == sizeof(int));
            CHECK(int_of(&c) == 7);
            seen_ttl++;
        } else if (c.cmsg_level == (v6 ? IPPROTO_IPV6 : IPPROTO_IP) && c.cmsg_type == (v6 ? IPV6_TCLASS : IP_TOS)) {
            /* The kernel hands IP_TOS as one byte, IPV6_TCLASS as an int. */
            CHECK(c.data_len == (v6 ? sizeof(int) : 1));
            CHECK((int_of(&c) & 3) == 3);
            seen_tos++;
        } else {
            fprintf(stderr, "unexpected message level %d type %d\n", c.cmsg_level, c.cmsg_type);
            exit(1);
        }
    }
    CHECK(seen_addr == 1 && seen_ttl == 1 && seen_tos == 1);

    /* Cut after the first message: the walk stops inside what arrived,
     * and still agrees with libc's. */
    CHECK(wl_dgram_send_meta(tx, "cut", 3, &to, &m) == 3);
    size_t small = (size_t)wl_cmsg_space(sizeof(struct in6_pktinfo));
    CHECK(wl_dgram_recv_cmsg(rx, buf, sizeof buf, ctl, small, 0, &got) == 3);
    CHECK(got.control_truncated && (got.flags & MSG_CTRUNC));
    CHECK(got.control_len <= small);
    CHECK(walk_matches_libc(ctl, got.control_len) <= 1);
    wl_dgram_free(rx);
    wl_dgram_free(tx);
}

/* A port that was just closed. */
static wl_addr closed_port(const char *local) {
    wl_dgram *gone = bind_dgram(local);
    wl_addr closed;
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(gone), &closed));
    CHECK(wl_addr_port(&closed) > 0);
    wl_dgram_free(gone);
    return closed;
}

/* Receives from the error queue through the generic path, waiting
 * (bounded) for the ICMP message to arrive: MSG_ERRQUEUE never blocks. */
static ssize_t recv_errqueue(wl_dgram *d, wl_dgram_conn *cn, void *buf, size_t len, void *ctl, size_t cap,
                             wl_cmsg_recv *got) {
    ssize_t n = -EAGAIN;
    for (int i = 0; i < 300 && n == -EAGAIN; i++) {
        n = d ? wl_dgram_recv_cmsg(d, buf, len, ctl, cap, MSG_ERRQUEUE, got)
              : wl_dgram_conn_recv_cmsg(cn, buf, len, ctl, cap, MSG_ERRQUEUE, got);
        if (n == -EAGAIN) sleep_10ms();
    }
    return n;
}

static void check_refused(const char *local, const wl_cmsg_recv *got, unsigned char *ctl, const wl_addr *closed,
                          size_t payload) {
    const int v6 = is_v6(local);
    CHECK(!got->control_truncated);
    CHECK(got->flags & MSG_ERRQUEUE);
    CHECK(got->len == payload);
    CHECK(walk_matches_libc(ctl, got->control_len) == 1);

    /* The raw message, decoded with the kernel's own header. */
    wl_cmsg c;
    CHECK(wl_cmsg_first(ctl, got->control_len, &c) == 1);
    CHECK(c.cmsg_level == (v6 ? IPPROTO_IPV6 : IPPROTO_IP));
    CHECK(c.cmsg_type == (v6 ? IPV6_RECVERR : IP_RECVERR));
    const size_t off_len = v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    CHECK(c.data_len == sizeof(struct sock_extended_err) + off_len);
    _Alignas(8) unsigned char raw[sizeof(struct sock_extended_err) + sizeof(struct sockaddr_in6)];
    memcpy(raw, c.data, c.data_len);
    const struct sock_extended_err *ee = (const struct sock_extended_err *)raw;
    CHECK(ee->ee_errno == ECONNREFUSED);
    CHECK(ee->ee_origin == (v6 ? SO_EE_ORIGIN_ICMP6 : SO_EE_ORIGIN_ICMP));
    CHECK(ee->ee_type == (v6 ? 1 : 3));  /* destination unreachable */
    CHECK(ee->ee_code == (v6 ? 4 : 3));  /* port unreachable */
    const struct sockaddr *off = SO_EE_OFFENDER(ee);
    if (v6) {
        const struct sockaddr_in6 *o = (const struct sockaddr_in6 *)off;
        CHECK(o->sin6_family == AF_INET6);
        CHECK(memcmp(&o->sin6_addr, &in6addr_loopback, sizeof o->sin6_addr) == 0);
    } else {
        const struct sockaddr_in *o = (const struct sockaddr_in *)off;
        CHECK(o->sin_family == AF_INET);
        CHECK(o->sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    }
    CHECK(wl_cmsg_next(ctl, got->control_len, &c) == 0);

    /* The typed decoding agrees. */
    wl_udp_queued_error q;
    memset(&q, 0xa5, sizeof q);
    CHECK_OK(wl_cmsg_recv_error(got, ctl, &q));
    CHECK(q.len == payload);
    CHECK(q.error == (int)ee->ee_errno);
    CHECK(q.origin == ee->ee_origin);
    CHECK(q.icmp_type == ee->ee_type && q.icmp_code == ee->ee_code);
    CHECK(q.info == ee->ee_info && q.data == ee->ee_data);
    char text[WL_ADDR_STRLEN];
    CHECK_OK(wl_addr_format(&q.offender, text, sizeof text));
    const char *want = v6 ? "[::1]:0" : "127.0.0.1:0";
    if (strcmp(text, want) != 0) {
        fprintf(stderr, "offender %s, expected %s\n", text, want);
        exit(1);
    }
    CHECK(wl_addr_family(&q.destination) == (v6 ? AF_INET6 : AF_INET));
    CHECK(wl_addr_port(&q.destination) == wl_addr_port(closed));
    CHECK(wl_addr_port(&got->source) == wl_addr_port(closed));
}

static void errqueue_generic(const char *local) {
    wl_addr closed = closed_port(local);
    wl_dgram *tx = bind_dgram(local);
    CHECK_OK(wl_dgram_set_recv_meta(tx, WL_META_ERRORS, true));
    char buf[16];
    _Alignas(8) unsigned char ctl[WL_UDP_RECV_CONTROL_SPACE];
    wl_cmsg_recv got;
    /* Empty queue: never waits. */
    CHECK_ERR(wl_dgram_recv_cmsg(tx, buf, sizeof buf, ctl, sizeof ctl, MSG_ERRQUEUE, &got), EAGAIN);

    /* Unconnected. */
    CHECK(wl_dgram_send_to(tx, "x", 1, &closed, 0) == 1);
    CHECK(recv_errqueue(tx, NULL, buf, sizeof buf, ctl, sizeof ctl, &got) == 1);
    CHECK(buf[0] == 'x');
    check_refused(local, &got, ctl, &closed, 1);
    CHECK_ERR(wl_dgram_recv_cmsg(tx, buf, sizeof buf, ctl, sizeof ctl, MSG_ERRQUEUE, &got), EAGAIN);

    /* Too small a control buffer: the cut is reported, not lost. */
    CHECK(wl_dgram_send_to(tx, "cut", 3, &closed, 0) == 3);
    const size_t small = sizeof(struct cmsghdr) + 8;
    CHECK(recv_errqueue(tx, NULL, buf, sizeof buf, ctl, small, &got) == 3);
    CHECK(got.control_truncated && (got.flags & MSG_CTRUNC));
    CHECK(got.control_len <= small);
    wl_udp_queued_error q;
    CHECK_ERR(wl_cmsg_recv_error(&got, ctl, &q), ENOBUFS);
    CHECK_MSG("MSG_CTRUNC");

    /* Connected: the peer's ICMP error through wl_dgram_conn_recv_cmsg. */
    wl_dgram_conn *c = NULL;
    CHECK_OK(wl_dgram_connect(tx, &closed, &c));
    CHECK(wl_dgram_conn_send(c, "yy", 2, 0) == 2);
    CHECK(recv_errqueue(NULL, c, buf, sizeof buf, ctl, sizeof ctl, &got) == 2);
    check_refused(local, &got, ctl, &closed, 2);
    CHECK_ERR(wl_dgram_conn_recv_cmsg(c, buf, sizeof buf, ctl, sizeof ctl, MSG_ERRQUEUE, &got), EAGAIN);
    wl_dgram_conn_free(c);
}

static void recv_error_bad_input(void) {
    /* A plain datagram's control data holds no extended error. */
    _Alignas(8) unsigned char ctl[64];
    size_t used = 0;
    int ttl = 7;
    CHECK_OK(wl_cmsg_push(ctl, sizeof ctl, &used, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl));
    wl_cmsg_recv got;
    memset(&got, 0, sizeof got);
    got.control_len = used;
    wl_udp_queued_error q;
    CHECK_ERR(wl_cmsg_recv_error(&got, ctl, &q), ENOMSG);
    CHECK_MSG("MSG_ERRQUEUE");
    got.control_len = 0;
    CHECK_ERR(wl_cmsg_recv_error(&got, NULL, &q), ENOMSG);
    CHECK_ERR(wl_cmsg_recv_error(NULL, ctl, &q), EINVAL);
    got.control_len = used;
    CHECK_ERR(wl_cmsg_recv_error(&got, ctl, NULL), EINVAL);
    CHECK_ERR(wl_cmsg_recv_error(&got, NULL, &q), EINVAL);
    /* A malformed buffer is an error naming the problem. */
    unsigned char bad[32];
    memset(bad, 0, sizeof bad);
    size_t huge = 1000;
    memcpy(bad, &huge, sizeof huge);
    got.control_len = sizeof bad;
    CHECK_ERR(wl_cmsg_recv_error(&got, bad, &q), EINVAL);
    CHECK_MSG("runs past the end");
    /* An extended error too short for its struct. */
    used = 0;
    CHECK_OK(wl_cmsg_push(ctl, sizeof ctl, &used, IPPROTO_IP, IP_RECVERR, &ttl, sizeof ttl));
    got.control_len = used;
    CHECK_ERR(wl_cmsg_recv_error(&got, ctl, &q), EINVAL);
    CHECK_MSG("IP_RECVERR");
}

static long long ns(const struct timespec *t) { return (long long)t->tv_sec * 1000000000LL + t->tv_nsec; }

/* WL_META_SOFTWARE_TIMESTAMP: the SO_TIMESTAMPING software stamp lies
 * between the send and the receive (retried: stamping switches on
 * asynchronously system-wide). */
static void software_timestamp(const char *local) {
    wl_dgram *rx = bind_dgram(local), *tx = bind_dgram(local);
    CHECK_OK(wl_dgram_set_recv_meta(rx, WL_META_SOFTWARE_TIMESTAMP, true));
    wl_addr to, from;
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(rx), &to));
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(tx), &from));
    char buf[16];
    wl_udp_recv_meta r;
    struct timespec before, after;
    int stamped = 0;
    for (int i = 0; i < 200 && !stamped; i++) {
        clock_gettime(CLOCK_REALTIME, &before);
        CHECK(wl_dgram_send_to(tx, "ts", 2, &to, 0) == 2);
        CHECK(wl_dgram_recv_meta(rx, buf, sizeof buf, &r) == 2);
        clock_gettime(CLOCK_REALTIME, &after);
        stamped = (r.present & WL_META_TIMESTAMP) != 0;
        if (!stamped) sleep_10ms();
    }
    CHECK(stamped);
    struct timespec ts = {(time_t)r.ts_sec, (long)r.ts_nsec};
    CHECK(ns(&before) <= ns(&ts) && ns(&ts) <= ns(&after));
    /* The raw form: one SCM_TIMESTAMPING of three timespecs. */
    CHECK(wl_dgram_send_to(tx, "raw", 3, &to, 0) == 3);
    _Alignas(8) unsigned char ctl[WL_UDP_RECV_CONTROL_SPACE];
    wl_cmsg_recv got;
    CHECK(wl_dgram_recv_cmsg(rx, buf, sizeof buf, ctl, sizeof ctl, 0, &got) == 3);
    CHECK(walk_matches_libc(ctl, got.control_len) == 1);
    wl_cmsg c;
    CHECK(wl_cmsg_first(ctl, got.control_len, &c) == 1);
    CHECK(c.cmsg_level == SOL_SOCKET && c.cmsg_type == SO_TIMESTAMPING);
    CHECK(c.data_len == 3 * sizeof(struct timespec));
    /* Off again: no stamp. */
    CHECK_OK(wl_dgram_set_recv_meta(rx, WL_META_SOFTWARE_TIMESTAMP, false));
    CHECK(wl_dgram_send_to(tx, "off", 3, &to, 0) == 3);
    CHECK(wl_dgram_recv_meta(rx, buf, sizeof buf, &r) == 3);
    CHECK(!(r.present & WL_META_TIMESTAMP));

    /* Connected. */
    wl_dgram_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_dgram_connect(tx, &to, &a));
    CHECK_OK(wl_dgram_connect(rx, &from, &b));
    CHECK_OK(wl_dgram_conn_set_recv_meta(b, WL_META_SOFTWARE_TIMESTAMP, true));
    stamped = 0;
    for (int i = 0; i < 200 && !stamped; i++) {
        clock_gettime(CLOCK_REALTIME, &before);
        CHECK(wl_dgram_conn_send(a, "cs", 2, 0) == 2);
        CHECK(wl_dgram_conn_recv_meta(b, buf, sizeof buf, &r) == 2);
        clock_gettime(CLOCK_REALTIME, &after);
        stamped = (r.present & WL_META_TIMESTAMP) != 0;
        if (!stamped) sleep_10ms();
    }
    CHECK(stamped);
    ts.tv_sec = (time_t)r.ts_sec;
    ts.tv_nsec = (long)r.ts_nsec;
    CHECK(ns(&before) <= ns(&ts) && ns(&ts) <= ns(&after));
    CHECK_ERR(wl_dgram_conn_set_recv_meta(b, 1u << 20, true), EINVAL);
    wl_dgram_conn_free(a);
    wl_dgram_conn_free(b);
}

static void v4(void) {
    cursor_contents("127.0.0.1:0");
    errqueue_generic("127.0.0.1:0");
    software_timestamp("127.0.0.1:0");
}

static void v6(void) {
    cursor_contents("[::1]:0");
    errqueue_generic("[::1]:0");
    software_timestamp("[::1]:0");
}

int main(void) {
    wl_test_start(60);
    RUN(v4);
    RUN(v6);
    RUN(recv_error_bad_input);
    return wl_test_end("test_udp_meta_cmsg");
}
