/* Random C-ABI call sequences: a deterministic pseudo-random walk over a
 * table of live handles of every kind, calling transitions, borrowing
 * calls, frees and give-ups (into_fd) with valid, wrong-family, closed and
 * malformed arguments, as an application with bugs might. Invariants:
 * nothing crashes (plain, ASan+UBSan, valgrind), every return is a
 * success or a plain -errno with a last-error message, every handle a
 * failed transition hands back is still usable, and after freeing the
 * table the descriptor count is where it started. The coverage-guided
 * version of the same idea is fuzz/fuzz_targets/ffi_sequence.rs. */
#include "hardening.h"

enum kind { EMPTY, RAW, BOUND, LISTENER, CONN, PENDING, DGRAM, DGRAM_CONN, SEND_BATCH, RECV_BATCH, PIPE, KINDS };

struct slot {
    enum kind kind;
    void *h;
};

#define SLOTS 24
static struct slot table[SLOTS];
static uint64_t rng;
static long calls, failures;

static uint32_t next(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

static uint32_t pick(uint32_t n) { return next() % n; }

/* Every return: success, or -errno in range with a message. */
static long seen(long rc) {
    calls++;
    if (rc < 0) {
        failures++;
        if (rc < -4095) {
            fprintf(stderr, "return %ld is not a -errno\n", rc);
            exit(1);
        }
        char m[256];
        if (wl_last_error_message(m, sizeof m) <= 0) {
            fprintf(stderr, "a failure (%ld) left no message\n", rc);
            exit(1);
        }
    }
    return rc;
}

static void free_slot(struct slot *s) {
    switch (s->kind) {
    case RAW: wl_raw_free(s->h); break;
    case BOUND: wl_bound_free(s->h); break;
    case LISTENER: wl_listener_free(s->h); break;
    case CONN: wl_conn_free(s->h); break;
    case PENDING: wl_pending_free(s->h); break;
    case DGRAM: wl_dgram_free(s->h); break;
    case DGRAM_CONN: wl_dgram_conn_free(s->h); break;
    case SEND_BATCH: wl_send_batch_free(s->h); break;
    case RECV_BATCH: wl_recv_batch_free(s->h); break;
    case PIPE: wl_pipe_free(s->h); break;
    default: break;
    }
    s->kind = EMPTY;
    s->h = NULL;
}

static struct slot *empty_slot(void) {
    struct slot *s = &table[pick(SLOTS)];
    if (s->kind != EMPTY) {
        free_slot(s);
    }
    return s;
}

static void put(enum kind k, void *h) {
    struct slot *s = empty_slot();
    s->kind = k;
    s->h = h;
}

/* An address from a pool: loopback of each family, live listeners, a
 * port nobody listens on, abstract names, and malformed ones. */
static wl_addr addrs[12];
static int naddrs;

static void add_addr(const wl_addr *a) {
    if (naddrs < 12) {
        addrs[naddrs++] = *a;
    } else {
        addrs[4 + pick(8)] = *a;
    }
}

static const wl_addr *any_addr(void) {
    static wl_addr bad;
    if (pick(16) == 0) {
        bad = addrs[pick((uint32_t)naddrs)];
        bad.len = (socklen_t)pick(140); /* malformed length */
        return &bad;
    }
    if (pick(32) == 0) {
        return NULL;
    }
    return &addrs[pick((uint32_t)naddrs)];
}

static const int domains[] = {AF_INET, AF_INET6, AF_UNIX};

static void create(void) {
    void *h = NULL;
    switch (pick(7)) {
    case 0:
    case 1: {
        int type = pick(2) ? SOCK_STREAM : SOCK_DGRAM;
        if (seen(wl_raw_new(domains[pick(3)], type, (wl_raw **)&h)) == 0) {
            wl_socket_set_nonblocking(wl_raw_fd(h), true);
            put(RAW, h);
        }
        break;
    }
    case 2: {
        wl_conn *a = NULL, *b = NULL;
        if (seen(wl_conn_pair(&a, &b)) == 0) {
            wl_socket_set_nonblocking(wl_conn_fd(a), true);
            wl_socket_set_nonblocking(wl_conn_fd(b), true);
            put(CONN, a);
            put(CONN, b);
        }
        break;
    }
    case 3: {
        wl_dgram_conn *a = NULL, *b = NULL;
        if (seen(wl_dgram_conn_pair(&a, &b)) == 0) {
            wl_socket_set_nonblocking(wl_dgram_conn_fd(a), true);
            wl_socket_set_nonblocking(wl_dgram_conn_fd(b), true);
            put(DGRAM_CONN, a);
            put(DGRAM_CONN, b);
        }
        break;
    }
    case 4:
        if (seen(wl_send_batch_new(domains[pick(3)], 1 + pick(8), (wl_send_batch **)&h)) == 0) {
            put(SEND_BATCH, h);
        }
        break;
    case 5:
        if (seen(wl_recv_batch_new(domains[pick(3)], 1 + pick(8), 1 + pick(2048), (wl_recv_batch **)&h)) == 0) {
            put(RECV_BATCH, h);
        }
        break;
    default:
        if (seen(wl_pipe_new(pick(2) ? 0 : 65536, (wl_pipe **)&h)) == 0) {
            put(PIPE, h);
        }
        break;
    }
}

static unsigned char buf[4096];

static void transition(struct slot *s) {
    void *out = NULL;
    long rc;
    switch (s->kind) {
    case RAW:
        switch (pick(5)) {
        case 0: rc = seen(wl_raw_bind(s->h, any_addr(), (wl_bound **)&out)); if (rc == 0) { s->kind = BOUND; s->h = out; } break;
        case 1: rc = seen(wl_raw_connect(s->h, any_addr(), (wl_conn **)&out)); if (rc == 0) { s->kind = CONN; s->h = out; } break;
        case 2: rc = seen(wl_raw_connect_nonblocking(s->h, any_addr(), (wl_pending **)&out)); if (rc == 0) { s->kind = PENDING; s->h = out; } break;
        case 3: rc = seen(wl_raw_bind_dgram(s->h, any_addr(), (wl_dgram **)&out)); if (rc == 0) { s->kind = DGRAM; s->h = out; } break;
        default: rc = seen(wl_raw_connect_dgram(s->h, any_addr(), (wl_dgram_conn **)&out)); if (rc == 0) { s->kind = DGRAM_CONN; s->h = out; } break;
        }
        break;
    case BOUND:
        if (seen(wl_bound_listen(s->h, pick(8), (wl_listener **)&out)) == 0) {
            s->kind = LISTENER;
            s->h = out;
            wl_socket_set_nonblocking(wl_listener_fd(out), true);
            wl_addr a;
            if (wl_socket_local_addr(wl_listener_fd(out), &a) == 0) {
                add_addr(&a);
            }
        }
        break;
    case PENDING:
        if (seen(wl_pending_finish(s->h, (wl_conn **)&out)) == 0) {
            s->kind = CONN;
            s->h = out;
        }
        break;
    case DGRAM:
        if (seen(wl_dgram_connect(s->h, any_addr(), (wl_dgram_conn **)&out)) == 0) {
            s->kind = DGRAM_CONN;
            s->h = out;
        }
        break;
    case LISTENER:
        if (seen(wl_listener_accept(s->h, (wl_conn **)&out, NULL)) == 0) {
            wl_socket_set_nonblocking(wl_conn_fd(out), true);
            put(CONN, out);
        }
        break;
    default:
        break;
    }
}

static void borrow(struct slot *s) {
    wl_addr a;
    size_t n = 0;
    int fds[8];
    switch (s->kind) {
    case CONN:
        switch (pick(9)) {
        case 0: seen(wl_conn_send(s->h, buf, pick(4096), MSG_DONTWAIT)); break;
        case 1: seen(wl_conn_recv(s->h, buf, pick(4096), MSG_DONTWAIT)); break;
        case 2: seen(wl_conn_shutdown(s->h, (int)pick(4))); break;
        case 3: seen(wl_conn_peer_addr(s->h, &a)); break;
        case 4: {
            wl_conn *dup = NULL;
            if (seen(wl_conn_try_clone(s->h, &dup)) == 0) {
                wl_socket_set_nonblocking(wl_conn_fd(dup), true);
                put(CONN, dup);
            }
            break;
        }
        case 5: {
            int fd = g_devnull;
            seen(wl_conn_send_fds(s->h, "f", 1, &fd, 1 + pick(2)));
            break;
        }
        case 6: {
            long rc = seen(wl_conn_recv_fds(s->h, buf, 1 + pick(8), fds, 1 + pick(8), &n));
            if (rc >= 0) {
                for (size_t i = 0; i < n; i++) {
                    close(fds[i]);
                }
            }
            break;
        }
        case 7: seen(wl_set_tcp_nodelay(wl_conn_fd(s->h), pick(2))); break;
        default: seen(wl_socket_local_addr(wl_conn_fd(s->h), &a)); break;
        }
        break;
    case DGRAM:
        switch (pick(3)) {
        case 0: seen(wl_dgram_send_to(s->h, buf, pick(2000), any_addr(), MSG_DONTWAIT)); break;
        case 1: seen(wl_dgram_recv_from(s->h, buf, pick(4096), &a, MSG_DONTWAIT)); break;
        default:
            if (seen(wl_socket_local_addr(wl_dgram_fd(s->h), &a)) == 0) {
                add_addr(&a);
            }
            break;
        }
        break;
    case DGRAM_CONN:
        switch (pick(3)) {
        case 0: seen(wl_dgram_conn_send(s->h, buf, pick(2000), MSG_DONTWAIT)); break;
        case 1: seen(wl_dgram_conn_recv(s->h, buf, pick(4096), MSG_DONTWAIT)); break;
        default: seen(wl_dgram_conn_peer_addr(s->h, &a)); break;
        }
        break;
    case SEND_BATCH: {
        const wl_addr *to = any_addr();
        seen(wl_send_batch_push(s->h, buf, pick(1500), to));
        if (pick(3) == 0) {
            seen(wl_send_batch_clear(s->h));
        }
        /* Send it from any datagram socket in the table. */
        for (int i = 0; i < SLOTS; i++) {
            if (table[i].kind == DGRAM) {
                seen(wl_dgram_send_batch(table[i].h, s->h, MSG_DONTWAIT));
                break;
            }
        }
        break;
    }
    case RECV_BATCH:
        for (int i = 0; i < SLOTS; i++) {
            if (table[i].kind == DGRAM) {
                if (seen(wl_dgram_recv_batch(table[i].h, s->h, MSG_DONTWAIT)) > 0) {
                    wl_recv_msg m;
                    seen(wl_recv_batch_get(s->h, pick(10), &m));
                }
                break;
            }
        }
        break;
    case PIPE: {
        size_t cap = 0;
        seen(wl_pipe_capacity(s->h, &cap));
        break;
    }
    case RAW: seen(wl_socket_local_addr(wl_raw_fd(s->h), &a)); break;
    case BOUND: seen(wl_socket_take_error(wl_bound_fd(s->h), fds)); break;
    case LISTENER: seen(wl_socket_set_read_timeout(wl_listener_fd(s->h), pick(3))); break;
    case PENDING: seen(wl_pending_wait(s->h, 0)); break;
    default: break;
    }
}

static void give_up(struct slot *s) {
    int fd = -1;
    switch (s->kind) {
    case RAW: fd = wl_raw_into_fd(s->h); break;
    case BOUND: fd = wl_bound_into_fd(s->h); break;
    case LISTENER: fd = wl_listener_into_fd(s->h); break;
    case CONN: fd = wl_conn_into_fd(s->h); break;
    case PENDING: fd = wl_pending_into_fd(s->h); break;
    case DGRAM: fd = wl_dgram_into_fd(s->h); break;
    case DGRAM_CONN: fd = wl_dgram_conn_into_fd(s->h); break;
    default: free_slot(s); return;
    }
    seen(fd);
    CHECK(fd >= 0);
    s->kind = EMPTY;
    s->h = NULL;
    /* Adopt it back as a raw socket sometimes (wrong state: refused, the
     * descriptor stays ours). */
    wl_raw *r = NULL;
    if (pick(2) && seen(wl_raw_from_fd(fd, &r)) == 0) {
        put(RAW, r);
        return;
    }
    close(fd);
}

static void walk(uint64_t seed, int steps) {
    rng = seed * 0x9e3779b97f4a7c15ULL | 1;
    naddrs = 0;
    wl_addr a = wl_parse("127.0.0.1:0");
    add_addr(&a);
    a = wl_parse("[::1]:0");
    add_addr(&a);
    a = wl_parse("127.0.0.1:1");
    add_addr(&a);
    char name[64];
    snprintf(name, sizeof name, "wl-hard-seq-%ld-%llu", (long)getpid(), (unsigned long long)seed);
    CHECK_OK(wl_addr_unix_abstract((const uint8_t *)name, strlen(name), &a));
    add_addr(&a);
    for (int i = 0; i < steps; i++) {
        struct slot *s = &table[pick(SLOTS)];
        uint32_t what = pick(16);
        if (s->kind == EMPTY || what < 3) {
            create();
        } else if (what < 8) {
            transition(s);
        } else if (what < 14) {
            borrow(s);
        } else if (what == 14) {
            give_up(s);
        } else {
            free_slot(s);
        }
    }
    for (int i = 0; i < SLOTS; i++) {
        free_slot(&table[i]);
    }
}

int main(void) {
    wl_test_start(300);
    hard_setup();
    int seeds = 200, steps = 2000;
    if (getenv("WL_UNDER_VALGRIND") != NULL) {
        seeds = 10;
    }
    memset(buf, 0x5a, sizeof buf);
    int before = wl_count_fds();
    for (int seed = 1; seed <= seeds; seed++) {
        walk((uint64_t)seed, steps);
        int now = wl_count_fds();
        if (now != before) {
            fprintf(stderr, "seed %d: %d descriptors leaked\n", seed, now - before);
            exit(1);
        }
    }
    hard_teardown();
    printf("call sequences (C ABI): %d seeds x %d steps, %ld calls (%ld failing), 0 descriptors leaked\n", seeds,
           steps, calls, failures);
    wl_tests_passed = seeds;
    return wl_test_end("call_sequences");
}
