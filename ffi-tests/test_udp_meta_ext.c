/* UDP metadata beyond the unconnected single datagram, through the C ABI,
 * both families on loopback:
 * - connected sockets: wl_dgram_conn_set_recv_meta / _recv_meta /
 *   _send_meta carry a CE mark and TTL 7, the PMTU mode round-trips;
 * - batches: every wl_send_batch_push_meta slot carries its own ECN and
 *   TTL and every wl_recv_batch_meta slot reports its own, never mixed;
 *   wl_recv_batch_control hands the raw bytes to the cmsg cursor; the
 *   same through wl_recv_slots into the caller's own buffers;
 * - generic control messages: a buffer built with wl_cmsg_push is sent
 *   with wl_dgram_send_cmsg / wl_dgram_conn_send_cmsg, the raw control
 *   of wl_dgram_recv_cmsg walks with wl_cmsg_first / wl_cmsg_next, a
 *   too-small control buffer reports MSG_CTRUNC, malformed buffers and
 *   overflows are refused with a clear error. */
#define _GNU_SOURCE
#include "check.h"

#include <netinet/in.h>
#include <sys/uio.h>

/* Two UDP sockets connected to each other. */
static void conn_pair(const char *local, wl_dgram_conn **a, wl_dgram_conn **b) {
    wl_dgram *x = wl_bind_dgram(local), *y = wl_bind_dgram(local);
    wl_addr xa, ya;
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(x), &xa));
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(y), &ya));
    CHECK_OK(wl_dgram_connect(x, &ya, a));
    CHECK_OK(wl_dgram_connect(y, &xa, b));
}

static int is_v6(const char *local) { return local[0] == '['; }

static void connected(const char *local) {
    wl_dgram_conn *tx = NULL, *rx = NULL;
    conn_pair(local, &tx, &rx);
    CHECK_OK(wl_dgram_conn_set_recv_meta(rx, WL_META_ECN | WL_META_TTL | WL_META_ADDR, true));
    wl_udp_send_meta m;
    memset(&m, 0, sizeof m);
    m.present = WL_META_ECN | WL_META_TTL;
    m.ecn = 3;
    m.ttl = 7;
    CHECK(wl_dgram_conn_send_meta(tx, "conn", 4, &m) == 4);
    wl_udp_recv_meta r;
    char buf[16];
    CHECK(wl_dgram_conn_recv_meta(rx, buf, sizeof buf, &r) == 4);
    CHECK(memcmp(buf, "conn", 4) == 0 && r.len == 4);
    CHECK((r.present & WL_META_ECN) && r.ecn == 3);
    CHECK((r.present & WL_META_TTL) && r.ttl == 7);
    CHECK((r.present & WL_META_ADDR) && r.ifindex > 0);
    CHECK(!(r.present & WL_META_CTRUNC));
    wl_addr peer;
    CHECK_OK(wl_socket_local_addr(wl_dgram_conn_fd(tx), &peer));
    CHECK(wl_addr_port(&r.source) == wl_addr_port(&peer));

    /* Turned off: no ECN reported; NULL metadata sends plainly. */
    CHECK_OK(wl_dgram_conn_set_recv_meta(rx, WL_META_ECN, false));
    CHECK(wl_dgram_conn_send_meta(tx, "x", 1, NULL) == 1);
    CHECK(wl_dgram_conn_recv_meta(rx, buf, sizeof buf, &r) == 1);
    CHECK(!(r.present & WL_META_ECN));
    CHECK(r.present & WL_META_TTL);

    /* Into the caller's own buffer through receive slots. */
    wl_recv_slots *slots = NULL;
    CHECK_OK(wl_recv_slots_new(is_v6(local) ? AF_INET6 : AF_INET, 2, &slots));
    CHECK(wl_dgram_conn_send_meta(tx, "sl", 2, &m) == 2);
    char mine[8];
    struct iovec iov = {mine, sizeof mine};
    CHECK(wl_dgram_conn_recv_slots(rx, slots, &iov, 1, 0) == 1);
    wl_udp_recv_meta sr;
    CHECK_OK(wl_recv_slots_meta(slots, 0, &sr));
    CHECK(sr.len == 2 && memcmp(mine, "sl", 2) == 0);
    CHECK((sr.present & WL_META_TTL) && sr.ttl == 7 && !(sr.present & WL_META_ECN));
    CHECK(wl_addr_port(&sr.source) == wl_addr_port(&peer));
    wl_recv_slots_free(slots);

    /* PMTU discovery mode on the connected socket. */
    int mode = -1;
    CHECK_OK(wl_dgram_conn_set_mtu_discover(tx, WL_PMTUDISC_DO));
    CHECK_OK(wl_dgram_conn_mtu_discover(tx, &mode));
    CHECK(mode == WL_PMTUDISC_DO);
    CHECK_OK(wl_dgram_conn_set_mtu_discover(tx, WL_PMTUDISC_PROBE));
    CHECK_OK(wl_dgram_conn_mtu_discover(tx, &mode));
    CHECK(mode == WL_PMTUDISC_PROBE);
    uint32_t mtu = 0;
    CHECK_OK(wl_dgram_conn_path_mtu(tx, &mtu));
    CHECK(mtu >= 1280);

    /* Bad input. */
    CHECK_ERR(wl_dgram_conn_set_recv_meta(rx, 1u << 20, true), EINVAL);
    CHECK_MSG("unknown bits");
    CHECK_ERR(wl_dgram_conn_set_recv_meta(NULL, WL_META_ECN, true), EINVAL);
    CHECK_ERR(wl_dgram_conn_recv_meta(rx, buf, sizeof buf, NULL), EINVAL);
    CHECK_ERR(wl_dgram_conn_set_mtu_discover(tx, 42), EINVAL);
    m.ecn = 4;
    CHECK_ERR(wl_dgram_conn_send_meta(tx, "x", 1, &m), EINVAL);
    CHECK_MSG("ECN codepoint 4");
    /* Nothing was sent by the refused calls. */
    CHECK_OK(wl_socket_set_nonblocking(wl_dgram_conn_fd(rx), true));
    CHECK_ERR(wl_dgram_conn_recv_meta(rx, buf, sizeof buf, &r), EAGAIN);
    wl_dgram_conn_free(tx);
    wl_dgram_conn_free(rx);
}

static void unix_is_refused(void) {
    wl_dgram_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_dgram_conn_pair(&a, &b));
    wl_udp_recv_meta r;
    char buf[4];
    CHECK_ERR(wl_dgram_conn_set_recv_meta(a, WL_META_ECN, true), EAFNOSUPPORT);
    CHECK_ERR(wl_dgram_conn_send_meta(a, "x", 1, NULL), EAFNOSUPPORT);
    CHECK_ERR(wl_dgram_conn_recv_meta(b, buf, sizeof buf, &r), EAFNOSUPPORT);
    wl_cmsg_recv got;
    unsigned char ctl[64];
    CHECK_ERR(wl_dgram_conn_send_cmsg(a, "x", 1, NULL, 0, 0), EAFNOSUPPORT);
    CHECK_ERR(wl_dgram_conn_recv_cmsg(b, buf, sizeof buf, ctl, sizeof ctl, 0, &got), EAFNOSUPPORT);
    wl_send_batch *sb = NULL;
    CHECK_OK(wl_send_batch_new(AF_UNIX, 2, &sb));
    CHECK_ERR(wl_send_batch_push_meta(sb, "x", 1, NULL, NULL), EAFNOSUPPORT);
    wl_send_batch_free(sb);
    wl_dgram_conn_free(a);
    wl_dgram_conn_free(b);
}

/* Finds (level, type) in a control buffer with the cursor; returns its
 * data's first int (or byte when it has one byte), -1 when absent. */
static int find_cmsg(const void *ctl, size_t len, int level, int type) {
    wl_cmsg c;
    int r;
    for (r = wl_cmsg_first(ctl, len, &c); r == 1; r = wl_cmsg_next(ctl, len, &c)) {
        CHECK(c.offset < len && c.next <= len && c.offset + c.data_len <= len);
        if (c.cmsg_level == level && c.cmsg_type == type) {
            if (c.data_len == 1) return c.data[0];
            CHECK(c.data_len >= sizeof(int));
            int v;
            memcpy(&v, c.data, sizeof v);
            return v;
        }
    }
    CHECK_OK(r);
    return -1;
}

static void batch_slots(const char *local) {
    const int v6 = is_v6(local);
    const int family = v6 ? AF_INET6 : AF_INET;
    wl_dgram *rx = wl_bind_dgram(local), *tx = wl_bind_dgram(local);
    CHECK_OK(wl_dgram_set_recv_meta(rx, WL_META_ECN | WL_META_TTL, true));
    wl_addr to;
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(rx), &to));
    enum { N = 8 };
    wl_send_batch *sb = NULL;
    wl_recv_batch *rb = NULL;
    CHECK_OK(wl_send_batch_new(family, N, &sb));
    CHECK_OK(wl_recv_batch_new(family, N, 64, &rb));
    char payload[N][4];
    for (int i = 0; i < N; i++) {
        wl_udp_send_meta m;
        memset(&m, 0, sizeof m);
        m.present = WL_META_ECN | WL_META_TTL;
        m.ecn = (uint8_t)(i % 4);
        m.ttl = (uint8_t)(10 + i);
        snprintf(payload[i], sizeof payload[i], "s%d", i);
        CHECK_OK(wl_send_batch_push_meta(sb, payload[i], 2, &to, &m));
    }
    /* Refused metadata queues nothing. */
    wl_udp_send_meta bad;
    memset(&bad, 0, sizeof bad);
    bad.present = WL_META_SEGMENT;
    bad.segment_size = 0;
    CHECK_ERR(wl_send_batch_push_meta(sb, "z", 1, &to, NULL), ENOBUFS); /* full */
    CHECK(wl_send_batch_len(sb) == N);
    CHECK(wl_dgram_send_batch(tx, sb, 0) == N);
    int got = 0;
    while (got < N) {
        int n = wl_dgram_recv_batch(rx, rb, WL_MSG_WAITFORONE);
        CHECK(n > 0);
        for (int k = 0; k < n; k++) {
            wl_recv_msg msg;
            wl_udp_recv_meta r;
            CHECK_OK(wl_recv_batch_get(rb, (size_t)k, &msg));
            CHECK_OK(wl_recv_batch_meta(rb, (size_t)k, &r));
            CHECK(msg.data_len == 2 && msg.data[0] == 's');
            int i = msg.data[1] - '0';
            CHECK(i == got + k); /* loopback keeps the order */
            CHECK(r.len == 2);
            CHECK((r.present & WL_META_ECN) && r.ecn == i % 4);
            CHECK((r.present & WL_META_TTL) && r.ttl == 10 + i);
            /* The raw bytes of the same slot say the same. */
            const uint8_t *ctl = NULL;
            size_t ctl_len = 0;
            CHECK_OK(wl_recv_batch_control(rb, (size_t)k, &ctl, &ctl_len));
            CHECK(ctl != NULL && ctl_len > 0);
            int hop = v6 ? find_cmsg(ctl, ctl_len, IPPROTO_IPV6, IPV6_HOPLIMIT) : find_cmsg(ctl, ctl_len, IPPROTO_IP, IP_TTL);
            CHECK(hop == 10 + i);
        }
        got += n;
    }
    CHECK_ERR(wl_recv_batch_meta(rb, N, NULL), EINVAL);
    wl_udp_recv_meta r;
    CHECK_ERR(wl_recv_batch_meta(rb, 1000, &r), EINVAL);
    CHECK_MSG("was not received");
    const uint8_t *ctl = NULL;
    size_t ctl_len = 0;
    CHECK_ERR(wl_recv_batch_control(rb, 1000, &ctl, &ctl_len), EINVAL);

    /* The same batch into the caller's own buffers (wl_recv_slots). */
    wl_recv_slots *slots = NULL;
    CHECK_OK(wl_recv_slots_new(family, N, &slots));
    CHECK(wl_dgram_send_batch(tx, sb, 0) == N);
    char mine[N][8];
    struct iovec iov[N];
    for (int i = 0; i < N; i++) {
        iov[i].iov_base = mine[i];
        iov[i].iov_len = sizeof mine[i];
    }
    got = 0;
    while (got < N) {
        int n = wl_dgram_recv_slots(rx, slots, iov, (size_t)(N - got), WL_MSG_WAITFORONE);
        CHECK(n > 0 && wl_recv_slots_len(slots) == n);
        for (int k = 0; k < n; k++) {
            wl_udp_recv_meta r;
            int flags = -1;
            CHECK_OK(wl_recv_slots_meta(slots, (size_t)k, &r));
            CHECK_OK(wl_recv_slots_flags(slots, (size_t)k, &flags));
            CHECK(flags >= 0 && !(flags & (MSG_TRUNC | MSG_CTRUNC)));
            CHECK(r.len == 2 && mine[k][0] == 's');
            int i = mine[k][1] - '0';
            CHECK(i == got + k);
            CHECK((r.present & WL_META_ECN) && r.ecn == i % 4);
            CHECK((r.present & WL_META_TTL) && r.ttl == 10 + i);
            const uint8_t *sc = NULL;
            size_t sc_len = 0;
            CHECK_OK(wl_recv_slots_control(slots, (size_t)k, &sc, &sc_len));
            int hop = v6 ? find_cmsg(sc, sc_len, IPPROTO_IPV6, IPV6_HOPLIMIT) : find_cmsg(sc, sc_len, IPPROTO_IP, IP_TTL);
            CHECK(hop == 10 + i);
        }
        /* The next receive fills the first buffers again. */
        got += n;
    }
    /* A datagram longer than its buffer is cut, and says so. */
    CHECK(wl_dgram_send_to(tx, "0123456789", 10, &to, 0) == 10);
    struct iovec small_iov = {mine[0], 4};
    CHECK(wl_dgram_recv_slots(rx, slots, &small_iov, 1, 0) == 1);
    int cut_flags = 0;
    CHECK_OK(wl_recv_slots_flags(slots, 0, &cut_flags));
    CHECK(cut_flags & MSG_TRUNC);
    wl_udp_recv_meta sr;
    CHECK_OK(wl_recv_slots_meta(slots, 0, &sr));
    CHECK(sr.len == 4 && memcmp(mine[0], "0123", 4) == 0);
    CHECK_ERR(wl_recv_slots_meta(slots, N, &sr), EINVAL);
    CHECK_MSG("holds nothing");
    CHECK_ERR(wl_dgram_recv_slots(rx, slots, iov, 0, 0), EINVAL);
    CHECK_ERR(wl_dgram_recv_slots(rx, slots, NULL, 2, 0), EINVAL);
    wl_recv_slots *wrong = NULL;
    CHECK_OK(wl_recv_slots_new(v6 ? AF_INET : AF_INET6, 2, &wrong));
    CHECK_ERR(wl_dgram_recv_slots(rx, wrong, iov, 2, MSG_DONTWAIT), EAFNOSUPPORT);
    wl_recv_slots_free(wrong);
    CHECK_ERR(wl_recv_slots_new(AF_UNIX, 2, &wrong), EAFNOSUPPORT);
    CHECK_ERR(wl_recv_slots_new(family, 0, &wrong), EINVAL);
    wl_recv_slots_free(slots);

    /* A segment size of 0 is refused and nothing is queued. */
    CHECK_OK(wl_send_batch_clear(sb));
    CHECK_ERR(wl_send_batch_push_meta(sb, "z", 1, &to, &bad), EINVAL);
    CHECK(wl_send_batch_len(sb) == 0);
    wl_send_batch_free(sb);
    wl_recv_batch_free(rb);
    wl_dgram_free(rx);
    wl_dgram_free(tx);
}

/* Builds "ECN CE + hop limit 7" for the family with wl_cmsg_push. */
static size_t build(unsigned char *ctl, size_t cap, int v6) {
    size_t used = 0;
    int tos = 3, ttl = 7;
    CHECK_OK(wl_cmsg_push(ctl, cap, &used, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_TCLASS : IP_TOS, &tos, sizeof tos));
    CHECK(used == (size_t)wl_cmsg_space(sizeof tos));
    CHECK_OK(wl_cmsg_push(ctl, cap, &used, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_HOPLIMIT : IP_TTL, &ttl, sizeof ttl));
    CHECK(used == 2 * (size_t)wl_cmsg_space(sizeof ttl));
    return used;
}

static void generic_cmsg(const char *local) {
    const int v6 = is_v6(local);
    wl_dgram *rx = wl_bind_dgram(local), *tx = wl_bind_dgram(local);
    CHECK_OK(wl_dgram_set_recv_meta(rx, WL_META_ECN | WL_META_TTL, true));
    wl_addr to;
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(rx), &to));
    _Alignas(8) unsigned char ctl[WL_UDP_RECV_CONTROL_SPACE];
    size_t used = build(ctl, sizeof ctl, v6);
    CHECK(wl_dgram_send_cmsg(tx, "raw", 3, &to, ctl, used, 0) == 3);

    char buf[16];
    wl_cmsg_recv got;
    _Alignas(8) unsigned char in[WL_UDP_RECV_CONTROL_SPACE];
    CHECK(wl_dgram_recv_cmsg(rx, buf, sizeof buf, in, sizeof in, 0, &got) == 3);
    CHECK(got.len == 3 && !got.truncated && !got.control_truncated);
    CHECK(got.control_len > 0 && got.control_len <= sizeof in);
    wl_addr from;
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(tx), &from));
    CHECK(wl_addr_port(&got.source) == wl_addr_port(&from));
    if (v6) {
        CHECK(find_cmsg(in, got.control_len, IPPROTO_IPV6, IPV6_TCLASS) == 3);
        CHECK(find_cmsg(in, got.control_len, IPPROTO_IPV6, IPV6_HOPLIMIT) == 7);
    } else {
        CHECK(find_cmsg(in, got.control_len, IPPROTO_IP, IP_TOS) == 3);
        CHECK(find_cmsg(in, got.control_len, IPPROTO_IP, IP_TTL) == 7);
    }
    wl_udp_recv_meta r;
    CHECK_OK(wl_cmsg_recv_meta(&got, in, &r));
    CHECK(r.len == 3 && r.ecn == 3 && r.ttl == 7 && !(r.present & WL_META_CTRUNC));

    /* Too small a control buffer: room for one message of two. The cut
     * is reported, and what arrived whole still decodes. */
    CHECK(wl_dgram_send_cmsg(tx, "cut", 3, &to, ctl, used, 0) == 3);
    size_t small = (size_t)wl_cmsg_space(sizeof(int));
    CHECK(wl_dgram_recv_cmsg(rx, buf, sizeof buf, in, small, 0, &got) == 3);
    CHECK(got.control_truncated);
    CHECK(got.flags & MSG_CTRUNC);
    CHECK(got.control_len <= small);
    CHECK_OK(wl_cmsg_recv_meta(&got, in, &r));
    CHECK(r.present & WL_META_CTRUNC);
    /* No control buffer at all: still reported. */
    CHECK(wl_dgram_send_cmsg(tx, "non", 3, &to, ctl, used, 0) == 3);
    CHECK(wl_dgram_recv_cmsg(rx, buf, sizeof buf, NULL, 0, 0, &got) == 3);
    CHECK(got.control_truncated && got.control_len == 0);

    /* Connected sockets. */
    wl_dgram_conn *a = NULL, *b = NULL;
    conn_pair(local, &a, &b);
    CHECK_OK(wl_dgram_conn_set_recv_meta(b, WL_META_TTL, true));
    CHECK(wl_dgram_conn_send_cmsg(a, "cc", 2, ctl, used, 0) == 2);
    CHECK(wl_dgram_conn_recv_cmsg(b, buf, sizeof buf, in, sizeof in, 0, &got) == 2);
    CHECK(!got.control_truncated);
    CHECK(find_cmsg(in, got.control_len, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_HOPLIMIT : IP_TTL) == 7);
    wl_dgram_conn_free(a);
    wl_dgram_conn_free(b);

    /* Malformed buffers: a cmsg_len past the end, or below the header. */
    unsigned char bad[64];
    memset(bad, 0, sizeof bad);
    size_t huge = 1000;
    memcpy(bad, &huge, sizeof huge);
    wl_cmsg c;
    CHECK_ERR(wl_cmsg_first(bad, sizeof bad, &c), EINVAL);
    CHECK_MSG("runs past the end");
    CHECK_ERR(wl_dgram_send_cmsg(tx, "x", 1, &to, bad, sizeof bad, 0), EINVAL);
    CHECK_MSG("offset 0");
    size_t tiny = 3;
    memcpy(bad, &tiny, sizeof tiny);
    CHECK_ERR(wl_cmsg_first(bad, sizeof bad, &c), EINVAL);
    CHECK_MSG("smaller than");
    /* A cursor pointing anywhere stays inside the buffer. */
    CHECK(wl_cmsg_first(ctl, used, &c) == 1);
    c.next = (size_t)-1;
    CHECK(wl_cmsg_next(ctl, used, &c) == 0);
    CHECK(wl_cmsg_first(ctl, 0, &c) == 0);
    /* Nothing malformed reached the receiver. */
    CHECK_OK(wl_socket_set_nonblocking(wl_dgram_fd(rx), true));
    CHECK_ERR(wl_dgram_recv_cmsg(rx, buf, sizeof buf, in, sizeof in, 0, &got), EAGAIN);

    /* The encoder refuses an overflow and writes nothing. */
    unsigned char little[24];
    size_t u = 0;
    int v = 1;
    CHECK_OK(wl_cmsg_push(little, sizeof little, &u, IPPROTO_IP, IP_TTL, &v, sizeof v));
    CHECK(u == 24);
    CHECK_ERR(wl_cmsg_push(little, sizeof little, &u, IPPROTO_IP, IP_TTL, &v, sizeof v), ENOBUFS);
    CHECK(u == 24);
    u = 25;
    CHECK_ERR(wl_cmsg_push(little, sizeof little, &u, IPPROTO_IP, IP_TTL, &v, sizeof v), EINVAL);
    CHECK(wl_cmsg_space(0) == 16 && wl_cmsg_space(1) == 24 && wl_cmsg_space(20) == 40);
    CHECK_ERR(wl_cmsg_space((size_t)-1), EINVAL);
    wl_dgram_free(rx);
    wl_dgram_free(tx);
}

static void v4(void) {
    connected("127.0.0.1:0");
    batch_slots("127.0.0.1:0");
    generic_cmsg("127.0.0.1:0");
}

static void v6(void) {
    connected("[::1]:0");
    batch_slots("[::1]:0");
    generic_cmsg("[::1]:0");
}

int main(void) {
    wl_test_start(60);
    RUN(v4);
    RUN(v6);
    RUN(unix_is_refused);
    return wl_test_end("test_udp_meta_ext");
}
