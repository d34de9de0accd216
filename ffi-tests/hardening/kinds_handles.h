/*
 * kinds_handles.h -- fresh, non-blocking handles of the socket kinds
 * (SEQPACKET, ICMP echo, raw IP) for the generated NULL matrix. ICMP echo
 * and raw IP sockets are made inside user + network namespaces the
 * program creates (../netns.h), so the matrix needs neither CAP_NET_RAW
 * nor a host net.ipv4.ping_group_range that admits it. Each is made
 * non-blocking from birth (WL_NONBLOCK), so no call in the matrix waits.
 */
#ifndef WL_KINDS_HANDLES_H
#define WL_KINDS_HANDLES_H

#include "hardening.h"
#include "netns.h"

static inline wl_seqpacket_raw *mk_seqpacket_raw(void) {
    wl_seqpacket_raw *r = NULL;
    CHECK_OK(wl_seqpacket_raw_new(WL_NONBLOCK, &r));
    return r;
}

static inline wl_seqpacket_bound *mk_seqpacket_bound(void) {
    wl_seqpacket_bound *b = NULL;
    static int counter;
    char name[64];
    wl_addr a;
    int n = snprintf(name, sizeof name, "wl-null-matrix-%ld-%d", (long)getpid(), counter++);
    CHECK_OK(wl_addr_unix_abstract((const uint8_t *)name, (size_t)n, &a));
    CHECK_OK(wl_seqpacket_raw_bind(mk_seqpacket_raw(), &a, &b));
    return b;
}

static inline wl_seqpacket_listener *mk_seqpacket_listener(void) {
    wl_seqpacket_listener *l = NULL;
    CHECK_OK(wl_seqpacket_bound_listen(mk_seqpacket_bound(), 4, &l));
    return l;
}

/* One end of a seqpacket pair (the other end is closed). */
static inline wl_seqpacket *mk_seqpacket(void) {
    wl_seqpacket *a = NULL, *b = NULL;
    CHECK_OK(wl_seqpacket_pair_flags(WL_NONBLOCK, &a, &b));
    wl_seqpacket_free(b);
    return a;
}

static int mk_icmp_fd(void) {
    wl_icmp_raw *r = NULL;
    int rc = wl_icmp_raw_new(AF_INET, WL_NONBLOCK, &r);
    return rc < 0 ? rc : wl_icmp_raw_into_fd(r);
}

static inline wl_icmp_raw *mk_icmp_raw(void) {
    wl_icmp_raw *r = NULL;
    CHECK_OK(wl_icmp_raw_from_fd(wl_in_namespaces(WL_NS_USER_AND_NET, mk_icmp_fd), &r));
    return r;
}

static inline wl_icmp *mk_icmp(void) {
    wl_icmp *b = NULL;
    wl_addr any = wl_parse("0.0.0.0:0");
    CHECK_OK(wl_icmp_raw_bind(mk_icmp_raw(), &any, &b));
    return b;
}

static inline wl_icmp_conn *mk_icmp_conn(void) {
    wl_icmp_conn *c = NULL;
    wl_addr lo = wl_parse("127.0.0.1:0");
    CHECK_OK(wl_icmp_raw_connect(mk_icmp_raw(), &lo, &c));
    return c;
}

static int mk_rawip_fd(void) {
    wl_rawip_raw *r = NULL;
    int rc = wl_rawip_raw_new(AF_INET, 253, WL_NONBLOCK, &r);
    return rc < 0 ? rc : wl_rawip_raw_into_fd(r);
}

static inline wl_rawip_raw *mk_rawip_raw(void) {
    wl_rawip_raw *r = NULL;
    CHECK_OK(wl_rawip_raw_from_fd(wl_in_namespaces(WL_NS_USER_AND_NET, mk_rawip_fd), &r));
    return r;
}

static inline wl_rawip *mk_rawip(void) {
    wl_rawip *b = NULL;
    wl_addr lo = wl_parse("127.0.0.1:0");
    CHECK_OK(wl_rawip_raw_bind(mk_rawip_raw(), &lo, &b));
    return b;
}

static inline wl_rawip_conn *mk_rawip_conn(void) {
    wl_rawip_conn *c = NULL;
    wl_addr lo = wl_parse("127.0.0.1:0");
    CHECK_OK(wl_rawip_raw_connect(mk_rawip_raw(), &lo, &c));
    return c;
}

#endif
