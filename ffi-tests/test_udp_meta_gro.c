/* The GRO segment size through the C metadata struct (issue 16): a GSO
 * send of 5 x 100 bytes (wl_dgram_send_meta with WL_META_SEGMENT) to a
 * socket with UDP_GRO on arrives coalesced, one 500-byte read whose
 * wl_udp_recv_meta reports WL_META_SEGMENT and gro_segment 100, bytes in
 * order; with GRO off the same send arrives as five 100-byte datagrams
 * without WL_META_SEGMENT. Both families. */
#define _GNU_SOURCE
#include "check.h"

enum { SEG = 100, SEGS = 5 };

static void send_train(wl_dgram *tx, const wl_addr *to, const unsigned char *train) {
    wl_udp_send_meta m;
    memset(&m, 0, sizeof m);
    m.present = WL_META_SEGMENT;
    m.segment_size = SEG;
    CHECK(wl_dgram_send_meta(tx, train, SEG * SEGS, to, &m) == SEG * SEGS);
}

static void gro_segment(const char *local) {
    unsigned char train[SEG * SEGS];
    for (size_t i = 0; i < sizeof train; i++) train[i] = (unsigned char)(i * 7 + 3);

    wl_dgram *rx = wl_bind_dgram(local);
    wl_dgram *tx = wl_bind_dgram(local);
    wl_addr to;
    CHECK_OK(wl_socket_local_addr(wl_dgram_fd(rx), &to));
    unsigned char buf[2 * SEG * SEGS];
    wl_udp_recv_meta r;

    /* GRO on: one coalesced read, its segment size reported. */
    CHECK_OK(wl_set_udp_gro(wl_dgram_fd(rx), true));
    send_train(tx, &to, train);
    memset(&r, 0, sizeof r);
    CHECK(wl_dgram_recv_meta(rx, buf, sizeof buf, &r) == SEG * SEGS);
    CHECK(r.len == SEG * SEGS);
    CHECK(r.present & WL_META_SEGMENT);
    CHECK(r.gro_segment == SEG);
    CHECK(!(r.present & WL_META_CTRUNC));
    CHECK(memcmp(buf, train, sizeof train) == 0);

    /* GRO off: the kernel splits the train; no segment size. */
    CHECK_OK(wl_set_udp_gro(wl_dgram_fd(rx), false));
    send_train(tx, &to, train);
    for (int i = 0; i < SEGS; i++) {
        memset(&r, 0, sizeof r);
        CHECK(wl_dgram_recv_meta(rx, buf, sizeof buf, &r) == SEG);
        CHECK(!(r.present & WL_META_SEGMENT));
        CHECK(r.gro_segment == 0);
        CHECK(memcmp(buf, train + i * SEG, SEG) == 0);
    }
    /* Nothing more queued (a short timeout: this waits for it). */
    CHECK_OK(wl_socket_set_read_timeout(wl_dgram_fd(rx), 50));
    CHECK_ERR(wl_dgram_recv_meta(rx, buf, sizeof buf, &r), EAGAIN);

    wl_dgram_free(rx);
    wl_dgram_free(tx);
}

int main(void) {
    gro_segment("127.0.0.1:0");
    gro_segment("[::1]:0");
    printf("test_udp_meta_gro: ok\n");
    return 0;
}
