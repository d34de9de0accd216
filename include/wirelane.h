/*
 * wirelane.h -- the C ABI of Wirelane: type-safe sockets, one opaque type
 * per kernel socket state.
 *
 * STATES. wl_raw (created) -> wl_bound (bound stream) -> wl_listener;
 * wl_raw -> wl_conn (connected stream) or wl_pending (non-blocking connect)
 * -> wl_conn; wl_listener accepts wl_conn; wl_raw -> wl_dgram (bound
 * datagram) -> wl_dgram_conn; wl_raw -> wl_dgram_conn. Each state is a
 * distinct struct type, so passing one state's handle where another is
 * expected does not compile (an incompatible-pointer error under -Werror).
 * Inside a wl_raw the library knows stream vs datagram and the domain; a
 * call for the other kind fails with -EPROTOTYPE and consumes nothing.
 *
 * OTHER HANDLES. Besides the states: wl_send_batch / wl_recv_batch
 * (sendmmsg / recvmmsg batches), wl_pipe (splice), wl_connector (a connect
 * by name, RFC 8305, that an event loop drives: wl_connector_fds /
 * _timeout_ms / _step), wl_inherited (the sockets a service manager passed:
 * wl_activation_listen_fds, taken typed with wl_inherited_take_*) and
 * wl_handover (listening sockets handed to a successor process:
 * wl_handover_send / wl_handover_receive). They follow the same ownership
 * and error rules.
 *
 * OWNERSHIP. Every handle is created by this library and freed exactly
 * once with its wl_<state>_free (or given up with wl_<state>_into_fd).
 * A transition (bind, listen, connect, finish, ...) consumes its input
 * handle exactly when it succeeds: on success the input pointer is dead
 * and the new handle is written to *out; on failure the input stays valid
 * and owned by the caller (as with realloc) and no output is written.
 * All arguments are checked before anything is consumed, so a NULL or
 * malformed argument never consumes or leaks a handle. Calls that only
 * borrow a handle say so.
 *
 * EVERY STATE AT ONCE. What every state can do and needs only the
 * descriptor takes the descriptor, exported once rather than per state:
 * wl_socket_domain, wl_socket_local_addr, wl_socket_set_nonblocking /
 * wl_socket_is_nonblocking, wl_socket_set_read_timeout / _read_timeout,
 * wl_socket_set_write_timeout / _write_timeout, wl_socket_take_error, and
 * every socket option (wl_set_<option>(fd, value) / wl_<option>(fd, &out),
 * generated from the option table in src/options/table.rs). Get the
 * descriptor with wl_<state>_fd(h); it stays owned by the handle.
 *
 * ERRORS. Functions return 0 (or a byte count, a descriptor, a port...)
 * on success and -errno on failure (e.g. -EADDRINUSE). A NULL handle,
 * NULL required pointer or malformed argument returns -EINVAL (never a
 * crash); a handle of the wrong type returns -EBADF (WRONG HANDLE TYPES,
 * below). wl_strerror(rc) describes a code; wl_last_error_message()
 * gives the detailed message of this thread's last failure. Blocking calls
 * return -EINTR when a signal interrupts them (no retry inside, except in
 * the looping calls: see PROGRESS). A blocking connect interrupted so
 * continues in the kernel: retry the same wl_raw_connect to resume it. Sends
 * always use MSG_NOSIGNAL: a closed peer gives -EPIPE, never SIGPIPE.
 * Every socket is close-on-exec. A Rust panic never crosses into C: it is
 * caught and returned as -EIO.
 *
 * WRONG HANDLE TYPES. Every handle begins with a tag word naming its
 * type, checked on entry by every call in every build (a load and a
 * compare). A handle passed as another type through a C cast (a wl_conn *
 * given to wl_listener_accept) returns -EBADF, consumes, frees and closes
 * nothing, and wl_last_error_message() names both types: "expected
 * wl_listener, got wl_conn". A wl_<state>_free given a handle of another
 * type frees nothing and records the same message. Freeing a handle (or a
 * transition consuming it) overwrites its tag; a later call that still
 * finds the tag reports "got a freed handle", but that is best effort:
 * using a freed handle remains undefined behaviour (the memory may have
 * been reused, even by another handle of the same type).
 *
 * PROGRESS. No call loses what it did before it failed; one convention:
 * - A call that makes one syscall (wl_conn_send / _recv / _vectored,
 *   wl_conn_sendfile, wl_splice, wl_dgram_*_sendmmsg, wl_dgram_*_send_batch,
 *   the descriptor-passing, zero-copy, GSO and metadata sends, ...) does
 *   what the kernel does: partial progress is a success whose return value
 *   says how much (fewer bytes or messages than asked), and any error is
 *   reported by the next call, the one that retries the rest. A negative
 *   return means nothing was done (-EINTR included).
 * - A call that loops until done (wl_conn_send_all, wl_conn_recv_until,
 *   wl_conn_sendfile_all, wl_splice_all) retries -EINTR itself and
 *   reports its progress through an out parameter written on success and
 *   on failure alike: *sent, *consumed, *offset (or the file position),
 *   *transferred and *in_pipe. On failure it returns -errno and the out
 *   parameter says exactly how far it got: those bytes were handed to the
 *   kernel (or into the caller's buffer), the rest were not.
 * - A call that must finish once it has started (wl_handover_send and
 *   wl_handover_receive, after the descriptors went out or in) retries
 *   -EINTR itself.
 * Each call's documentation names its case.
 *
 * EVENT LOOPS. WL_NONBLOCK makes a handle non-blocking from birth
 * (wl_raw_open, wl_listener_accept_flags, wl_conn_pair_flags,
 * wl_dgram_conn_pair_flags; the builders' nonblocking field; for the other
 * kinds wl_seqpacket_raw_new, wl_seqpacket_listener_accept_flags,
 * wl_seqpacket_pair_flags, wl_icmp_raw_new, wl_rawip_raw_new): no fcntl.
 * A call that would wait then returns -EAGAIN having done nothing; each
 * call's "-EAGAIN:" paragraph says what is kept and which readiness
 * (WL_READABLE, WL_WRITABLE) to wait for. A thread blocked in accept or a
 * receive is woken by wl_listener_shutdown, wl_conn_shutdown,
 * wl_dgram_shutdown or wl_dgram_conn_shutdown (for seqpacket sockets
 * wl_seqpacket_listener_shutdown and wl_seqpacket_shutdown). A blocking connect is a
 * transition (no other thread may touch its handle): bound it with the
 * write timeout, or connect without blocking (wl_raw_connect_nonblocking,
 * whose wl_pending_wait takes a timeout).
 *
 * THREADS. Handles are not locked internally. Calls that borrow a handle
 * (send, recv, accept, fd, options, ...) may run on one handle from
 * several threads at once; the kernel serializes them. A transition or
 * free needs exclusive use: freeing or transitioning a handle while
 * another thread uses it is the caller's bug. The last error is per thread.
 *
 * SAFETY CONTRACT. Pointers are NULL or valid for the documented size;
 * handles are live and come from this library; buffers hold the given
 * length. The send/recv paths allocate nothing.
 *
 * BOUNDED INPUT. A (pointer, length) argument is never read past its
 * length (a sockaddr_un whose sun_path holds 108 bytes and no NUL, with
 * len = sizeof(struct sockaddr_un), is read to its end and no further); a
 * const char * argument is a NUL-terminated string, read up to its NUL
 * (wl_addr_parse_n takes text with a length instead). Lengths and counts
 * are checked against the kernel's limits before use, and a refused call
 * changes nothing: a length over SSIZE_MAX or a count over WL_IOV_MAX /
 * WL_MAX_BATCH is refused with a message naming the limit, as is a UDP
 * datagram over 65507 (IPv4) / 65527 (IPv6) bytes in a batch.
 */

#ifndef WIRELANE_H
#define WIRELANE_H

/*
 * Generated by cbindgen 0.29.4 from src/ffi/ -- do not edit by hand.
 * Regenerate: WIRELANE_BLESS=1 cargo test --test ffi_header
 */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>
/**
 * The version of the library this header belongs to, as a string.
 */
#define WIRELANE_VERSION "0.1.0"


/**
 * The major version of the library this header belongs to.
 */
#define WIRELANE_VERSION_MAJOR 0

/**
 * The minor version of the library this header belongs to.
 */
#define WIRELANE_VERSION_MINOR 1

/**
 * The patch version of the library this header belongs to.
 */
#define WIRELANE_VERSION_PATCH 0

/**
 * A buffer size that holds any formatted `wl_addr`, NUL included (the
 * longest is an abstract Unix name of 107 non-printable bytes, each shown
 * as a 4-byte `\xNN` escape).
 */
#define WL_ADDR_STRLEN 512

/**
 * The most messages one batch call handles (`UIO_MAXIOV`):
 * `wirelane::batch::MAX_BATCH`.
 */
#define WL_MAX_BATCH 1024

/**
 * `MSG_WAITFORONE` for `wl_dgram_recv_batch`: wait for one datagram,
 * then take only what is already queued (`recvmmsg(2)`). The same value
 * as `MSG_WAITFORONE` in `<sys/socket.h>`, which strict C11 hides.
 */
#define WL_MSG_WAITFORONE 65536

/**
 * The number of instructions `wl_bpf_steer_by_cpu` and
 * `wl_bpf_steer_by_hash` write (an array this long always suffices).
 */
#define WL_BPF_STEER_LEN 3

/**
 * The longest program the kernel accepts (`BPF_MAXINSNS`).
 */
#define WL_BPF_MAXINSNS 4096

/**
 * Control space that holds every receive-side message
 * `wl_dgram_recv_meta` decodes at once
 * (`wirelane::meta::RECV_CONTROL_SPACE`): size `wl_dgram_recv_cmsg`'s
 * buffer with at least this to never see `MSG_CTRUNC` for them.
 */
#define WL_UDP_RECV_CONTROL_SPACE 328

/**
 * The most segments one GSO send may produce:
 * `wirelane::batch::MAX_UDP_SEGMENTS`.
 */
#define WL_MAX_UDP_SEGMENTS 64

/**
 * The most buffers one vectored send or receive takes (`IOV_MAX` in
 * `<limits.h>`, `UIO_MAXIOV` in the kernel), which strict C11 hides.
 * More is refused with `-EMSGSIZE` (what `sendmsg(2)` would return),
 * with a message naming the count.
 */
#define WL_IOV_MAX 1024

/**
 * Flag for `wl_raw_open`, `wl_listener_accept_flags`, `wl_conn_pair_flags`
 * and `wl_dgram_conn_pair_flags`, and for the other kinds'
 * `wl_seqpacket_raw_new`, `wl_seqpacket_listener_accept_flags`,
 * `wl_seqpacket_pair_flags`, `wl_icmp_raw_new` and `wl_rawip_raw_new`:
 * the new descriptor is non-blocking from
 * birth (`SOCK_NONBLOCK` given to `socket(2)` / `accept4(2)` /
 * `socketpair(2)`; no `fcntl`). A call that would wait on it returns
 * `-EAGAIN` instead (see each call). Close-on-exec is always on and needs
 * no flag. Its value is Wirelane's own, not `SOCK_NONBLOCK`'s.
 */
#define WL_NONBLOCK 1

/**
 * `POLLIN` for `wl_wait`: data to read (or a connection to accept).
 */
#define WL_READABLE 1

/**
 * `POLLPRI` for `wl_wait`: urgent data.
 */
#define WL_PRIORITY 2

/**
 * `POLLOUT` for `wl_wait`: room to write (or a connect resolved).
 */
#define WL_WRITABLE 4

/**
 * `POLLERR` (always reported): an error is pending.
 */
#define WL_ERROR 8

/**
 * `POLLHUP` (always reported): both directions are shut.
 */
#define WL_HANGUP 16

/**
 * `POLLRDHUP`: the peer shut down writing (end of stream).
 */
#define WL_READ_HANGUP 8192

/**
 * Receive or send the ECN codepoint (`IP_RECVTOS`/`IPV6_RECVTCLASS`;
 * `IP_TOS`/`IPV6_TCLASS`).
 */
#define WL_META_ECN 1

/**
 * Receive the destination address and interface / send from a source
 * address and interface (pktinfo).
 */
#define WL_META_ADDR 2

/**
 * Receive / send the TTL or hop limit.
 */
#define WL_META_TTL 4

/**
 * Receive the kernel timestamp (`SO_TIMESTAMPNS`).
 */
#define WL_META_TIMESTAMP 8

/**
 * Receive: the GRO segment size is set / send: a GSO segment size.
 */
#define WL_META_SEGMENT 16

/**
 * Receive: the control data was truncated (`MSG_CTRUNC`).
 */
#define WL_META_CTRUNC 32

/**
 * Queue ICMP and local errors with their details (`IP_RECVERR` /
 * `IPV6_RECVERR`), read with `wl_dgram_recv_error`.
 */
#define WL_META_ERRORS 64

/**
 * Receive software receive timestamps through `SO_TIMESTAMPING`
 * (`SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE`), reported
 * like `WL_META_TIMESTAMP` (`ts_sec` / `ts_nsec`, `CLOCK_REALTIME`).
 */
#define WL_META_SOFTWARE_TIMESTAMP 128

/**
 * `IP_PMTUDISC_DONT`: never set DF; the kernel may fragment.
 */
#define WL_PMTUDISC_DONT 0

/**
 * `IP_PMTUDISC_WANT`: the route's default.
 */
#define WL_PMTUDISC_WANT 1

/**
 * `IP_PMTUDISC_DO`: always set DF; a send above the path MTU fails with
 * `-EMSGSIZE`.
 */
#define WL_PMTUDISC_DO 2

/**
 * `IP_PMTUDISC_PROBE`: set DF, ignore the path MTU (QUIC's own probing).
 */
#define WL_PMTUDISC_PROBE 3

/**
 * `IP_PMTUDISC_INTERFACE`: the interface MTU, never fragment locally.
 */
#define WL_PMTUDISC_INTERFACE 4

/**
 * `IP_PMTUDISC_OMIT`: like `WL_PMTUDISC_INTERFACE`, but fragment packets
 * that exceed it.
 */
#define WL_PMTUDISC_OMIT 5

/**
 * `SPLICE_F_MOVE`: move pages instead of copying where possible (a hint).
 */
#define WL_SPLICE_F_MOVE 1

/**
 * `SPLICE_F_NONBLOCK`: do not block on the pipe.
 */
#define WL_SPLICE_F_NONBLOCK 2

/**
 * `SPLICE_F_MORE`: more data follows, like `MSG_MORE`.
 */
#define WL_SPLICE_F_MORE 4

/**
 * `SPLICE_F_GIFT`: only meaningful for `vmsplice(2)`.
 */
#define WL_SPLICE_F_GIFT 8

/**
 * A stream socket bound to a local address (`BoundSocket<D, Stream>`),
 * not yet listening. Its one transition is `wl_bound_listen`.
 */
typedef struct wl_bound wl_bound;

/**
 * A connected stream (`ConnectedStream<D>`): TCP over IPv4/IPv6, or a
 * Unix stream. From `wl_raw_connect`, `wl_listener_accept`,
 * `wl_pending_finish`, `wl_conn_pair` or `wl_conn_from_fd`.
 *
 * Sends use `MSG_NOSIGNAL`: a closed peer gives `-EPIPE`, never
 * `SIGPIPE`. One thread may send while another receives on the same
 * handle (the kernel serializes them).
 */
typedef struct wl_conn wl_conn;

/**
 * A connect by name in progress (`HappyEyeballs`): the race of RFC 8305
 * as a handle an event loop drives, from `wl_connector_start` or
 * `wl_connector_start_addrs`.
 *
 * Drive it: wait until one of `wl_connector_fds` is writable (`POLLOUT` /
 * `EPOLLOUT`) or `wl_connector_timeout_ms` passes, then call
 * `wl_connector_step`; re-read the descriptors after every step, they
 * change. Freeing it closes every attempt in flight, so cancelling leaves
 * no half-open socket. The winning `wl_conn` is non-blocking.
 */
typedef struct wl_connector wl_connector;

/**
 * A bound datagram socket (`BoundDatagram<D>`): it sends to and receives
 * from anyone, naming the peer on each `wl_dgram_send_to` and learning it
 * on each `wl_dgram_recv_from`. `wl_dgram_connect` fixes one peer.
 */
typedef struct wl_dgram wl_dgram;

/**
 * A datagram socket locked to one peer (`ConnectedDatagram<D>`): sends
 * and receives take no address and the kernel drops datagrams from anyone
 * else (the way QUIC uses UDP).
 */
typedef struct wl_dgram_conn wl_dgram_conn;

/**
 * The sockets to hand to a successor, with their names (a listener, a
 * bound or a connected datagram socket each; connected streams are not
 * handed over). The handle BORROWS the socket handles added to it: they
 * must stay live until `wl_handover_send` has returned (or the
 * `wl_handover` is freed). Free with `wl_handover_free`.
 */
typedef struct wl_handover wl_handover;

/**
 * A bound ICMP echo socket (`BoundDatagram<D, Icmp>`): it sends echo
 * requests to any host (`wl_icmp_send_echo_to`) and receives the replies
 * (`wl_icmp_recv_echo_from`). `wl_icmp_connect` fixes one host.
 */
typedef struct wl_icmp wl_icmp;

/**
 * An ICMP echo socket locked to one host (`ConnectedDatagram<D, Icmp>`):
 * `wl_icmp_conn_send_echo` / `wl_icmp_conn_recv_echo` take no address and
 * only that host's replies arrive.
 */
typedef struct wl_icmp_conn wl_icmp_conn;

/**
 * A fresh ICMP echo socket (`RawSocket<D, Icmp>`, IPv4 or IPv6): it can
 * `wl_icmp_raw_bind` (ping anyone) or `wl_icmp_raw_connect` (ping one
 * host). Options that must precede binding (`SO_BINDTODEVICE`, ...) are
 * set on its descriptor.
 */
typedef struct wl_icmp_raw wl_icmp_raw;

/**
 * Descriptors inherited by this process, with names: from socket
 * activation (`wl_activation_listen_fds`) or a predecessor's handover
 * (`wl_handover_receive`). Take each as its typed handle
 * (`wl_inherited_take_listener`, ...); a descriptor that fails its check
 * stays in the set. Every descriptor is close-on-exec; whatever is never
 * taken is closed by `wl_inherited_free`.
 */
typedef struct wl_inherited wl_inherited;

/**
 * A listening stream socket (`Listener<D>`): it accepts connections.
 * Accepting does not consume the listener.
 */
typedef struct wl_listener wl_listener;

/**
 * A stream connect that has been started but may not have completed
 * (`PendingConnect<D>`), from `wl_raw_connect_nonblocking`. Register
 * `wl_pending_fd` for writability with your event loop (or call
 * `wl_pending_wait`), then `wl_pending_finish`.
 */
typedef struct wl_pending wl_pending;

/**
 * A pipe for `splice` (`wirelane::zerocopy::Pipe`): both ends
 * close-on-exec, closed together by `wl_pipe_free`.
 */
typedef struct wl_pipe wl_pipe;

/**
 * A freshly created socket (`RawSocket<D, T>`): not bound, not connected.
 *
 * Stream sockets can `wl_raw_bind` (then listen), `wl_raw_connect` or
 * `wl_raw_connect_nonblocking`; datagram sockets can `wl_raw_bind_dgram`
 * or `wl_raw_connect_dgram`. Calling a stream transition on a datagram
 * socket (or the reverse) fails with `-EPROTOTYPE` and consumes nothing.
 */
typedef struct wl_raw wl_raw;

/**
 * A bound raw IP socket (`BoundDatagram<D, RawIp>`): it sends payloads to
 * any host (`wl_rawip_send_to`) and receives every packet of its protocol
 * (`wl_rawip_recv_from`; for IPv4 with the IP header in front).
 */
typedef struct wl_rawip wl_rawip;

/**
 * A raw IP socket locked to one host (`ConnectedDatagram<D, RawIp>`):
 * sends and receives take no address, packets from other hosts are
 * dropped.
 */
typedef struct wl_rawip_conn wl_rawip_conn;

/**
 * A fresh raw IP socket of one protocol (`RawSocket<D, RawIp>`, IPv4 or
 * IPv6): it can `wl_rawip_raw_bind` or `wl_rawip_raw_connect`. Options
 * such as `IP_HDRINCL` are set on its descriptor.
 */
typedef struct wl_rawip_raw wl_rawip_raw;

/**
 * A reusable batch of receive slots for one `recvmmsg(2)` (`RecvBatch`),
 * for one domain. Not thread-safe: one thread at a time.
 */
typedef struct wl_recv_batch wl_recv_batch;

/**
 * Reusable per-datagram storage for `wl_dgram_recv_slots` (sender,
 * `WL_UDP_RECV_CONTROL_SPACE` bytes of control data and the kernel
 * header per slot), for one domain. Not thread-safe: one thread at a time.
 */
typedef struct wl_recv_slots wl_recv_slots;

/**
 * A reusable batch of outgoing datagrams for one `sendmmsg(2)`
 * (`SendBatch`), for one domain. It borrows the payloads: each buffer
 * passed to `wl_send_batch_push` must stay valid until the batch is
 * cleared, sent for the last time, or freed. Not thread-safe: one thread
 * at a time.
 */
typedef struct wl_send_batch wl_send_batch;

/**
 * A connected Unix seqpacket socket (`ConnectedSeqPacket`): reliable and
 * ordered like a stream, but message by message. Each `wl_seqpacket_send`
 * is delivered as one message, whole or not at all; each
 * `wl_seqpacket_recv` returns exactly one, and reports a message longer
 * than the buffer instead of cutting it silently.
 *
 * Sends use `MSG_NOSIGNAL`: a closed peer gives `-EPIPE`, never `SIGPIPE`.
 */
typedef struct wl_seqpacket wl_seqpacket;

/**
 * A bound, not yet listening Unix seqpacket socket
 * (`BoundSocket<Unix, SeqPacket>`): its one transition is
 * `wl_seqpacket_bound_listen`.
 */
typedef struct wl_seqpacket_bound wl_seqpacket_bound;

/**
 * A listening Unix seqpacket socket (`Listener<Unix, SeqPacket>`): it
 * accepts `wl_seqpacket` connections. Accepting does not consume it.
 * Register `wl_seqpacket_listener_fd` for readability to learn of
 * pending connections.
 */
typedef struct wl_seqpacket_listener wl_seqpacket_listener;

/**
 * A fresh Unix seqpacket socket (`RawSocket<Unix, SeqPacket>`): it can
 * `wl_seqpacket_raw_bind` (then listen) or `wl_seqpacket_raw_connect`.
 */
typedef struct wl_seqpacket_raw wl_seqpacket_raw;

/**
 * A socket address of any supported family (IPv4, IPv6, Unix), stored the
 * way the kernel takes it: a `struct sockaddr_storage` and the length of
 * its meaningful prefix.
 *
 * A plain value: copy it freely, no cleanup. `(const struct sockaddr *)&a.storage`
 * and `a.len` can be passed straight to `bind(2)`, `connect(2)` or
 * `sendto(2)`. Build one with `wl_addr_parse`, `wl_addr_ipv4`,
 * `wl_addr_ipv6`, `wl_addr_unix`, `wl_addr_unix_abstract` or
 * `wl_addr_from_sockaddr`; functions that take a `wl_addr` check the
 * family and length and fail with `-EAFNOSUPPORT` / `-EINVAL` on a
 * mismatch.
 */
typedef struct {
    /**
     * The address, in kernel form (`sockaddr_in`, `sockaddr_in6` or
     * `sockaddr_un` at the start of the storage).
     */
    struct sockaddr_storage storage;
    /**
     * The length of the meaningful prefix of `storage`, in bytes.
     */
    socklen_t len;
} wl_addr;

/**
 * One datagram of `wl_dgram_sendmmsg`.
 */
typedef struct {
    /**
     * The payload.
     */
    const void *buf;
    /**
     * The payload's length.
     */
    size_t len;
    /**
     * The destination (same family as the socket).
     */
    const wl_addr *to;
} wl_mmsg;

/**
 * One datagram received into a `wl_recv_batch` (`RecvMsg`), from
 * `wl_recv_batch_get`.
 */
typedef struct {
    /**
     * The bytes received, inside the batch: valid until the next receive
     * into the batch or its free.
     */
    const uint8_t *data;
    /**
     * How many bytes of `data` are valid (at most the slot size).
     */
    size_t data_len;
    /**
     * `msg_len`: the bytes received, or with `MSG_TRUNC` the datagram's
     * real length.
     */
    size_t len;
    /**
     * The kernel's `msg_flags` (`MSG_TRUNC`, `MSG_CTRUNC`, ...).
     */
    int flags;
    /**
     * Whether the datagram was longer than its slot and was cut.
     */
    bool truncated;
    /**
     * The `UDP_GRO` segment size when the kernel coalesced several
     * datagrams into this one (split `data` every `gro_segment` bytes),
     * 0 otherwise.
     */
    uint16_t gro_segment;
    /**
     * The sender's address.
     */
    wl_addr source;
} wl_recv_msg;

/**
 * Metadata for one outgoing datagram (`wirelane::meta::SendMeta`).
 */
typedef struct {
    /**
     * Which fields below to use (`WL_META_ECN`, `WL_META_ADDR`,
     * `WL_META_TTL`, `WL_META_SEGMENT`).
     */
    uint32_t present;
    /**
     * ECN codepoint (0 to 3).
     */
    uint8_t ecn;
    /**
     * TTL / hop limit (1 to 255).
     */
    uint8_t ttl;
    /**
     * GSO segment size.
     */
    uint16_t segment_size;
    /**
     * Outgoing interface, 0 for routing's choice.
     */
    uint32_t ifindex;
    /**
     * Source address (its port is ignored).
     */
    wl_addr src;
} wl_udp_send_meta;

/**
 * One received datagram's metadata (`wirelane::meta::RecvMeta`).
 */
typedef struct {
    /**
     * Bytes received.
     */
    size_t len;
    /**
     * Which fields below are set (`WL_META_*`), and `WL_META_CTRUNC`.
     */
    uint32_t present;
    /**
     * ECN codepoint (0 to 3), with `WL_META_ECN`.
     */
    uint8_t ecn;
    /**
     * TTL / hop limit, with `WL_META_TTL`.
     */
    uint8_t ttl;
    /**
     * GRO segment size, with `WL_META_SEGMENT`.
     */
    uint16_t gro_segment;
    /**
     * Arrival interface index, with `WL_META_ADDR`.
     */
    uint32_t ifindex;
    /**
     * Receive time (`CLOCK_REALTIME`), with `WL_META_TIMESTAMP`.
     */
    int64_t ts_sec;
    /**
     * Nanoseconds of `ts_sec`.
     */
    uint32_t ts_nsec;
    /**
     * The sender.
     */
    wl_addr source;
    /**
     * The destination address in the IP header (port 0), with
     * `WL_META_ADDR`.
     */
    wl_addr dst;
} wl_udp_recv_meta;

/**
 * Address reuse (`ReuseConfig`): `SO_REUSEADDR` and `SO_REUSEPORT` (see
 * `socket(7)`), set before `bind`. IPv4/IPv6 only.
 */
typedef struct {
    /**
     * `SO_REUSEADDR`: rebind a port still in `TIME_WAIT` (server restarts).
     */
    bool addr;
    /**
     * `SO_REUSEPORT`: several sockets share one address and port; the
     * kernel balances connections or datagrams across them.
     */
    bool port;
} wl_reuse_config;

/**
 * Kernel buffer sizes (`BufferConfig`): `SO_SNDBUF` and `SO_RCVBUF` (see
 * `socket(7)`). 0 keeps the kernel default (and TCP autotuning).
 */
typedef struct {
    /**
     * Requested send buffer in bytes, 0 for the default.
     */
    size_t send;
    /**
     * Requested receive buffer in bytes, 0 for the default.
     */
    size_t recv;
} wl_buffer_config;

/**
 * TCP keepalive (`KeepaliveConfig`, see `tcp(7)`). With `enable` set,
 * `SO_KEEPALIVE` is turned on and the non-zero parts are set; zero parts
 * keep the `net.ipv4.tcp_keepalive_*` defaults.
 */
typedef struct {
    /**
     * Turns keepalive on.
     */
    bool enable;
    /**
     * `TCP_KEEPIDLE`: idle seconds before the first probe (1..=32767).
     */
    uint32_t idle_secs;
    /**
     * `TCP_KEEPINTVL`: seconds between probes (1..=32767).
     */
    uint32_t interval_secs;
    /**
     * `TCP_KEEPCNT`: unanswered probes before the connection drops (1..=127).
     */
    uint32_t count;
} wl_keepalive_config;

/**
 * TCP settings (`TcpConfig`, see `tcp(7)`). IPv4/IPv6 only. On a listener
 * they are set before `listen` and Linux copies them to every accepted
 * connection.
 */
typedef struct {
    /**
     * `TCP_NODELAY`: send small writes at once (no Nagle delay).
     */
    bool nodelay;
    /**
     * Keepalive.
     */
    wl_keepalive_config keepalive;
    /**
     * `TCP_USER_TIMEOUT` in milliseconds, 0 for the default.
     */
    uint32_t user_timeout_ms;
    /**
     * `TCP_CONGESTION` algorithm name (e.g. `"cubic"`), NULL for the
     * default. Only read during the call.
     */
    const char *congestion;
} wl_tcp_config;

/**
 * `ListenerBuilder`: create, configure, bind and listen in one call
 * (`wl_listener_build`).
 */
typedef struct {
    /**
     * Address reuse (IPv4/IPv6).
     */
    wl_reuse_config reuse;
    /**
     * Buffer sizes, inherited by accepted connections.
     */
    wl_buffer_config buffers;
    /**
     * TCP settings (IPv4/IPv6), inherited by accepted connections.
     */
    wl_tcp_config tcp;
    /**
     * `listen(2)` backlog; 0 means the builder's default, 128.
     */
    uint32_t backlog;
    /**
     * `TCP_FASTOPEN` queue length (IPv4/IPv6); 0 leaves Fast Open off.
     */
    uint32_t fastopen_qlen;
    /**
     * `IPV6_V6ONLY` on (IPv6 only); false leaves the system default.
     */
    bool only_v6;
    /**
     * Creates the listener non-blocking from birth (`SOCK_NONBLOCK` at
     * `socket(2)`, no `fcntl`): accept then returns `-EAGAIN` when nothing
     * is queued. Accepted connections get their own mode
     * (`wl_listener_accept_flags`).
     */
    bool nonblocking;
} wl_listener_config;

/**
 * `ConnectorBuilder`: create, configure, optionally bind, and connect in
 * one call (`wl_connector_connect`, `wl_connector_connect_nonblocking`).
 */
typedef struct {
    /**
     * Address reuse (IPv4/IPv6), useful with `local_addr`.
     */
    wl_reuse_config reuse;
    /**
     * Buffer sizes.
     */
    wl_buffer_config buffers;
    /**
     * TCP settings (IPv4/IPv6).
     */
    wl_tcp_config tcp;
    /**
     * Local address to bind before connecting (source port/interface), or
     * NULL to let the kernel pick. Only read during the call.
     */
    const wl_addr *local_addr;
    /**
     * Bound on a blocking connect in milliseconds (fails with
     * `-ETIMEDOUT`); 0 waits as long as the kernel does.
     */
    uint64_t timeout_ms;
    /**
     * Makes the connected stream non-blocking once connected (one
     * `fcntl` after the blocking connect; `wl_connector_connect_nonblocking`
     * needs no flag, its socket is non-blocking throughout).
     */
    bool nonblocking;
} wl_connector_config;

/**
 * `DatagramBuilder`: create, configure and bind or connect in one call
 * (`wl_datagram_bind`, `wl_datagram_connect`).
 */
typedef struct {
    /**
     * Address reuse (IPv4/IPv6).
     */
    wl_reuse_config reuse;
    /**
     * Buffer sizes.
     */
    wl_buffer_config buffers;
    /**
     * `IP_TTL` / `IPV6_UNICAST_HOPS` (IPv4/IPv6); 0 keeps the default.
     */
    uint32_t ttl;
    /**
     * `SO_BROADCAST` on (IPv4 only).
     */
    bool broadcast;
    /**
     * `IPV6_V6ONLY` on (IPv6 only); false leaves the system default.
     */
    bool only_v6;
    /**
     * Creates the socket non-blocking from birth (`SOCK_NONBLOCK` at
     * `socket(2)`, no `fcntl`): receives with nothing queued and sends with
     * no room return `-EAGAIN`.
     */
    bool nonblocking;
} wl_datagram_config;

/**
 * One classic BPF instruction, laid out as `struct sock_filter`
 * (`linux/filter.h`), so a `wl_bpf_insn` array can be filled with the
 * kernel's `BPF_STMT` / `BPF_JUMP` macros too.
 */
typedef struct {
    /**
     * The opcode (`BPF_LD | BPF_W | BPF_ABS`, ...).
     */
    uint16_t code;
    /**
     * The jump offset when a conditional jump's test is true.
     */
    uint8_t jt;
    /**
     * The jump offset when it is false.
     */
    uint8_t jf;
    /**
     * The constant operand.
     */
    uint32_t k;
} wl_bpf_insn;

/**
 * One control message found in a buffer by `wl_cmsg_first` /
 * `wl_cmsg_next`, and the cursor for the next call.
 */
typedef struct {
    /**
     * Offset of this message's header in the buffer.
     */
    size_t offset;
    /**
     * Offset where the following message starts: the cursor
     * `wl_cmsg_next` reads.
     */
    size_t next;
    /**
     * `cmsg_level` (`SOL_SOCKET`, `IPPROTO_IP`, `IPPROTO_IPV6`,
     * `SOL_UDP`, ...).
     */
    int cmsg_level;
    /**
     * `cmsg_type` (`IP_TOS`, `IPV6_PKTINFO`, `SCM_TIMESTAMPNS`, ...).
     */
    int cmsg_type;
    /**
     * The message's data, inside the caller's buffer (`CMSG_DATA`).
     */
    const uint8_t *data;
    /**
     * Bytes of `data` (`cmsg_len - CMSG_LEN(0)`).
     */
    size_t data_len;
} wl_cmsg;

/**
 * What `wl_dgram_recv_cmsg` / `wl_dgram_conn_recv_cmsg` received
 * besides the payload.
 */
typedef struct {
    /**
     * Bytes received (with `MSG_TRUNC` in the call's flags, the
     * datagram's real length).
     */
    size_t len;
    /**
     * The kernel's `msg_flags` (`MSG_TRUNC`, `MSG_CTRUNC`, ...).
     */
    int flags;
    /**
     * The datagram was longer than the buffer and was cut (`MSG_TRUNC`).
     */
    bool truncated;
    /**
     * The control buffer was too small and the kernel cut the control
     * data (`MSG_CTRUNC`): the messages after the cut are lost.
     */
    bool control_truncated;
    /**
     * Bytes of control data the kernel wrote (`msg_controllen`): walk
     * exactly these with `wl_cmsg_first`.
     */
    size_t control_len;
    /**
     * The sender (the peer on a connected socket).
     */
    wl_addr source;
} wl_cmsg_recv;

/**
 * One error read from the error queue (`wirelane::meta::QueuedError`):
 * the kernel's `sock_extended_err` with the offender's address.
 */
typedef struct {
    /**
     * Bytes of the offending datagram's payload copied into the buffer.
     */
    size_t len;
    /**
     * `ee_errno`: `ECONNREFUSED` for ICMP port unreachable, `EMSGSIZE`
     * for "fragmentation needed", ...
     */
    int32_t error;
    /**
     * `ee_origin` (`SO_EE_ORIGIN_LOCAL` 1, `_ICMP` 2, `_ICMP6` 3, ...).
     */
    uint8_t origin;
    /**
     * `ee_type`: the ICMP type for ICMP origins.
     */
    uint8_t icmp_type;
    /**
     * `ee_code`: the ICMP code for ICMP origins.
     */
    uint8_t icmp_code;
    /**
     * `ee_info`: for `EMSGSIZE`, the path MTU the router reported.
     */
    uint32_t info;
    /**
     * `ee_data`.
     */
    uint32_t data;
    /**
     * The node that reported the error (`SO_EE_OFFENDER`, port 0);
     * `AF_UNSPEC` (len 0) for local errors.
     */
    wl_addr offender;
    /**
     * Where the offending datagram was going; `AF_UNSPEC` (len 0) when
     * the kernel did not say.
     */
    wl_addr destination;
} wl_udp_queued_error;

/**
 * Credentials of a Unix peer, as the kernel recorded them at connect time
 * (`SO_PEERCRED`, see `unix(7)`).
 */
typedef struct {
    /**
     * The peer's process id.
     */
    pid_t pid;
    /**
     * The peer's effective user id.
     */
    uid_t uid;
    /**
     * The peer's effective group id.
     */
    gid_t gid;
} wl_ucred;

/**
 * Options of a connect by name. Zero-initialise it (`= {0}`) for the
 * defaults and set what you need; every function that takes one also
 * accepts NULL for all defaults.
 */
typedef struct {
    /**
     * The Connection Attempt Delay in milliseconds (RFC 8305 §5): how long
     * one attempt runs alone before the next address starts beside it.
     * 0: the default, 250 ms; values below 10 ms are raised to 10.
     */
    uint32_t attempt_delay_ms;
    /**
     * The overall deadline in milliseconds, covering resolution and every
     * attempt; past it the call fails with `-ETIMEDOUT`. 0: none.
     */
    uint32_t timeout_ms;
    /**
     * Binds every attempt to this source address first (port 0: any);
     * only resolved addresses of its family are tried. NULL: none.
     */
    const wl_addr *source;
    /**
     * TCP Fast Open (RFC 7413): these `fastopen_len` bytes travel in the
     * SYN (`MSG_FASTOPEN`) when the kernel has a cookie for the server,
     * and are written right after the handshake otherwise. NULL / 0: no
     * Fast Open. Streams only.
     */
    const uint8_t *fastopen_data;
    /**
     * The length of `fastopen_data`.
     */
    size_t fastopen_len;
    /**
     * The timeout of each connection attempt in milliseconds: an attempt
     * with no answer by then fails (`ETIMEDOUT`, reported among the
     * attempts), is closed, and the next address starts at once -- the
     * `timeout` of Python's `socket.create_connection`. Unlike
     * `timeout_ms` it bounds each attempt, not the whole call. 0: none.
     */
    uint32_t attempt_timeout_ms;
} wl_connect_opts;

/**
 * One failed attempt of a connect by name: the address tried and why it
 * failed.
 */
typedef struct {
    /**
     * The address tried.
     */
    wl_addr addr;
    /**
     * Its error, a positive errno (`ECONNREFUSED`, `ETIMEDOUT` when the
     * deadline cut it short, ...).
     */
    int error;
} wl_connect_failure;

/**
 * What a segmented send did (`SegmentedSend`).
 */
typedef struct {
    /**
     * Payload bytes sent, over all datagrams.
     */
    size_t bytes;
    /**
     * Datagrams sent.
     */
    size_t datagrams;
    /**
     * True when the kernel segmented one send (GSO); false when it
     * refused and the segments went out as separate datagrams through
     * `sendmmsg`.
     */
    bool offloaded;
    /**
     * The kernel's error for the refused GSO send (positive errno:
     * `EIO`, `EINVAL`, `ENOPROTOOPT`, `EOPNOTSUPP`), 0 when offloaded.
     */
    int fallback_errno;
} wl_segmented_send;

/**
 * One received echo reply (`EchoReply`): the header fields, and how many
 * payload bytes were written to the caller's buffer.
 */
typedef struct {
    /**
     * The identifier: this socket's (the kernel delivers only replies
     * carrying it); equal to `wl_icmp_ident`.
     */
    uint16_t ident;
    /**
     * The sequence number, copied by the peer from the request.
     */
    uint16_t seq;
    /**
     * The payload length (the bytes now at the front of the buffer).
     */
    size_t len;
} wl_echo_reply;

/**
 * A snapshot of a TCP socket's state and statistics (`TCP_INFO`, see
 * `tcp(7)`), filled by `wl_get_tcp_info`: the fields of `wirelane::TcpInfo`,
 * with durations in microseconds (`*_us`) and the state as the kernel's
 * number.
 *
 * On a listening socket `unacked` is the number of connections waiting
 * in the accept queue and `sacked` the queue's limit. Fields an older
 * kernel does not report are zero; `reported_len` says how many bytes of
 * `struct tcp_info` the kernel filled.
 */
typedef struct {
    /**
     * The connection state. The kernel's number: `TCP_ESTABLISHED` = 1 ... `TCP_LISTEN` = 10 (see
     * `netinet/tcp.h`).
     */
    uint8_t state;
    /**
     * Congestion-avoidance state: 0 open, 1 disorder, 2 CWR, 3 recovery, 4 loss.
     */
    uint8_t ca_state;
    /**
     * Consecutive retransmissions of the segment at the head of the queue.
     */
    uint8_t retransmits;
    /**
     * Unanswered zero-window or keepalive probes.
     */
    uint8_t probes;
    /**
     * Exponential backoff of the retransmission timer.
     */
    uint8_t backoff;
    /**
     * Negotiated options, bits `TCPI_OPT_*`: 1 timestamps, 2 SACK, 4 window scaling, 8 ECN, 16 ECN
     * seen, 32 data in SYN, 64 µs timestamps.
     */
    uint8_t options;
    /**
     * Our window-scale shift.
     */
    uint8_t snd_wscale;
    /**
     * The peer's window-scale shift.
     */
    uint8_t rcv_wscale;
    /**
     * Whether the last delivery-rate sample was application limited (4.9+).
     */
    bool delivery_rate_app_limited;
    /**
     * Why client Fast Open fell back, 0 if it did not (5.5+).
     */
    uint8_t fastopen_client_fail;
    /**
     * Retransmission timeout. In microseconds.
     */
    uint64_t rto_us;
    /**
     * Delayed-ACK timeout. In microseconds.
     */
    uint64_t ato_us;
    /**
     * Maximum segment size for sending.
     */
    uint32_t snd_mss;
    /**
     * Maximum segment size seen from the peer.
     */
    uint32_t rcv_mss;
    /**
     * Segments sent and not yet acknowledged.
     */
    uint32_t unacked;
    /**
     * Segments selectively acknowledged (SACK).
     */
    uint32_t sacked;
    /**
     * Segments considered lost.
     */
    uint32_t lost;
    /**
     * Segments retransmitted and not yet acknowledged.
     */
    uint32_t retrans;
    /**
     * Time since data was last sent. In microseconds.
     */
    uint64_t last_data_sent_us;
    /**
     * Time since data was last received. In microseconds.
     */
    uint64_t last_data_recv_us;
    /**
     * Time since an ACK was last received. In microseconds.
     */
    uint64_t last_ack_recv_us;
    /**
     * Path MTU.
     */
    uint32_t pmtu;
    /**
     * Receive slow-start threshold.
     */
    uint32_t rcv_ssthresh;
    /**
     * Smoothed round-trip time. In microseconds.
     */
    uint64_t rtt_us;
    /**
     * Round-trip time variation. In microseconds.
     */
    uint64_t rttvar_us;
    /**
     * Send slow-start threshold, in segments (a huge value: not yet set).
     */
    uint32_t snd_ssthresh;
    /**
     * Congestion window, in segments.
     */
    uint32_t cwnd;
    /**
     * Advertised maximum segment size.
     */
    uint32_t advmss;
    /**
     * Reordering tolerance, in segments.
     */
    uint32_t reordering;
    /**
     * Receiver-side round-trip estimate. In microseconds.
     */
    uint64_t rcv_rtt_us;
    /**
     * Receive buffer space the autotuner aims for.
     */
    uint32_t rcv_space;
    /**
     * Retransmitted segments over the connection's lifetime.
     */
    uint32_t total_retrans;
    /**
     * Current pacing rate (3.15+).
     */
    uint64_t pacing_rate;
    /**
     * Maximum pacing rate, `u64::MAX` when unlimited (3.15+).
     */
    uint64_t max_pacing_rate;
    /**
     * Bytes acknowledged by the peer (4.1+).
     */
    uint64_t bytes_acked;
    /**
     * Bytes received in order (4.1+).
     */
    uint64_t bytes_received;
    /**
     * Segments sent, retransmissions included (4.2+).
     */
    uint32_t segs_out;
    /**
     * Segments received (4.2+).
     */
    uint32_t segs_in;
    /**
     * Bytes queued but not yet sent (4.6+).
     */
    uint32_t notsent_bytes;
    /**
     * Minimum round-trip time seen; `u32::MAX` µs before the first sample (4.6+). In microseconds.
     */
    uint64_t min_rtt_us;
    /**
     * Segments received carrying data (4.6+).
     */
    uint32_t data_segs_in;
    /**
     * Segments sent carrying data (4.6+).
     */
    uint32_t data_segs_out;
    /**
     * Most recent delivery-rate estimate (4.9+).
     */
    uint64_t delivery_rate;
    /**
     * Time spent with data in flight (4.10+). In microseconds.
     */
    uint64_t busy_time_us;
    /**
     * Time limited by the peer's receive window (4.10+). In microseconds.
     */
    uint64_t rwnd_limited_us;
    /**
     * Time limited by our send buffer (4.10+). In microseconds.
     */
    uint64_t sndbuf_limited_us;
    /**
     * Segments delivered, as counted for rate sampling (4.18+).
     */
    uint32_t delivered;
    /**
     * Segments delivered with an ECN congestion mark (4.18+).
     */
    uint32_t delivered_ce;
    /**
     * Bytes sent, retransmissions included (4.19+).
     */
    uint64_t bytes_sent;
    /**
     * Bytes retransmitted (4.19+).
     */
    uint64_t bytes_retrans;
    /**
     * Duplicate segments reported by D-SACK (4.19+).
     */
    uint32_t dsack_dups;
    /**
     * Reordering events seen (4.19+).
     */
    uint32_t reord_seen;
    /**
     * Out-of-order packets received (5.4+).
     */
    uint32_t rcv_ooopack;
    /**
     * The peer's advertised window, in bytes (5.4+).
     */
    uint32_t snd_wnd;
    /**
     * Our advertised window, in bytes (6.2+).
     */
    uint32_t rcv_wnd;
    /**
     * Path rehash attempts (6.2+).
     */
    uint32_t rehash;
    /**
     * Retransmission timeouts, handshake included (6.7+).
     */
    uint16_t total_rto;
    /**
     * RTO recoveries (6.7+).
     */
    uint16_t total_rto_recoveries;
    /**
     * Time spent in RTO recoveries (6.7+). In microseconds.
     */
    uint64_t total_rto_time_us;
    /**
     * How many bytes of `struct tcp_info` the kernel filled; fields past this point are zero.
     */
    size_t reported_len;
} wl_tcp_info;

/**
 * One `MSG_ZEROCOPY` completion (`ZerocopyCompletion`): the sends with ids
 * `first..=last` (wrapping) are done and their buffers may be reused.
 */
typedef struct {
    /**
     * The first send id covered.
     */
    uint32_t first;
    /**
     * The last send id covered, inclusive.
     */
    uint32_t last;
    /**
     * The kernel fell back to copying (always on loopback).
     */
    bool copied;
} wl_zerocopy_completion;

/**
 * One receive with GRO information (`GroRecv`).
 */
typedef struct {
    /**
     * Bytes received into the buffer.
     */
    size_t len;
    /**
     * The coalesced datagrams' size (`UDP_GRO`): split the buffer every
     * `segment_size` bytes (the last piece may be shorter). 0 for a single
     * datagram.
     */
    uint16_t segment_size;
    /**
     * Whether the data was longer than the buffer (`MSG_TRUNC`).
     */
    bool truncated;
    /**
     * The sender.
     */
    wl_addr source;
} wl_gro_recv;

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * The version of the loaded library, e.g. `"0.1.0"` (compare with
 * `WIRELANE_VERSION` to detect a header/library mismatch).
 *
 * Returns a static string; never NULL, never to be freed.
 */
const char *wl_version(void);

/**
 * A description of an error code, e.g. `wl_strerror(-EPIPE)` is
 * `"Broken pipe"`. Takes the code with either sign, so the return value of
 * any failed call can be passed directly.
 *
 * Returns a static string: never NULL, never to be freed, safe to call
 * from any thread. Unknown codes give `"Unknown error"`.
 */
const char *wl_strerror(int err);

/**
 * Copies this thread's last error message into `buf` (`len` bytes,
 * always NUL-terminated when `len > 0`, truncated if needed), like
 * `snprintf`. The message names the failing function and the problem,
 * e.g. `"wl_addr_unix: Unix socket path is 120 bytes; sun_path holds at
 * most 107 bytes plus the terminating NUL"`. Every failing call sets it;
 * successful calls leave it unchanged, so read it right after a failure.
 *
 * Returns the message's full length without the NUL (0 if no call has
 * failed on this thread yet); a value `>= len` means it was truncated.
 * Pass `buf = NULL, len = 0` to ask for the length. Returns `-EINVAL` for
 * a NULL `buf` with `len > 0`.
 */
int wl_last_error_message(char *buf, size_t len);

/**
 * Reads the socket-activation variables (`LISTEN_PID`, `LISTEN_FDS`,
 * `LISTEN_FDNAMES`), marks every passed descriptor (3, 4, ...)
 * close-on-exec and writes the set to `*out`: `sd_listen_fds(3)`
 * semantics, `wirelane::activation::listen_fds_with`. When
 * `unset_environment` is true the variables are unset (so children do
 * not see them), whether or not this succeeds; that part is not
 * thread-safe (`setenv(3)`): call it early, before other threads start.
 *
 * Returns 0 and writes `*out` (free with `wl_inherited_free`), or
 * `-ENOENT` (`LISTEN_PID`/`LISTEN_FDS` not set: not socket-activated),
 * `-EINVAL` (a malformed variable, `LISTEN_PID` naming another process,
 * a name count that does not match, NULL `out`), `-EBADF` (a counted
 * descriptor is not open). The message names the variable or descriptor.
 */
int wl_activation_listen_fds(bool unset_environment, wl_inherited **out);

/**
 * Sends `state` (newline-separated `KEY=VALUE` assignments such as
 * `"READY=1"`, `"STOPPING=1"`, `"STATUS=..."`) to the socket named in
 * `NOTIFY_SOCKET` (a path, or `@name` for the abstract namespace):
 * `sd_notify(3)`, `wirelane::activation::notify`.
 *
 * Returns 1 once sent, 0 when `NOTIFY_SOCKET` is not set (nothing to
 * do, as `sd_notify` returns 0), or `-EINVAL` (NULL, empty or non-UTF-8
 * `state`, a malformed `NOTIFY_SOCKET`), `-ECONNREFUSED` (nobody
 * listens), ...
 */
int wl_activation_notify(const char *state);

/**
 * Sends `state` to the notification socket `socket` (a path, or `@name`),
 * whatever the environment says: `wirelane::activation::notify_to`.
 *
 * Returns 0, or `-EINVAL` (NULL or malformed arguments), or the send's
 * `-errno`.
 */
int wl_activation_notify_to(const char *socket, const char *state);

/**
 * How many descriptors the set holds (taken ones included).
 *
 * Returns the count, or `-EINVAL` for a NULL `set`. Borrows `set`.
 */
int wl_inherited_count(const wl_inherited *set);

/**
 * Copies the name of descriptor `index` (`LISTEN_FDNAMES`, or the name
 * the predecessor gave; `"unknown"` when the manager gave none) into
 * `buf` (`len` bytes, always NUL-terminated when `len > 0`), like
 * `snprintf`.
 *
 * Returns the name's full length without the NUL (a value `>= len`
 * means truncated; `buf = NULL, len = 0` asks for it), or `-EINVAL`
 * (NULL `set`, `index` out of range). Borrows `set`.
 */
int wl_inherited_name(const wl_inherited *set, size_t index, char *buf, size_t len);

/**
 * The index of the first descriptor called `name`.
 *
 * Returns the index, or `-ENOENT` (no such name; the message lists the
 * names there are), `-EINVAL` (NULL arguments, non-UTF-8 `name`).
 * Borrows `set`.
 */
int wl_inherited_index_of(const wl_inherited *set, const char *name);

/**
 * The number descriptor `index` had when it was inherited (3, 4, ...
 * under socket activation), taken or not; for messages and logs.
 *
 * Returns it, or `-EINVAL` (NULL `set`, `index` out of range).
 */
int wl_inherited_fd(const wl_inherited *set, size_t index);

/**
 * Frees the set, closing every descriptor not taken; NULL is a no-op.
 */
void wl_inherited_free(wl_inherited *set);

/**
 * Parses a textual address into `*out`.
 *
 * Accepted forms: `"127.0.0.1:80"`, `"[::1]:80"` (and `"[fe80::1%2]:80"`
 * with a numeric scope id), a Unix socket path starting with `/` or `.`
 * (`"/run/app.sock"`, `"./app.sock"`), and `"@name"` for a Linux
 * abstract Unix name. Other relative paths: use `wl_addr_unix`.
 *
 * `text` is read up to its NUL; for text that is not NUL-terminated (a
 * field of a larger buffer) use `wl_addr_parse_n`.
 *
 * Returns 0, or `-EINVAL` (malformed text, `text` or `out` NULL, text not
 * UTF-8) / `-ENAMETOOLONG` (Unix path over 107 bytes); the message from
 * `wl_last_error_message` names the problem. `*out` is written only on
 * success.
 */
int wl_addr_parse(const char *text, wl_addr *out);

/**
 * Builds an IPv4 address from 4 bytes in network order (`ip[0]` is the
 * first octet) and a port in host order.
 *
 * Returns 0, or `-EINVAL` if `ip` or `out` is NULL. `*out` is written only
 * on success.
 */
int wl_addr_ipv4(const uint8_t *ip, uint16_t port, wl_addr *out);

/**
 * Builds an IPv6 address from 16 bytes in network order, a port in host
 * order, a flow label and a scope id (interface index, 0 for none).
 *
 * Returns 0, or `-EINVAL` if `ip` or `out` is NULL. `*out` is written only
 * on success.
 */
int wl_addr_ipv6(const uint8_t *ip,
                 uint16_t port,
                 uint32_t flowinfo,
                 uint32_t scope_id,
                 wl_addr *out);

/**
 * Builds a Unix address from a filesystem path (absolute or relative).
 *
 * Returns 0, or `-ENAMETOOLONG` when the path does not fit `sun_path`
 * (at most 107 bytes plus the NUL; nothing is ever truncated), `-EINVAL`
 * for an empty path, a path that is not UTF-8, or a NULL argument.
 * `*out` is written only on success.
 */
int wl_addr_unix(const char *path, wl_addr *out);

/**
 * Builds a Linux abstract-namespace Unix address from `len` bytes of
 * `name` (without the leading NUL; any bytes allowed). Abstract sockets
 * have no file and no permissions: anyone in the network namespace can
 * connect.
 *
 * Returns 0, or `-ENAMETOOLONG` when `len` exceeds 107, `-EINVAL` for a
 * NULL `out` (or NULL `name` with `len > 0`). `*out` is written only on
 * success.
 */
int wl_addr_unix_abstract(const uint8_t *name, size_t len, wl_addr *out);

/**
 * Copies a `struct sockaddr` of `len` bytes (from `accept(2)`,
 * `getaddrinfo(3)`, ...) into `*out`, checking it: the family must be
 * `AF_INET`, `AF_INET6` or `AF_UNIX` and the length must suit it.
 *
 * Only the first `len` bytes of `*sa` are read: a `sockaddr_un` whose
 * `sun_path` holds 108 bytes and no NUL (`len = sizeof(struct
 * sockaddr_un)`) is a valid path address, as for the kernel.
 *
 * Returns 0, or `-EAFNOSUPPORT` (other family), `-EINVAL` (length out of
 * range, NULL argument). `*out` is written only on success.
 */
int wl_addr_from_sockaddr(const struct sockaddr *sa, socklen_t len, wl_addr *out);

/**
 * Formats `*addr` as text into `buf` (`len` bytes), NUL-terminated:
 * `"127.0.0.1:80"`, `"[::1]:80"`, a Unix path, `"@name"` (non-printable
 * bytes escaped as `\xNN`) or `"(unnamed)"`. A buffer of
 * `WL_ADDR_STRLEN` bytes always suffices.
 *
 * Returns the text's length (without the NUL), or `-ENOSPC` when it does
 * not fit (`buf` is then left untouched), `-EINVAL` / `-EAFNOSUPPORT` for
 * a malformed address or a NULL argument.
 */
int wl_addr_format(const wl_addr *addr, char *buf, size_t len);

/**
 * The address family of `*addr`: `AF_INET`, `AF_INET6` or `AF_UNIX`.
 *
 * Returns the family, or `-EINVAL` (NULL or bad length) /
 * `-EAFNOSUPPORT` (another family).
 */
int wl_addr_family(const wl_addr *addr);

/**
 * The port of an IPv4 or IPv6 address, in host order (0..=65535).
 *
 * Returns the port, or `-EAFNOSUPPORT` for a Unix address, `-EINVAL` for
 * a NULL or malformed address.
 */
int wl_addr_port(const wl_addr *addr);

/**
 * Parses the `len` bytes at `text` as an address, exactly as
 * `wl_addr_parse` parses a string: `"127.0.0.1:80"`, `"[::1]:80"`, a Unix
 * path starting with `/` or `.`, or `"@name"`. The text needs no NUL
 * terminator and is never read past `len` bytes; a NUL inside it is an
 * error (a C string passed with a too-large `len`, most likely).
 *
 * Returns 0, or `-EINVAL` (malformed text, a NUL byte inside, not UTF-8,
 * NULL `out`, NULL `text` with `len > 0`; `len` 0 is the empty text,
 * which is malformed) / `-ENAMETOOLONG` (Unix path over 107 bytes); the
 * message names the problem. `*out` is written only on success.
 */
int wl_addr_parse_n(const char *text, size_t len, wl_addr *out);

/**
 * Creates a send batch for `domain` (`AF_INET`, `AF_INET6`, `AF_UNIX`)
 * with room for `capacity` messages (1 to `WL_MAX_BATCH`):
 * `SendBatch::with_capacity`.
 *
 * Ownership: on success `*out` receives a new batch the caller frees with
 * `wl_send_batch_free`. Returns 0, or `-EINVAL` (capacity out of range,
 * NULL `out`), `-EAFNOSUPPORT`.
 */
int wl_send_batch_new(int domain, size_t capacity, wl_send_batch **out);

/**
 * Frees a send batch. NULL is a no-op.
 */
void wl_send_batch_free(wl_send_batch *batch);

/**
 * Queues a datagram of `len` bytes of `buf` for `*to`, or for a connected
 * socket's peer when `to` is NULL (`SendBatch::push` / `push_connected`).
 * Never allocates.
 *
 * Ownership: the batch borrows `buf`: it must stay valid until the batch
 * is cleared, sent for the last time, or freed. Returns 0, or `-ENOBUFS`
 * (batch full: nothing queued), `-EAFNOSUPPORT` (address of another
 * family), `-EINVAL` (NULL batch, NULL `buf` with `len > 0`, `len` over
 * `SSIZE_MAX`), `-EMSGSIZE` (`len` over what one UDP datagram carries:
 * 65507 bytes over IPv4, 65527 over IPv6). A refused push leaves the
 * batch as it was.
 */
int wl_send_batch_push(wl_send_batch *batch, const void *buf, size_t len, const wl_addr *to);

/**
 * The number of queued messages. Returns it, or `-EINVAL` for NULL.
 */
int wl_send_batch_len(const wl_send_batch *batch);

/**
 * The batch's capacity in messages. Returns it, or `-EINVAL` for NULL.
 */
int wl_send_batch_capacity(const wl_send_batch *batch);

/**
 * Empties the batch (`SendBatch::clear`): the payloads are no longer
 * borrowed. Returns 0 or `-EINVAL`.
 */
int wl_send_batch_clear(wl_send_batch *batch);

/**
 * Drops the messages the last send sent, keeping the rest queued for a
 * retry (`SendBatch::remove_sent`). Returns 0 or `-EINVAL`.
 */
int wl_send_batch_remove_sent(wl_send_batch *batch);

/**
 * How many messages the last send sent (the first ones):
 * `SendBatch::sent`. Returns it, or `-EINVAL` for NULL.
 */
int wl_send_batch_sent(const wl_send_batch *batch);

/**
 * The bytes sent for message `index` of the last send (`index` below
 * `wl_send_batch_sent`): `SendBatch::sent_lens`. Writes it to `*out`.
 *
 * Returns 0, or `-EINVAL` (index out of range, NULL).
 */
int wl_send_batch_sent_len(const wl_send_batch *batch, size_t index, size_t *out);

/**
 * Sends each of the `n` messages as its own datagram in one
 * `sendmmsg(2)` (`BoundDatagram::sendmmsg`). If `sent_lens` is not NULL
 * it must have room for `n` entries; the bytes sent for each message sent
 * are written there. At most `WL_MAX_BATCH` per call.
 *
 * `msgs` and the buffers they point to are only read. Returns how many
 * messages were sent (a prefix: resend the rest, `msgs + sent`, and that
 * call reports the error that stopped this one, see PROGRESS), or
 * `-errno` (an error on the first message, nothing sent; `-EAFNOSUPPORT`
 * for an address of another family). More than `WL_MAX_BATCH` messages
 * is refused whole (`-EINVAL`, nothing sent). A message over what one UDP
 * datagram carries (65507 bytes over IPv4, 65527 over IPv6) is never
 * handed to the kernel: the messages before it are sent and counted, and
 * the call that starts with it fails with `-EMSGSIZE`, naming it. This
 * builds a temporary batch (it allocates); a `wl_send_batch` does not.
 *
 * `-EAGAIN`: no room for even the first message (non-blocking socket,
 * `MSG_DONTWAIT`, or the write timeout); nothing was sent and `sent_lens` is
 * untouched. Retry when `wl_wait` (or your event loop) reports
 * `WL_WRITABLE`. When room runs out after some messages the call returns
 * their count: resend from there.
 */
int wl_dgram_sendmmsg(const wl_dgram *sock, const wl_mmsg *msgs, size_t n, size_t *sent_lens);

/**
 * Sends each of the `n` buffers as its own datagram to the peer in one
 * `sendmmsg(2)` (`ConnectedDatagram::sendmmsg`); `sent_lens` as in
 * `wl_dgram_sendmmsg`. The iovec array is `const`: neither it nor the
 * buffers are written. Returns how many were sent (a prefix, as in
 * `wl_dgram_sendmmsg`) or `-errno` (nothing sent); the count and lengths
 * are checked first as in `wl_dgram_sendmmsg`.
 *
 * `-EAGAIN`: as for `wl_dgram_sendmmsg`: nothing was sent; retry when
 * `wl_wait` (or your event loop) reports `WL_WRITABLE`.
 */
int wl_dgram_conn_sendmmsg(const wl_dgram_conn *sock,
                           const struct iovec *msgs,
                           size_t n,
                           size_t *sent_lens);

/**
 * Creates a receive batch for `domain` with `count` slots (1 to
 * `WL_MAX_BATCH`) of `slot_size` bytes (at least 1; 65536 for UDP GRO):
 * `RecvBatch::new`. All memory is allocated here.
 *
 * Ownership: on success `*out` receives a new batch the caller frees with
 * `wl_recv_batch_free`. Returns 0, or `-EINVAL`, `-EAFNOSUPPORT`.
 */
int wl_recv_batch_new(int domain, size_t count, size_t slot_size, wl_recv_batch **out);

/**
 * Frees a receive batch. NULL is a no-op.
 */
void wl_recv_batch_free(wl_recv_batch *batch);

/**
 * How many messages the last receive delivered. Returns it or `-EINVAL`.
 */
int wl_recv_batch_len(const wl_recv_batch *batch);

/**
 * The number of slots. Returns it or `-EINVAL`.
 */
int wl_recv_batch_capacity(const wl_recv_batch *batch);

/**
 * Writes the slot size in bytes to `*out`. Returns 0 or `-EINVAL`.
 */
int wl_recv_batch_slot_size(const wl_recv_batch *batch, size_t *out);

/**
 * Describes message `index` (below `wl_recv_batch_len`) of the last
 * receive in `*out` (`RecvBatch::get`): data, lengths, flags, GRO segment
 * size, sender. `out->data` points into the batch and stays valid until
 * the next receive into it or its free.
 *
 * Returns 0, or `-EINVAL` (index out of range, NULL).
 */
int wl_recv_batch_get(const wl_recv_batch *batch, size_t index, wl_recv_msg *out);

/**
 * Queues a datagram of `len` bytes of `buf` for `*to` with its own
 * metadata `*meta`; `to` may be NULL (the datagram goes to a connected
 * socket's peer), and `meta` may be NULL (no metadata). The metadata is
 * encoded now into this message's own control space:
 * `SendBatch::push_with_meta` / `push_connected_with_meta`. Send it with
 * `wl_dgram_send_batch` / `wl_dgram_conn_send_batch`. Never allocates.
 *
 * Ownership: the batch borrows `buf` as `wl_send_batch_push` does.
 * Returns 0, or `-ENOBUFS` (batch full), `-EINVAL` (NULL batch, NULL
 * `buf` with `len > 0`, bad metadata: unknown bits, ECN above 3, a GSO
 * segment of 0, a source of the wrong family), `-EAFNOSUPPORT` (a Unix
 * batch, an address of another family); on error nothing is queued.
 */
int wl_send_batch_push_meta(wl_send_batch *batch,
                            const void *buf,
                            size_t len,
                            const wl_addr *to,
                            const wl_udp_send_meta *meta);

/**
 * Decodes the metadata of message `index` (below `wl_recv_batch_len`) of
 * the last receive into `batch` from that slot's own control data into
 * `*out` (`RecvMsg::meta`): `len` is the bytes the slot holds, `source`
 * the sender, a cut control buffer `WL_META_CTRUNC`. Enable the kinds
 * with `wl_dgram_set_recv_meta` first.
 *
 * Returns 0, or `-EINVAL` (index out of range, NULL, malformed control
 * data), `-EAFNOSUPPORT` (a Unix batch); `*out` is written only on
 * success.
 */
int wl_recv_batch_meta(const wl_recv_batch *batch, size_t index, wl_udp_recv_meta *out);

/**
 * Points `*control` at the raw control bytes of message `index` of the
 * last receive into `batch` and writes their length (`msg_controllen`)
 * to `*control_len`, for `wl_cmsg_first` / `wl_cmsg_next`. The bytes live
 * in the batch: valid until the next receive into it or its free. A cut
 * control buffer shows as `MSG_CTRUNC` in `wl_recv_batch_get`'s `flags`.
 *
 * Returns 0, or `-EINVAL` (index out of range, NULL).
 */
int wl_recv_batch_control(const wl_recv_batch *batch,
                          size_t index,
                          const uint8_t **control,
                          size_t *control_len);

/**
 * Copies the datagrams of the last receive into `batch`, starting at
 * message `index`, into `buf` (`len` bytes) back to back: message
 * `index + i` goes to `lens[i]` bytes at offset `lens[0] + ... +
 * lens[i-1]`, and its sender to `sources` (NULL or an array of `n`
 * addresses: NULL skips the senders, e.g. on a connected socket; else
 * the sender of message `index + i` goes to `sources[i]`). Stops after
 * `n` messages, at the end of the batch, or before a message that no
 * longer fits in `buf`. A datagram longer than its slot was cut at the
 * slot size (`wl_recv_batch_get` reports `truncated`); the length here is
 * what the slot held.
 *
 * Returns how many messages were written (0 when `index` is the batch
 * length), or `-EINVAL` (NULL batch, `buf` NULL with `len > 0`,
 * `lens` NULL with `n > 0`, `index` past the batch length), or `-ENOBUFS`
 * when message `index` alone does not fit in `len` bytes.
 */
int wl_recv_batch_unpack(const wl_recv_batch *batch,
                         size_t index,
                         void *buf,
                         size_t len,
                         size_t *lens,
                         wl_addr *sources,
                         size_t n);

/**
 * Creates, configures, binds and listens (`ListenerBuilder::bind`):
 * options from `*cfg` (NULL or zero-initialized: kernel defaults, backlog
 * 128), domain from `*addr`.
 *
 * Ownership: on success `*out` receives a new `wl_listener`; on failure
 * the socket is closed and `*out` is untouched. Returns 0, or
 * `-EAFNOSUPPORT` (an option set that this domain lacks, e.g. TCP settings
 * on a Unix address), `-EINVAL` (out-of-range value, NULL `addr`/`out`;
 * the last error names the option), or the failing call's `-errno`.
 */
int wl_listener_build(const wl_listener_config *cfg, const wl_addr *addr, wl_listener **out);

/**
 * Creates, configures, optionally binds (`local_addr`) and connects to
 * `*peer`, blocking until the handshake completes or `timeout_ms` passes
 * (`ConnectorBuilder::connect`). Options from `*cfg` (NULL or
 * zero-initialized: kernel defaults).
 *
 * Ownership: on success `*out` receives a new `wl_conn`; on failure the
 * socket is closed and `*out` is untouched. Returns 0, or `-ETIMEDOUT`
 * (the timeout passed), `-ECONNREFUSED`, `-EINTR`, `-EAFNOSUPPORT` (an
 * option this domain lacks, or `local_addr` of another family), `-EINVAL`
 * (out-of-range value, NULL `peer`/`out`), or another `-errno`.
 *
 * Never returns `-EAGAIN` (the socket is blocking while it connects): with
 * `timeout_ms` a slow handshake or a full Unix listener queue gives
 * `-ETIMEDOUT`, without it the call waits.
 */
int wl_connector_connect(const wl_connector_config *cfg, const wl_addr *peer, wl_conn **out);

/**
 * Creates, configures, optionally binds and starts connecting to `*peer`
 * without waiting (`ConnectorBuilder::connect_nonblocking`); wait for
 * writability, then `wl_pending_finish`. `timeout_ms` is not used.
 *
 * Ownership: on success `*out` receives a new `wl_pending`; on failure the
 * socket is closed and `*out` is untouched. Returns 0 or `-errno` as
 * `wl_connector_connect`.
 *
 * `-EAGAIN`: only for a Unix peer whose listener's queue is full (a Unix
 * connect completes or fails at once); the socket is closed and nothing was
 * started: retry later, on a timer.
 */
int wl_connector_connect_nonblocking(const wl_connector_config *cfg,
                                     const wl_addr *peer,
                                     wl_pending **out);

/**
 * Creates, configures and binds a datagram socket to `*addr`
 * (`DatagramBuilder::bind`); it can then send to and receive from anyone.
 *
 * Ownership: on success `*out` receives a new `wl_dgram`; on failure the
 * socket is closed and `*out` is untouched. Returns 0, or `-EAFNOSUPPORT`
 * (an option this domain lacks), `-EINVAL` (out-of-range value, NULL
 * `addr`/`out`), or the failing call's `-errno`.
 */
int wl_datagram_bind(const wl_datagram_config *cfg, const wl_addr *addr, wl_dgram **out);

/**
 * Creates, configures and connects a datagram socket to `*peer`
 * (`DatagramBuilder::connect`; the kernel picks the local address and
 * nothing is sent).
 *
 * Ownership: on success `*out` receives a new `wl_dgram_conn`; on failure
 * the socket is closed and `*out` is untouched. Returns 0 or `-errno` as
 * `wl_datagram_bind`.
 *
 * `-EAGAIN`: no free local port for the implicit bind (the ephemeral range,
 * `net.ipv4.ip_local_port_range`, is exhausted); this is not a readiness
 * condition and nothing changed (the socket is closed): retry once ports are
 * free, or bind first.
 */
int wl_datagram_connect(const wl_datagram_config *cfg, const wl_addr *peer, wl_dgram_conn **out);

/**
 * Applies address-reuse options to any socket descriptor before `bind`
 * (`ReuseConfig::apply`): options left false are not touched. `cfg` NULL
 * does nothing. Returns 0 or `-errno`.
 */
int wl_reuse_config_apply(const wl_reuse_config *cfg, int fd);

/**
 * Applies buffer sizes to any socket descriptor (`BufferConfig::apply`):
 * zero sizes are not touched. For TCP apply before `listen`/`connect`.
 * Returns 0 or `-errno`.
 */
int wl_buffer_config_apply(const wl_buffer_config *cfg, int fd);

/**
 * Turns keepalive on for a TCP socket and sets the non-zero parts of
 * `*cfg` (`KeepaliveConfig::apply`; `enable` is implied). Returns 0, or
 * `-EINVAL` naming an out-of-range value, or `-errno`.
 */
int wl_keepalive_config_apply(const wl_keepalive_config *cfg, int fd);

/**
 * Applies TCP settings to a TCP socket descriptor (`TcpConfig::apply`):
 * the first failure is returned; options before it stay set. Returns 0,
 * or `-EINVAL` naming an out-of-range value, or `-errno`.
 */
int wl_tcp_config_apply(const wl_tcp_config *cfg, int fd);

/**
 * Writes the "steer by CPU" reuseport program to `out` (`cap`
 * instructions, `WL_BPF_STEER_LEN` suffice): it picks socket
 * `cpu % sockets` of the group, so with one socket per CPU each CPU's
 * connections stay on that CPU's socket (`SKF_AD_CPU`):
 * `wirelane::CbpfProgram::steer_by_cpu`.
 *
 * Returns the number of instructions written, or `-EINVAL` (`sockets` 0,
 * `out` NULL), `-ENOBUFS` (`cap` too small; nothing written).
 */
int wl_bpf_steer_by_cpu(uint32_t sockets, wl_bpf_insn *out, size_t cap);

/**
 * Writes the "steer by hash" reuseport program to `out` (`cap`
 * instructions, `WL_BPF_STEER_LEN` suffice): socket `rxhash % sockets`,
 * the packet's flow hash (`SKF_AD_RXHASH`), so one flow always reaches
 * the same socket: `wirelane::CbpfProgram::steer_by_hash`.
 *
 * Returns the number of instructions written, or `-EINVAL`, `-ENOBUFS`
 * as `wl_bpf_steer_by_cpu`.
 */
int wl_bpf_steer_by_hash(uint32_t sockets, wl_bpf_insn *out, size_t cap);

/**
 * Writes a one-instruction program that always returns `value` to `out`
 * (`cap >= 1`): as a reuseport program every connection goes to socket
 * `value`; as a filter, 0 drops every packet and `UINT32_MAX` keeps each
 * whole: `wirelane::CbpfProgram::constant`.
 *
 * Returns 1, or `-EINVAL` (`out` NULL), `-ENOBUFS` (`cap` 0).
 */
int wl_bpf_constant(uint32_t value, wl_bpf_insn *out, size_t cap);

/**
 * Attaches the program `prog` (`len` instructions, 1 to
 * `WL_BPF_MAXINSNS`) to the `SO_REUSEPORT` group of `fd`
 * (`SO_ATTACH_REUSEPORT_CBPF`, see `socket(7)`, Linux 4.5+): from then on
 * its return value picks the socket of the group, in bind order, for
 * each new connection (TCP) or datagram (UDP); an index outside the group
 * falls back to the kernel's hash. Attach it to any member after the
 * group is bound: `wirelane::attach_reuseport_cbpf`.
 *
 * Returns 0, or `-EINVAL` (NULL, bad length, a program the kernel
 * rejects), or another `-errno`.
 */
int wl_attach_reuseport_cbpf(int fd, const wl_bpf_insn *prog, size_t len);

/**
 * Attaches `prog` (`len` instructions) as the packet filter of `fd`
 * (`SO_ATTACH_FILTER`, see `socket(7)`): each packet is kept, truncated
 * to the returned length, or dropped when it returns 0:
 * `wirelane::attach_filter`.
 *
 * Returns 0, or `-EINVAL` (NULL, bad length, a program the kernel
 * rejects), or another `-errno`.
 */
int wl_attach_filter(int fd, const wl_bpf_insn *prog, size_t len);

/**
 * Removes the packet filter of `fd` (`SO_DETACH_FILTER`, see
 * `socket(7)`): `wirelane::detach_filter`.
 *
 * Returns 0, or `-ENOENT` (no filter attached), or another `-errno`.
 */
int wl_detach_filter(int fd);

/**
 * `CMSG_SPACE(data_len)`: the bytes one message with `data_len` bytes of
 * data takes in a control buffer, padding included (size buffers with
 * the sum). Returns it, or `-EINVAL` for a length no buffer can hold.
 */
ssize_t wl_cmsg_space(size_t data_len);

/**
 * Appends one message (`cmsg_level`, `cmsg_type`, `data_len` bytes of `data`) to
 * the control buffer `control` of `capacity` bytes, of which `*used` are
 * already filled, in the kernel's layout (`cmsghdr`, data, zeroed
 * padding), and adds the bytes it took to `*used`: build a buffer for
 * `wl_dgram_send_cmsg` with one call per message, starting from
 * `*used == 0`. Never allocates.
 *
 * Returns 0, or `-ENOBUFS` when the message does not fit in what remains
 * (nothing is written), `-EINVAL` (NULL `control` with `capacity > 0`,
 * NULL `used`, `*used > capacity`, NULL `data` with `data_len > 0`).
 */
int wl_cmsg_push(void *control,
                 size_t capacity,
                 size_t *used,
                 int cmsg_level,
                 int cmsg_type,
                 const void *data,
                 size_t data_len);

/**
 * Finds the first control message in the `control_len` bytes at
 * `control` (exactly the `control_len` a receive reported) and describes
 * it in `*out`; `out->data` points into `control`. Every header is
 * checked against the bytes that remain and every known message's data
 * against its type (the checks of `wirelane::cmsg::ControlMessages`).
 *
 * Returns 1 (a message is in `*out`), 0 (no message: `*out` untouched),
 * or `-EINVAL` naming the offset and the problem (a malformed message, a
 * NULL argument).
 */
int wl_cmsg_first(const void *control, size_t control_len, wl_cmsg *out);

/**
 * Advances `*cursor` (a message from `wl_cmsg_first` or an earlier
 * `wl_cmsg_next` over the same buffer) to the following message, reading
 * from `cursor->next`: bounded by `control_len` whatever the cursor
 * holds. Returns 1 (the next message is in `*cursor`), 0 (the end:
 * `*cursor` untouched), or `-EINVAL` (a malformed message, NULL).
 *
 * ```c
 * wl_cmsg c;
 * for (int r = wl_cmsg_first(ctl, got.control_len, &c); r == 1;
 *      r = wl_cmsg_next(ctl, got.control_len, &c)) { ... }
 * ```
 */
int wl_cmsg_next(const void *control, size_t control_len, wl_cmsg *cursor);

/**
 * Decodes the typed metadata (`wirelane::meta::RecvMeta`: ECN, TTL,
 * destination, timestamp, GRO segment) from the `msg->control_len`
 * control bytes at `control` that `wl_dgram_recv_cmsg` filled, into
 * `*out`, with `msg`'s length, sender and `MSG_CTRUNC` (the messages that
 * arrived whole before a cut are still decoded); `control` may be NULL
 * when `msg->control_len` is 0. Returns 0, or `-EINVAL` (NULL `msg` or
 * `out`, malformed control data).
 */
int wl_cmsg_recv_meta(const wl_cmsg_recv *msg, const void *control, wl_udp_recv_meta *out);

/**
 * Sends `len` bytes of `buf` to `*to` with the `control_len` bytes of
 * caller-built control messages at `control` (`sendmsg(2)`,
 * `MSG_NOSIGNAL` added): `BoundDatagram::send_msg_encoded`. `flags` is 0
 * or `MSG_*` bits. The headers are checked first (a bad `cmsg_len` is
 * `-EINVAL` naming its offset); what they carry is passed as is.
 *
 * Returns the bytes sent, or `-EINVAL` (NULL, a malformed buffer, a
 * message the kernel refuses), `-EAFNOSUPPORT` (Unix, an address of
 * another family), `-errno`. No allocation.
 *
 * `-EAGAIN`: no room for the datagram, on a non-blocking socket
 * (`WL_NONBLOCK`, `MSG_DONTWAIT`) or after the write timeout
 * (`SO_SNDTIMEO`). The datagram was not sent (datagrams go whole or not at
 * all); retry when `wl_wait` (or your event loop) reports `WL_WRITABLE`.
 */
ssize_t wl_dgram_send_cmsg(const wl_dgram *sock,
                           const void *buf,
                           size_t len,
                           const wl_addr *to,
                           const void *control,
                           size_t control_len,
                           int flags);

/**
 * `wl_dgram_send_cmsg` to a connected socket's peer
 * (`ConnectedDatagram::send_msg_encoded`).
 *
 * `-EAGAIN`: no room for the datagram, on a non-blocking socket
 * (`WL_NONBLOCK`, `MSG_DONTWAIT`) or after the write timeout
 * (`SO_SNDTIMEO`). The datagram was not sent (datagrams go whole or not at
 * all); retry when `wl_wait` (or your event loop) reports `WL_WRITABLE`.
 */
ssize_t wl_dgram_conn_send_cmsg(const wl_dgram_conn *sock,
                                const void *buf,
                                size_t len,
                                const void *control,
                                size_t control_len,
                                int flags);

/**
 * Decodes the queued error (`IP_RECVERR` / `IPV6_RECVERR` data: errno,
 * origin, ICMP type and code, info, data, the offender's address) from
 * the `msg->control_len` control bytes at `control` that
 * `wl_dgram_recv_cmsg` / `wl_dgram_conn_recv_cmsg` filled when called
 * with `MSG_ERRQUEUE` (after `wl_dgram_set_recv_meta(sock,
 * WL_META_ERRORS, true)`), into `*out`: `out->len` is `msg->len` (the
 * offending payload's bytes) and `out->destination` is `msg->source`
 * (where the offending datagram was going). The first extended error in
 * the buffer is decoded; other messages are skipped. `control` may be
 * NULL when `msg->control_len` is 0.
 *
 * Returns 0, or `-ENOMSG` (the control bytes hold no extended error: a
 * receive without `MSG_ERRQUEUE`), `-ENOBUFS` (none arrived whole
 * because the control buffer was too small, `msg->control_truncated`:
 * offer `WL_UDP_RECV_CONTROL_SPACE` bytes), `-EINVAL` (NULL `msg` or
 * `out`, NULL `control` with `msg->control_len > 0`, malformed control
 * data); `*out` is written only on success. No allocation on success.
 */
int wl_cmsg_recv_error(const wl_cmsg_recv *msg, const void *control, wl_udp_queued_error *out);

/**
 * Shuts down one or both directions (`shutdown(2)`): `how` is `SHUT_RD`,
 * `SHUT_WR` or `SHUT_RDWR`. After `SHUT_WR` the peer reads end-of-stream.
 * The handle stays valid and must still be freed.
 *
 * Returns 0, or `-EINVAL` (bad `how`, NULL `conn`), `-ENOTCONN`.
 */
int wl_conn_shutdown(const wl_conn *conn, int how);

/**
 * Creates a pair of connected Unix stream sockets (`socketpair(2)`,
 * close-on-exec): `ConnectedStream::<Unix>::pair`.
 *
 * Ownership: on success `*a` and `*b` receive new handles the caller
 * owns; on failure neither is written. Returns 0 or `-errno` (`-EINVAL`
 * for a NULL argument, `-EMFILE`).
 */
int wl_conn_pair(wl_conn **a, wl_conn **b);

/**
 * Writes the Unix peer's credentials at connect time to `*out`
 * (`SO_PEERCRED`, see `unix(7)`): `ConnectedStream::<Unix>::peer_credentials`.
 * Use them for access checks on a Unix-socket server.
 *
 * Returns 0, or `-EAFNOSUPPORT` for a TCP connection, `-EINVAL` for a NULL
 * argument; `*out` is written only on success. Borrows `conn`.
 */
int wl_conn_peer_credentials(const wl_conn *conn, wl_ucred *out);

/**
 * Resolves `host` with the system resolver (`getaddrinfo(3)`: /etc/hosts,
 * DNS, ...; an IPv4 or `[IPv6]` literal works too) and connects to it
 * following RFC 8305: both families in interleaved order, a new attempt
 * every Connection Attempt Delay (or as soon as one fails), the first
 * handshake wins and every other attempt is closed. Blocks the calling
 * thread (bounded by `opts->timeout_ms` if set); the result is blocking.
 * `opts` (NULL or zero-initialised: all defaults) tunes the race.
 *
 * Ownership: on success writes a new `wl_conn` to `*out` (IPv4 or IPv6:
 * ask `wl_socket_domain`). Returns 0, or: `-ENOENT` (no such name),
 * `-EAGAIN` (temporary resolver failure), `-ETIMEDOUT` (deadline), the
 * last attempt's error (`-ECONNREFUSED`, `-ENETUNREACH`, ...) when every
 * attempt failed -- `wl_last_error_message` then lists every address
 * tried with its error -- `-EINTR` (signal), `-EINVAL` / `-EAFNOSUPPORT`
 * (bad argument). `*out` is written only on success.
 *
 * `-EAGAIN`: a temporary resolver failure (`EAI_AGAIN`: the name server did
 * not answer in time); nothing was created: retry later. This call blocks,
 * so it never reports readiness with `-EAGAIN`.
 */
int wl_connect_by_name(const char *host, uint16_t port, const wl_connect_opts *opts, wl_conn **out);

/**
 * Resolves `host` like `wl_connect_by_name` and "connects" a UDP socket
 * to the first address the kernel accepts (a datagram `connect(2)` sends
 * nothing, so there is nothing to race; addresses without a route are
 * skipped). `opts` (NULL or zero-initialised: all defaults) as for
 * `wl_connect_by_name`; `opts->fastopen_*` must be unset.
 *
 * Ownership: on success writes a new `wl_dgram_conn` to `*out`. Returns 0
 * or `-errno` as `wl_connect_by_name` does.
 *
 * `-EAGAIN`: a temporary resolver failure (as for `wl_connect_by_name`), or
 * no free local port for the implicit bind; nothing was created: retry
 * later.
 */
int wl_dgram_connect_by_name(const char *host,
                             uint16_t port,
                             const wl_connect_opts *opts,
                             wl_dgram_conn **out);

/**
 * Resolves `host` (this part blocks, bounded by `opts->timeout_ms`; an
 * event loop that resolves elsewhere uses `wl_connector_start_addrs`) and
 * starts the RFC 8305 race without waiting for it. `opts` (NULL or
 * zero-initialised: all defaults) as for `wl_connect_by_name`.
 *
 * Ownership: on success writes a new `wl_connector` to `*out`; free it
 * with `wl_connector_free`. Returns 0 or `-errno` (resolution errors as
 * `wl_connect_by_name`).
 */
int wl_connector_start(const char *host,
                       uint16_t port,
                       const wl_connect_opts *opts,
                       wl_connector **out);

/**
 * Starts the RFC 8305 race over the `n` addresses of `addrs`, already
 * resolved (in the resolver's order; they are interleaved by family
 * here), without blocking. `host` (NULL or a name) names the destination
 * in error messages (NULL: `"(addresses)"`); the addresses carry their
 * ports. `opts` (NULL or zero-initialised: all defaults) as for
 * `wl_connect_by_name`.
 *
 * Ownership: on success writes a new `wl_connector` to `*out`. Returns 0,
 * `-EINVAL` (NULL `out`, NULL `addrs` with `n > 0`, no address),
 * `-EAFNOSUPPORT` (an address that is not IPv4 or IPv6), `-ENOENT` (no
 * address of `opts->source`'s family).
 */
int wl_connector_start_addrs(const char *host,
                             const wl_addr *addrs,
                             size_t n,
                             const wl_connect_opts *opts,
                             wl_connector **out);

/**
 * Writes the descriptors of the attempts in flight to `fds` (up to `n`
 * of them): wait for any to become writable (`POLLOUT` / `EPOLLOUT`).
 * The set changes after every `wl_connector_step`; re-register then. The
 * descriptors stay owned by the connector: do not close them.
 *
 * Returns how many attempts are in flight (more than `n` means `fds`
 * holds only the first `n`; a race in flight has at most one attempt
 * per address), or `-EINVAL` (NULL `connector`, NULL `fds` with
 * `n > 0`). Borrows `connector`.
 */
int wl_connector_fds(const wl_connector *connector, int *fds, size_t n);

/**
 * Writes to `*out_ms` how long, in milliseconds, an event loop may wait
 * before the next `wl_connector_step` at the latest: until the next
 * attempt is due or the deadline, whichever is first (rounded up, so a
 * timer never fires early); -1 when only a descriptor becoming writable
 * moves the race on (wait without a timeout).
 *
 * Returns 0, or `-EINVAL` for a NULL argument. Borrows `connector`.
 */
int wl_connector_timeout_ms(const wl_connector *connector, int *out_ms);

/**
 * Moves the race on without blocking: collects finished attempts, starts
 * the next one when it is due, checks the deadline.
 *
 * Ownership: when a handshake has completed, consumes `connector` (every
 * other attempt is closed), writes the non-blocking `wl_conn` to `*out`
 * and returns 0. Otherwise `connector` stays valid and owned by the
 * caller and `*out` is untouched: `-EAGAIN` while the race goes on (wait
 * again on `wl_connector_fds` / `wl_connector_timeout_ms`); once every
 * attempt failed or the deadline passed, the final error (`-ETIMEDOUT`,
 * `-ECONNREFUSED`, ...; `wl_last_error_message` lists every address and
 * its error), after which the race is over: every further step fails
 * with `-EINVAL`, and the caller frees it. `-EINVAL` for a NULL argument.
 *
 * `-EAGAIN`: the race goes on and nothing changed for the caller:
 * `connector` keeps every attempt; wait until `wl_wait`/your loop reports a
 * `wl_connector_fds` descriptor `WL_WRITABLE` or `wl_connector_timeout_ms`
 * passes, then step again.
 */
int wl_connector_step(wl_connector *connector, wl_conn **out);

/**
 * Drives the race to its end, blocking in `poll(2)` on every attempt at
 * once (and until the next attempt is due): the blocking form for
 * addresses resolved elsewhere (`wl_connector_start_addrs`), and what
 * `wl_connect_by_name` does inside.
 *
 * Ownership: when a handshake completes, consumes `connector`, writes the
 * non-blocking `wl_conn` to `*out` and returns 0. Otherwise `connector`
 * stays valid and `*out` is untouched: `-EINTR` when a signal interrupted
 * the wait -- the race is intact, call again to resume -- or the final
 * error as `wl_connector_step` returns it. `-EINVAL` for a NULL argument.
 *
 * Never returns `-EAGAIN`: it waits; `-EAGAIN` belongs to
 * `wl_connector_step`, the non-blocking form.
 */
int wl_connector_wait(wl_connector *connector, wl_conn **out);

/**
 * Writes the attempts that have failed so far (after a lost race: every
 * attempt) to `out`, up to `n` of them, in the order they failed: for a
 * caller that reports each one (Python's `all_errors=True`).
 *
 * Returns how many have failed (more than `n` means `out` holds the
 * first `n`), or `-EINVAL` (NULL `connector`, NULL `out` with
 * `n > 0`). Borrows `connector`.
 */
int wl_connector_failures(const wl_connector *connector, wl_connect_failure *out, size_t n);

/**
 * Closes every attempt in flight and frees the handle. NULL is a no-op.
 *
 * Ownership: consumes `connector`; it must not be used afterwards.
 */
void wl_connector_free(wl_connector *connector);

/**
 * Sends one datagram of `len` bytes to `*to` (`sendto(2)`, `MSG_NOSIGNAL`
 * always added): `BoundDatagram::send_to_with_flags`.
 *
 * Returns the number of bytes sent, or `-EAFNOSUPPORT` (address of another
 * family), `-EMSGSIZE`, `-EAGAIN`, `-EINTR`, `-EINVAL` (NULL `sock` or
 * `to`, NULL `buf` with `len > 0`). Borrows `sock`; no allocation.
 *
 * `-EAGAIN`: no room for the datagram (the socket's send buffer, or for a
 * Unix socket the receiver's queue, is full), on a non-blocking socket
 * (`WL_NONBLOCK`, `MSG_DONTWAIT`) or after the write timeout
 * (`SO_SNDTIMEO`). The datagram was not sent (datagrams go whole or not at
 * all); retry when `wl_wait` (or your event loop) reports `WL_WRITABLE`.
 */
ssize_t wl_dgram_send_to(const wl_dgram *sock,
                         const void *buf,
                         size_t len,
                         const wl_addr *to,
                         int flags);

/**
 * Receives one datagram into `buf` (`recvfrom(2)`):
 * `BoundDatagram::recv_from_with_flags`. A datagram longer than `len` is
 * truncated; with `MSG_TRUNC` in `flags` the real length is returned.
 * `MSG_PEEK` leaves it queued. If `from` is not NULL the sender's address
 * is written there.
 *
 * Returns the datagram's length, or `-EAGAIN` (non-blocking, or read
 * timeout), `-EINTR`, `-EINVAL` (NULL `sock`, NULL `buf` with `len > 0`).
 * `*from` is written only on success. Borrows `sock`; no allocation.
 *
 * `-EAGAIN`: no datagram is queued, on a non-blocking socket (`WL_NONBLOCK`,
 * `MSG_DONTWAIT`) or after the read timeout (`SO_RCVTIMEO`). Nothing was
 * consumed and the outputs are untouched; retry when `wl_wait` (or your
 * event loop) reports `WL_READABLE`. A blocking receive on a socket shut
 * down with `wl_dgram_shutdown` returns `-ESHUTDOWN` instead of waiting.
 */
ssize_t wl_dgram_recv_from(const wl_dgram *sock, void *buf, size_t len, wl_addr *from, int flags);

/**
 * Creates a second handle to the same socket (`fcntl(F_DUPFD_CLOEXEC)`):
 * `BoundDatagram::try_clone`. Each handle must be freed.
 *
 * Returns 0 or `-errno`; `*out` is written only on success.
 */
int wl_dgram_try_clone(const wl_dgram *sock, wl_dgram **out);

/**
 * Fixes the peer (`connect(2)`; nothing is sent): `BoundDatagram::connect`.
 * Sends then go to `*addr` and the kernel drops datagrams from anyone else.
 *
 * Ownership: on success consumes `sock` and writes a new `wl_dgram_conn`
 * to `*out`; on failure `sock` stays valid and owned by the caller and
 * `*out` is untouched. Returns 0, or `-EAFNOSUPPORT`, `-EINVAL`, or the
 * `connect(2)` error.
 *
 * Never returns `-EAGAIN`: the socket is already bound, and a datagram
 * connect never waits.
 */
int wl_dgram_connect(wl_dgram *sock, const wl_addr *addr, wl_dgram_conn **out);

/**
 * Creates a pair of connected Unix datagram sockets (`socketpair(2)`,
 * close-on-exec): `ConnectedDatagram::<Unix>::pair`.
 *
 * Ownership: on success `*a` and `*b` receive new handles the caller
 * owns; on failure neither is written. Returns 0 or `-errno`.
 */
int wl_dgram_conn_pair(wl_dgram_conn **a, wl_dgram_conn **b);

/**
 * Sends `len` bytes of `buf` to the peer with the metadata in `*meta`
 * (`ConnectedDatagram::send_with_meta`; `meta` NULL sends with none).
 * Returns the bytes sent, or `-EINVAL` (NULL, unknown bits, a source of
 * the wrong family), `-EAFNOSUPPORT` (Unix), or `-errno`.
 *
 * `-EAGAIN`: no room for the datagram, on a non-blocking socket
 * (`WL_NONBLOCK`, `MSG_DONTWAIT`) or after the write timeout
 * (`SO_SNDTIMEO`). The datagram was not sent (datagrams go whole or not at
 * all); retry when `wl_wait` (or your event loop) reports `WL_WRITABLE`.
 */
ssize_t wl_dgram_conn_send_meta(const wl_dgram_conn *sock,
                                const void *buf,
                                size_t len,
                                const wl_udp_send_meta *meta);

/**
 * This process's credentials as `SCM_CREDENTIALS` sends them (pid,
 * effective uid and gid): `wirelane::fdpass::own_credentials`. Returns 0,
 * or `-EINVAL` for a NULL `out`.
 */
int wl_own_credentials(wl_ucred *out);

/**
 * The largest UDP payload one send may carry for `domain` (65507 over
 * IPv4, 65527 over IPv6), which bounds a whole GSO buffer:
 * `wirelane::batch::max_udp_payload`. Returns it, or `-EAFNOSUPPORT`.
 */
int wl_max_udp_payload(int domain);

/**
 * Sends `len` bytes of `buf` to the peer as datagrams of `segment_size`
 * bytes (the last may be shorter) in one `sendmsg(2)` with `UDP_SEGMENT`
 * (GSO): `ConnectedDatagram::send_segmented`. If the kernel refuses GSO,
 * the segments go out as separate datagrams in one `sendmmsg`; `*out`
 * (if not NULL) says which happened.
 *
 * Returns the payload bytes sent, or `-EINVAL` (segment size 0, empty
 * buffer, more than `WL_MAX_UDP_SEGMENTS` segments), `-EMSGSIZE` (more
 * than `wl_max_udp_payload`), `-EAFNOSUPPORT` (a Unix socket), or `-errno`.
 *
 * `-EAGAIN`: no room (non-blocking socket, or the write timeout) before any
 * segment went out; nothing was sent. If room runs out after some segments
 * of the `sendmmsg` fallback, the call returns the bytes of those. Retry
 * when `wl_wait` (or your event loop) reports `WL_WRITABLE`.
 */
ssize_t wl_dgram_conn_send_segmented(const wl_dgram_conn *sock,
                                     const void *buf,
                                     size_t len,
                                     uint16_t segment_size,
                                     wl_segmented_send *out);

/**
 * `wl_dgram_conn_send_segmented` to `*to` from a bound socket:
 * `BoundDatagram::send_to_segmented`.
 *
 * `-EAGAIN`: as for `wl_dgram_conn_send_segmented`: nothing was sent; retry
 * when `wl_wait` (or your event loop) reports `WL_WRITABLE`.
 */
ssize_t wl_dgram_send_to_segmented(const wl_dgram *sock,
                                   const void *buf,
                                   size_t len,
                                   uint16_t segment_size,
                                   const wl_addr *to,
                                   wl_segmented_send *out);

/**
 * Creates an empty handover.
 *
 * Returns 0 and writes `*out`, or `-EINVAL` for a NULL `out`.
 */
int wl_handover_new(wl_handover **out);

/**
 * Sends every socket and its name in one message over `channel` (a Unix
 * `wl_conn`), then waits for the successor's `wl_handover_acknowledge`:
 * `wirelane::handover::Handover::send`. Borrows both.
 *
 * When this returns 0 the successor has adopted the sockets: free the
 * listeners (stop accepting), drain, exit. Returns `-EINVAL` (NULL, an
 * empty handover), `-EAFNOSUPPORT` (`channel` is not a Unix socket),
 * `-EBADF` (an added handle is unusable), `-ENODATA`/`-EPIPE` (the
 * successor closed the channel without acknowledging), `-EINTR` (only
 * before anything was sent: once the descriptors went out, a signal is
 * retried until the whole message is sent, see PROGRESS), ...; on any
 * error the sockets are still this process's to serve.
 *
 * `-EAGAIN`: only on a non-blocking `channel` or one with a timeout, when
 * the message or the acknowledgement could not move in time; hand over on
 * a blocking channel.
 */
int wl_handover_send(const wl_handover *handover, const wl_conn *channel);

/**
 * Frees the handover (not the sockets added to it); NULL is a no-op.
 */
void wl_handover_free(wl_handover *handover);

/**
 * In the successor: receives the predecessor's sockets with their names
 * over `channel`: `wirelane::handover::receive`. Take each with
 * `wl_inherited_take_listener` (...), then call `wl_handover_acknowledge`.
 *
 * Returns 0 and writes `*out` (free with `wl_inherited_free`), or
 * `-ENODATA` (the channel closed first), `-EINVAL` (NULL; a malformed
 * message or a descriptor count that does not match the names: all
 * closed), `-EAFNOSUPPORT` (not a Unix socket), `-EINTR` (only before
 * anything arrived: once the descriptors are in, a signal is retried
 * until the whole message is, see PROGRESS), ...
 */
int wl_handover_receive(const wl_conn *channel, wl_inherited **out);

/**
 * In the successor: tells the predecessor the sockets are adopted (its
 * `wl_handover_send` returns): `wirelane::handover::acknowledge`.
 *
 * Returns 0, or `-EINVAL` (NULL), `-EAFNOSUPPORT`, `-EPIPE`, ...
 */
int wl_handover_acknowledge(const wl_conn *channel);

/**
 * In a successor: takes the handover channel named by
 * `WIRELANE_HANDOVER_FD` (checked to be a connected Unix stream, made
 * close-on-exec) and unsets the variable (not thread-safe: call early):
 * `wirelane::handover::channel_from_env`.
 *
 * Returns 1 and writes `*out` (a Unix `wl_conn` the caller owns), 0 when
 * the variable is not set (a first start, not a successor), or `-EINVAL`
 * (NULL `out`, a malformed value, not a connected Unix stream), `-EBADF`
 * (the descriptor is not open).
 */
int wl_handover_channel_from_env(wl_conn **out);

/**
 * Spawns the successor: executes `path` with the NULL-terminated `argv`
 * (`argv[0]` is the program name it sees, as for `execv(3)`; the
 * environment is inherited), with one end of a new Unix stream pair
 * inherited and its number in `WIRELANE_HANDOVER_FD`:
 * `wirelane::handover::spawn_successor`. Only that descriptor is
 * inherited; every Wirelane socket is close-on-exec.
 *
 * Returns 0, writes the child's pid to `*out_pid` (reap it with
 * `waitpid(2)`) and this process's end of the channel to `*out_channel`
 * (for `wl_handover_send`), or `-EINVAL` (NULL or non-UTF-8 arguments,
 * an empty `argv`), `-ENOENT`/`-EACCES` (cannot execute `path`), ...
 */
int wl_handover_spawn(const char *path,
                      const char *const *argv,
                      pid_t *out_pid,
                      wl_conn **out_channel);

/**
 * Creates an ICMP echo socket (`socket(domain, SOCK_DGRAM | SOCK_CLOEXEC,
 * IPPROTO_ICMP)`, or `IPPROTO_ICMPV6` for `AF_INET6`):
 * `RawSocket::<D, Icmp>::new`. No privilege is needed, but the process's
 * group must be inside `net.ipv4.ping_group_range`.
 *
 * `flags` is 0 or `WL_NONBLOCK`: non-blocking from birth (`SOCK_NONBLOCK`
 * given to `socket(2)`, no `fcntl`; `RawSocket::new_nonblocking`), for
 * event loops; the `wl_icmp` / `wl_icmp_conn` it becomes stays
 * non-blocking, and their sends and receives return `-EAGAIN` instead of
 * waiting. Close-on-exec is always on.
 *
 * Ownership: on success `*out` receives a new handle the caller owns
 * (free it with `wl_icmp_raw_free` or pass it to a transition). Returns
 * 0, or `-EAFNOSUPPORT` (`domain` is not `AF_INET`/`AF_INET6`), `-EACCES`
 * (group outside `net.ipv4.ping_group_range`; the last error message
 * quotes the range), `-EINVAL` (unknown `flags` bits, named by the last
 * error; NULL `out`), or the `socket(2)` error; `*out` is written only on
 * success.
 */
int wl_icmp_raw_new(int domain, unsigned int flags, wl_icmp_raw **out);

/**
 * Sends an echo request with sequence number `seq` and `len` bytes of
 * `payload` to `*to` (its port is ignored; `sendmsg(2)`):
 * `BoundDatagram<D, Icmp>::send_echo_to`. The kernel fills in the checksum
 * and this socket's identifier.
 *
 * Returns 0, or `-EAFNOSUPPORT` (address of the other family),
 * `-EMSGSIZE`, `-EAGAIN`, `-EINTR`, `-EINVAL` (NULL `sock` or `to`, NULL
 * `payload` with `len > 0`). Borrows `sock`; no allocation.
 *
 * `-EAGAIN`: no room for the request in the socket's send buffer, on a
 * non-blocking socket (`wl_icmp_raw_new` with `WL_NONBLOCK`) or, on a
 * blocking one, after the write timeout (`SO_SNDTIMEO`). The request was
 * not sent (it goes whole or not at all); retry when `wl_wait` (or your
 * event loop) reports `WL_WRITABLE`.
 */
int wl_icmp_send_echo_to(const wl_icmp *sock,
                         const wl_addr *to,
                         uint16_t seq,
                         const void *payload,
                         size_t len);

/**
 * Receives one echo reply (`recvmsg(2)`): its payload goes to `payload`
 * (`len` bytes), its header fields to `*reply` (if not NULL) and the
 * replying host to `*from` (if not NULL):
 * `BoundDatagram<D, Icmp>::recv_echo_from`.
 *
 * Returns the payload length, or `-EMSGSIZE` when the reply's payload is
 * longer than `len` (reported, never silently cut: `payload` holds its
 * first `len` bytes, the rest is gone), `-EINVAL` for a message that is
 * not an echo reply (the last error message names its type) or a NULL
 * `sock` / NULL `payload` with `len > 0`, `-EAGAIN` (non-blocking, or read
 * timeout), `-EINTR`. Outputs are written only on success. Borrows `sock`.
 *
 * `-EAGAIN`: no reply is queued, on a non-blocking socket
 * (`wl_icmp_raw_new` with `WL_NONBLOCK`) or, on a blocking one, after the
 * read timeout (`SO_RCVTIMEO`). Nothing was consumed and the outputs are
 * untouched; retry when `wl_wait` (or your event loop) reports
 * `WL_READABLE`.
 */
ssize_t wl_icmp_recv_echo_from(const wl_icmp *sock,
                               void *payload,
                               size_t len,
                               wl_echo_reply *reply,
                               wl_addr *from);

/**
 * The echo identifier the kernel uses for this socket (the port of its
 * local address): `BoundDatagram<D, Icmp>::ident`.
 *
 * Returns the identifier (0 to 65535), or `-EINVAL` (NULL `sock`) or the
 * `getsockname(2)` error. Borrows `sock`.
 */
int wl_icmp_ident(const wl_icmp *sock);

/**
 * Sends an echo request with sequence number `seq` and `len` bytes of
 * `payload` to the connected host: `ConnectedDatagram<D, Icmp>::send_echo`.
 *
 * Returns 0, or `-EMSGSIZE`, `-EAGAIN`, `-EINTR`, `-ECONNREFUSED` (an
 * earlier request drew an ICMP error), `-EINVAL` (NULL `sock`, NULL
 * `payload` with `len > 0`). Borrows `sock`; no allocation.
 *
 * `-EAGAIN`: no room for the request in the socket's send buffer, on a
 * non-blocking socket (`wl_icmp_raw_new` with `WL_NONBLOCK`) or, on a
 * blocking one, after the write timeout (`SO_SNDTIMEO`). The request was
 * not sent; retry when `wl_wait` (or your event loop) reports
 * `WL_WRITABLE`.
 */
int wl_icmp_conn_send_echo(const wl_icmp_conn *sock, uint16_t seq, const void *payload, size_t len);

/**
 * Receives one echo reply from the connected host: its payload into
 * `payload` (`len` bytes), its header fields to `*reply` (if not NULL):
 * `ConnectedDatagram<D, Icmp>::recv_echo`.
 *
 * Returns the payload length, or `-EMSGSIZE` (payload longer than `len`;
 * `payload` holds its first `len` bytes), `-EINVAL` (not an echo reply,
 * NULL `sock`, NULL `payload` with `len > 0`), `-EAGAIN`, `-EINTR`.
 * `*reply` is written only on success. Borrows `sock`.
 *
 * `-EAGAIN`: no reply is queued, on a non-blocking socket
 * (`wl_icmp_raw_new` with `WL_NONBLOCK`) or, on a blocking one, after the
 * read timeout (`SO_RCVTIMEO`). Nothing was consumed and `payload` and
 * `*reply` are untouched; retry when `wl_wait` (or your event loop)
 * reports `WL_READABLE`.
 */
ssize_t wl_icmp_conn_recv_echo(const wl_icmp_conn *sock,
                               void *payload,
                               size_t len,
                               wl_echo_reply *reply);

/**
 * The echo identifier the kernel uses for this socket:
 * `ConnectedDatagram<D, Icmp>::ident`.
 *
 * Returns the identifier (0 to 65535), or `-EINVAL` (NULL `sock`) or the
 * `getsockname(2)` error. Borrows `sock`.
 */
int wl_icmp_conn_ident(const wl_icmp_conn *sock);

/**
 * Accepts one connection (`accept4(2)` with `SOCK_CLOEXEC`):
 * `Listener::accept_with_addr`. Blocks until a client connects unless the
 * listener is non-blocking (`wl_socket_set_nonblocking`), in which case
 * it returns `-EAGAIN` when none is pending: that is the non-blocking
 * accept for event loops. The accepted socket is blocking
 * (`wl_listener_accept_flags` with `WL_NONBLOCK` accepts it non-blocking
 * from birth).
 *
 * Ownership: borrows `listener`; on success `*out` receives a new
 * `wl_conn` the caller owns, and `*peer` (if `peer` is not NULL) the
 * client's address. Outputs are written only on success. Returns 0, or
 * `-EAGAIN`, `-EINTR` (a signal interrupted the wait), `-EMFILE`, ...,
 * or `-EINVAL` for a NULL `listener`/`out`. Several threads may accept on
 * one listener at once.
 *
 * `-EAGAIN`: no connection is queued on a non-blocking listener, or the
 * listener's read timeout (`SO_RCVTIMEO`) passed. Nothing was accepted and
 * the outputs are untouched; retry when `wl_wait` (or your event loop)
 * reports the listener `WL_READABLE`. A thread blocked here is woken by
 * `wl_listener_shutdown` (with `-EINVAL`).
 */
int wl_listener_accept(const wl_listener *listener, wl_conn **out, wl_addr *peer);

/**
 * Creates a second handle to the same listening socket
 * (`fcntl(F_DUPFD_CLOEXEC)`): `Listener::try_clone`, e.g. so that each of
 * several accepting threads owns a handle, or to keep accepting from a
 * handle given to a library that frees its own. The socket stops
 * listening when every handle is freed. Both handles share one open file
 * description: `wl_socket_set_nonblocking` on one applies to both.
 *
 * Ownership: borrows `listener`; on success `*out` receives a new
 * `wl_listener` the caller frees with `wl_listener_free`. `*out` is
 * written only on success. Returns 0, or `-EMFILE` / `-ENFILE` (no
 * descriptor left), `-EINVAL` (NULL `listener` or `out`).
 */
int wl_listener_try_clone(const wl_listener *listener, wl_listener **out);

/**
 * Creates a socket (`socket(2)`, always `SOCK_CLOEXEC`), non-blocking from
 * birth with `WL_NONBLOCK` in `flags` (`SOCK_NONBLOCK`, no `fcntl`): the
 * creation call for event loops. `wl_raw_new(d, t, out)` is
 * `wl_raw_open(d, t, 0, 0, out)`.
 *
 * `domain` is `AF_INET`, `AF_INET6` or `AF_UNIX`; `type` is `SOCK_STREAM`
 * or `SOCK_DGRAM` with no flag bits (pass `WL_NONBLOCK` in `flags`).
 * `protocol` 0 picks the default; an internet stream also takes
 * `IPPROTO_TCP` or `IPPROTO_MPTCP` (Multipath TCP: then `-ENOPROTOOPT`
 * when disabled by `net.mptcp.enabled`, `-EPROTONOSUPPORT` without kernel
 * support, each with a message naming the cause), an internet datagram
 * `IPPROTO_UDP`.
 *
 * A non-blocking stream socket connects only with
 * `wl_raw_connect_nonblocking` (`wl_raw_connect` would return
 * `-EINPROGRESS`); its connection, and everything bound or connected from
 * a non-blocking `wl_raw`, stays non-blocking: calls that would wait
 * return `-EAGAIN`.
 *
 * Ownership: on success `*out` receives a new handle the caller owns.
 * Returns 0, or `-EINVAL` (unknown `flags` bits, named by the last error;
 * NULL `out`), `-EAFNOSUPPORT` / `-EPROTOTYPE` / `-EPROTONOSUPPORT` for
 * an unsupported domain / type / protocol, or the `socket(2)` error
 * (`-EMFILE`, ...); `*out` is written only on success.
 */
int wl_raw_open(int domain, int type, int protocol, unsigned int flags, wl_raw **out);

/**
 * Accepts one connection as `wl_listener_accept` does, the new socket
 * non-blocking from birth with `WL_NONBLOCK` in `flags` (`accept4(2)`
 * with `SOCK_NONBLOCK | SOCK_CLOEXEC`, no `fcntl`):
 * `Listener::accept_nonblocking`. `flags` 0 accepts a blocking socket.
 *
 * The flag concerns the new connection only; whether this call waits
 * depends on the listener. On a blocking listener it waits:
 * `wl_listener_shutdown` wakes it with `-EINVAL`.
 *
 * `-EAGAIN`: no connection is queued on a non-blocking listener
 * (`wl_raw_open` with `WL_NONBLOCK`, `wl_listener_config.nonblocking`),
 * or a blocking listener's read timeout (`SO_RCVTIMEO`) passed. Nothing
 * was accepted and the outputs are untouched; retry when `wl_wait` (or
 * your loop) reports the listener `WL_READABLE`. An event loop accepts
 * its batch by calling this until `-EAGAIN`.
 *
 * Ownership: borrows `listener`; on success `*out` receives a new
 * `wl_conn` the caller owns and `*peer` (if not NULL) the client's
 * address; outputs are written only on success. Returns 0, or `-EAGAIN`,
 * `-EINTR` (a signal interrupted the wait; nothing accepted),
 * `-ECONNABORTED` (a client gave up in the queue: accept again),
 * `-EMFILE` / `-ENFILE` (out of descriptors: the connection stays
 * queued), `-EINVAL` (unknown `flags` bits; NULL `listener`/`out`; the
 * listener was shut down), each named by the last error.
 */
int wl_listener_accept_flags(const wl_listener *listener,
                             unsigned int flags,
                             wl_conn **out,
                             wl_addr *peer);

/**
 * `wl_conn_pair` with flags: `WL_NONBLOCK` makes both ends non-blocking
 * from birth (`socketpair(2)` with `SOCK_NONBLOCK | SOCK_CLOEXEC`):
 * `ConnectedStream::<Unix>::pair_nonblocking`. On them a recv with
 * nothing queued, or a send with the peer's buffer full, returns
 * `-EAGAIN` having moved nothing.
 *
 * Ownership: on success `*a` and `*b` receive new handles the caller
 * owns; on failure neither is written. Returns 0, or `-EINVAL` (unknown
 * `flags` bits, NULL argument), `-EMFILE`, ...
 */
int wl_conn_pair_flags(unsigned int flags, wl_conn **a, wl_conn **b);

/**
 * `wl_dgram_conn_pair` with flags: `WL_NONBLOCK` makes both ends
 * non-blocking from birth (`socketpair(2)` with `SOCK_NONBLOCK |
 * SOCK_CLOEXEC`): `ConnectedDatagram::<Unix>::pair_nonblocking`.
 *
 * Ownership: on success `*a` and `*b` receive new handles the caller
 * owns; on failure neither is written. Returns 0, or `-EINVAL` (unknown
 * `flags` bits, NULL argument), `-EMFILE`, ...
 */
int wl_dgram_conn_pair_flags(unsigned int flags, wl_dgram_conn **a, wl_dgram_conn **b);

/**
 * Sets what `close` does with unsent data (`SO_LINGER`, see `socket(7)`):
 * `wirelane::set_linger`.
 *
 * - `enable` false (the default): `close` returns at once and the kernel
 *   keeps sending queued data in the background (`seconds` is ignored).
 * - `enable` true: `close` blocks until the data is sent and acknowledged
 *   or `seconds` pass; on timeout the rest is discarded.
 * - `enable` true, `seconds` 0: `close` discards queued data and resets
 *   the connection (TCP sends `RST`, no `TIME_WAIT`).
 *
 * `fd` is any socket descriptor, e.g. from `wl_conn_fd`. Returns 0, or
 * `-EINVAL` for `seconds` above `INT_MAX`, or `-errno`.
 */
int wl_set_linger(int fd, bool enable, uint32_t seconds);

/**
 * The linger setting (`SO_LINGER`, see `socket(7)`): `wirelane::linger`.
 * Writes whether it is on to `*enabled` and its time to `*seconds` (0
 * when off). `fd` is any socket descriptor.
 *
 * Returns 0 or `-errno`; the outputs are written only on success.
 */
int wl_linger(int fd, bool *enabled, uint32_t *seconds);

/**
 * Binds the socket to a network interface (`SO_BINDTODEVICE`, see
 * `socket(7)`): `wirelane::bind_device`. It then only receives packets
 * that arrived on that interface and sends through it, whatever the
 * routing table says. `interface` NULL removes the binding.
 *
 * The name must be 1 to 15 bytes (`IFNAMSIZ - 1`, checked first: the
 * kernel would silently truncate). Returns 0, or `-EINVAL` (bad name),
 * `-ENODEV` (no such interface), `-EPERM` (changing an existing binding
 * without `CAP_NET_RAW`), or another `-errno`.
 */
int wl_bind_device(int fd, const char *interface);

/**
 * Copies the name of the interface the socket is bound to
 * (`SO_BINDTODEVICE`, see `socket(7)`) into `buf` (`len` bytes, always
 * NUL-terminated when `len > 0`): `wirelane::bound_device`.
 *
 * Returns the name's length (0 when not bound; `>= len` means truncated,
 * as `snprintf`), or `-errno`.
 */
int wl_bound_device(int fd, char *buf, size_t len);

/**
 * Selects the congestion-control algorithm for this socket
 * (`TCP_CONGESTION`, see `tcp(7)`), e.g. `"cubic"`, `"reno"`, `"bbr"`:
 * `wirelane::set_tcp_congestion`.
 *
 * The name must be 1 to 15 bytes (checked first). Returns 0, or `-EINVAL`
 * (bad name, NULL), `-ENOENT` (algorithm not available), `-EPERM` (not
 * in `net.ipv4.tcp_allowed_congestion_control` without `CAP_NET_ADMIN`).
 */
int wl_set_tcp_congestion(int fd, const char *algorithm);

/**
 * Copies the congestion-control algorithm in use (`TCP_CONGESTION`, see
 * `tcp(7)`) into `buf` (`len` bytes, NUL-terminated when `len > 0`):
 * `wirelane::tcp_congestion`.
 *
 * Returns the name's length (`>= len` means truncated, as `snprintf`),
 * or `-errno`.
 */
int wl_tcp_congestion(int fd, char *buf, size_t len);

/**
 * Joins an IPv4 multicast group (`IP_ADD_MEMBERSHIP`, see `ip(7)`):
 * `wirelane::join_multicast_v4`. `group` and `interface` are 4 bytes in
 * network order; an all-zero `interface` lets the kernel pick by route.
 * The socket then receives datagrams sent to `group` on its bound port.
 *
 * Returns 0, or `-EINVAL` (not a multicast group, NULL), `-EADDRINUSE`
 * (joined twice), or another `-errno`.
 */
int wl_join_multicast_v4(int fd, const uint8_t *group, const uint8_t *interface);

/**
 * Leaves an IPv4 multicast group joined with `wl_join_multicast_v4`
 * (`IP_DROP_MEMBERSHIP`, see `ip(7)`): `wirelane::leave_multicast_v4`.
 *
 * Returns 0, or `-EADDRNOTAVAIL` (not joined), `-EINVAL`, or `-errno`.
 */
int wl_leave_multicast_v4(int fd, const uint8_t *group, const uint8_t *interface);

/**
 * Joins an IPv6 multicast group (`IPV6_ADD_MEMBERSHIP`, see `ipv6(7)`) on
 * the interface with index `interface` (0: the kernel picks by route):
 * `wirelane::join_multicast_v6`. `group` is 16 bytes in network order.
 *
 * Returns 0, or `-EINVAL` (not a multicast group, NULL), or `-errno`.
 */
int wl_join_multicast_v6(int fd, const uint8_t *group, uint32_t interface);

/**
 * Leaves an IPv6 multicast group joined with `wl_join_multicast_v6`
 * (`IPV6_DROP_MEMBERSHIP`, see `ipv6(7)`): `wirelane::leave_multicast_v6`.
 *
 * Returns 0 or `-errno`.
 */
int wl_leave_multicast_v6(int fd, const uint8_t *group, uint32_t interface);

/**
 * Allows binding to a local address still held by a socket in
 * `TIME_WAIT`, or (for a wildcard bind) alongside other sockets on the
 * same port (`SO_REUSEADDR`, see `socket(7)`). Set it before `bind`; a
 * server that restarts needs it to rebind its port at once.
 *
 * C: `wl_set_reuse_address`, mirrors `wirelane::set_reuse_address`. `fd` is any socket descriptor,
 * e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
 */
int wl_set_reuse_address(int fd, bool value);

/**
 * Whether `SO_REUSEADDR` is set (see `socket(7)`).
 *
 * C: `wl_reuse_address`, mirrors `wirelane::reuse_address`. `fd` is any socket descriptor. Writes
 * the value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_reuse_address(int fd, bool *out);

/**
 * Lets several sockets of the same user bind the very same address and
 * port (`SO_REUSEPORT`, see `socket(7)`); every one of them must set it
 * before `bind`. The kernel then spreads incoming connections (TCP) or
 * datagrams (UDP) across them, which is how multi-process servers balance
 * load without a shared accept queue. Internet sockets only: the kernel
 * refuses it on Unix sockets (`EOPNOTSUPP`).
 *
 * C: `wl_set_reuse_port`, mirrors `wirelane::set_reuse_port`. `fd` is any socket descriptor, e.g.
 * from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
 */
int wl_set_reuse_port(int fd, bool value);

/**
 * Whether `SO_REUSEPORT` is set (see `socket(7)`).
 *
 * C: `wl_reuse_port`, mirrors `wirelane::reuse_port`. `fd` is any socket descriptor. Writes the
 * value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_reuse_port(int fd, bool *out);

/**
 * Requests a send buffer of `size` bytes (`SO_SNDBUF`, see `socket(7)`).
 *
 * The kernel **doubles** the value (the extra half is for its own
 * bookkeeping) and `send_buffer_size` returns that doubled value. The
 * kernel caps the request at `net.core.wmem_max` before doubling and
 * raises it to a kernel minimum of a few KiB; read the result back to see
 * what you got. For TCP, setting it turns off send-buffer
 * autotuning for this socket. `size` must be in `1..=i32::MAX`.
 *
 * C: `wl_set_send_buffer_size`, mirrors `wirelane::set_send_buffer_size`. `fd` is any socket
 * descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or
 * `-errno`.
 */
int wl_set_send_buffer_size(int fd, size_t value);

/**
 * The send buffer size the kernel uses (`SO_SNDBUF`, see `socket(7)`):
 * twice what was requested with `set_send_buffer_size`.
 *
 * C: `wl_send_buffer_size`, mirrors `wirelane::send_buffer_size`. `fd` is any socket descriptor.
 * Writes the value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_send_buffer_size(int fd, size_t *out);

/**
 * Requests a receive buffer of `size` bytes (`SO_RCVBUF`, see `socket(7)`).
 *
 * The kernel **doubles** the value and `recv_buffer_size` returns the
 * doubled value. The request is capped at `net.core.rmem_max` before
 * doubling and raised to a kernel minimum of a few KiB.
 * For TCP, set it before `listen`/`connect`: the window scale is fixed at
 * the handshake, and setting it turns off receive-buffer autotuning.
 * `size` must be in `1..=i32::MAX`.
 *
 * C: `wl_set_recv_buffer_size`, mirrors `wirelane::set_recv_buffer_size`. `fd` is any socket
 * descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or
 * `-errno`.
 */
int wl_set_recv_buffer_size(int fd, size_t value);

/**
 * The receive buffer size the kernel uses (`SO_RCVBUF`, see `socket(7)`):
 * twice what was requested with `set_recv_buffer_size`.
 *
 * C: `wl_recv_buffer_size`, mirrors `wirelane::recv_buffer_size`. `fd` is any socket descriptor.
 * Writes the value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_recv_buffer_size(int fd, size_t *out);

/**
 * Allows sending datagrams to a broadcast address (`SO_BROADCAST`, see
 * `socket(7)`); without it such a `send_to` fails with `EACCES`.
 *
 * C: `wl_set_broadcast`, mirrors `wirelane::set_broadcast`. `fd` is any socket descriptor, e.g.
 * from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
 */
int wl_set_broadcast(int fd, bool value);

/**
 * Whether `SO_BROADCAST` is set (see `socket(7)`).
 *
 * C: `wl_broadcast`, mirrors `wirelane::broadcast`. `fd` is any socket descriptor. Writes the
 * value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_broadcast(int fd, bool *out);

/**
 * Tags every packet of the socket with a firewall mark (`SO_MARK`, see
 * `socket(7)`), which routing rules (`ip rule fwmark`) and netfilter can
 * match. Needs `CAP_NET_RAW` or `CAP_NET_ADMIN`; without it the kernel
 * answers `EPERM`.
 *
 * C: `wl_set_mark`, mirrors `wirelane::set_mark`. `fd` is any socket descriptor, e.g. from
 * `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
 */
int wl_set_mark(int fd, uint32_t value);

/**
 * The socket's firewall mark (`SO_MARK`, see `socket(7)`); 0 when unset.
 *
 * C: `wl_mark`, mirrors `wirelane::mark`. `fd` is any socket descriptor. Writes the value to
 * `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_mark(int fd, uint32_t *out);

/**
 * Sets the queueing priority of the socket's packets (`SO_PRIORITY`, see
 * `socket(7)`), used by queueing disciplines to pick a band. Values
 * `0..=6` are open to everyone; higher ones need `CAP_NET_ADMIN` (else
 * `EPERM`). `priority` must be at most `i32::MAX`.
 *
 * C: `wl_set_priority`, mirrors `wirelane::set_priority`. `fd` is any socket descriptor, e.g. from
 * `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
 */
int wl_set_priority(int fd, uint32_t value);

/**
 * The socket's queueing priority (`SO_PRIORITY`, see `socket(7)`).
 *
 * C: `wl_priority`, mirrors `wirelane::priority`. `fd` is any socket descriptor. Writes the value
 * to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_priority(int fd, uint32_t *out);

/**
 * Makes blocking receives (and readiness for `poll`/`epoll`) wait until at
 * least `bytes` bytes are queued (`SO_RCVLOWAT`, see `socket(7)`); a
 * receive still returns less at end of stream, on a signal, on an error or
 * when a timeout expires. `bytes` must be in `1..=i32::MAX` (the kernel
 * would turn 0 into 1). The send-side twin, `SO_SNDLOWAT`, cannot be
 * changed on Linux.
 *
 * C: `wl_set_recv_low_watermark`, mirrors `wirelane::set_recv_low_watermark`. `fd` is any socket
 * descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or
 * `-errno`.
 */
int wl_set_recv_low_watermark(int fd, size_t value);

/**
 * The receive low-water mark (`SO_RCVLOWAT`, see `socket(7)`); 1 by default.
 *
 * C: `wl_recv_low_watermark`, mirrors `wirelane::recv_low_watermark`. `fd` is any socket
 * descriptor. Writes the value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_recv_low_watermark(int fd, size_t *out);

/**
 * Turns keepalive probing on or off (`SO_KEEPALIVE`, see `socket(7)`).
 * The probe timing comes from `set_tcp_keepalive_idle`,
 * `set_tcp_keepalive_interval` and `set_tcp_keepalive_count`, or from
 * the `net.ipv4.tcp_keepalive_*` sysctls (2 hours idle by default).
 *
 * C: `wl_set_keepalive`, mirrors `wirelane::set_keepalive`. `fd` is any socket descriptor, e.g.
 * from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
 */
int wl_set_keepalive(int fd, bool value);

/**
 * Whether `SO_KEEPALIVE` is on (see `socket(7)`).
 *
 * C: `wl_keepalive`, mirrors `wirelane::keepalive`. `fd` is any socket descriptor. Writes the
 * value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_keepalive(int fd, bool *out);

/**
 * How long a connection must be idle before the first keepalive probe
 * (`TCP_KEEPIDLE`, see `tcp(7)`).
 *
 * The kernel counts whole seconds up to 32767: `idle` must be a whole
 * number of seconds in `1..=32767`, otherwise this fails with
 * `ErrorKind::InvalidInput` (never rounded or clamped).
 *
 * C: `wl_set_tcp_keepalive_idle`, mirrors `wirelane::set_tcp_keepalive_idle`. `fd` is any socket
 * descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or
 * `-errno`. The value is in whole seconds.
 */
int wl_set_tcp_keepalive_idle(int fd, uint32_t value);

/**
 * The keepalive idle time (`TCP_KEEPIDLE`, see `tcp(7)`); the sysctl
 * default when never set.
 *
 * C: `wl_tcp_keepalive_idle`, mirrors `wirelane::tcp_keepalive_idle`. `fd` is any socket
 * descriptor. Writes the value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 * The value is in whole seconds.
 */
int wl_tcp_keepalive_idle(int fd, uint32_t *out);

/**
 * The time between keepalive probes (`TCP_KEEPINTVL`, see `tcp(7)`).
 *
 * Like `set_tcp_keepalive_idle`: a whole number of seconds in
 * `1..=32767`, otherwise `ErrorKind::InvalidInput`.
 *
 * C: `wl_set_tcp_keepalive_interval`, mirrors `wirelane::set_tcp_keepalive_interval`. `fd` is any
 * socket descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns
 * 0 or `-errno`. The value is in whole seconds.
 */
int wl_set_tcp_keepalive_interval(int fd, uint32_t value);

/**
 * The keepalive probe interval (`TCP_KEEPINTVL`, see `tcp(7)`).
 *
 * C: `wl_tcp_keepalive_interval`, mirrors `wirelane::tcp_keepalive_interval`. `fd` is any socket
 * descriptor. Writes the value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 * The value is in whole seconds.
 */
int wl_tcp_keepalive_interval(int fd, uint32_t *out);

/**
 * How many unanswered probes drop the connection (`TCP_KEEPCNT`, see
 * `tcp(7)`). `count` must be in `1..=127`, the kernel's range.
 *
 * C: `wl_set_tcp_keepalive_count`, mirrors `wirelane::set_tcp_keepalive_count`. `fd` is any socket
 * descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or
 * `-errno`.
 */
int wl_set_tcp_keepalive_count(int fd, uint32_t value);

/**
 * The keepalive probe count (`TCP_KEEPCNT`, see `tcp(7)`).
 *
 * C: `wl_tcp_keepalive_count`, mirrors `wirelane::tcp_keepalive_count`. `fd` is any socket
 * descriptor. Writes the value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_tcp_keepalive_count(int fd, uint32_t *out);

/**
 * Disables (`true`) or re-enables Nagle's algorithm (`TCP_NODELAY`, see
 * `tcp(7)`). With Nagle on, the kernel holds back a small segment while
 * earlier data is unacknowledged, to coalesce writes; with `TCP_NODELAY`
 * every write is sent at once, which latency-sensitive protocols want.
 * Setting it also flushes anything Nagle was holding back.
 *
 * C: `wl_set_tcp_nodelay`, mirrors `wirelane::set_tcp_nodelay`. `fd` is any socket descriptor,
 * e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
 */
int wl_set_tcp_nodelay(int fd, bool value);

/**
 * Whether `TCP_NODELAY` is set (see `tcp(7)`).
 *
 * C: `wl_tcp_nodelay`, mirrors `wirelane::tcp_nodelay`. `fd` is any socket descriptor. Writes the
 * value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_tcp_nodelay(int fd, bool *out);

/**
 * Corks (`true`) or uncorks the connection (`TCP_CORK`, see `tcp(7)`).
 * While corked the kernel sends only full-sized segments, so a header and
 * a body written separately leave in one packet; uncorking sends what is
 * left. The kernel sends a partial segment anyway after 200 ms.
 *
 * C: `wl_set_tcp_cork`, mirrors `wirelane::set_tcp_cork`. `fd` is any socket descriptor, e.g. from
 * `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
 */
int wl_set_tcp_cork(int fd, bool value);

/**
 * Whether `TCP_CORK` is set (see `tcp(7)`).
 *
 * C: `wl_tcp_cork`, mirrors `wirelane::tcp_cork`. `fd` is any socket descriptor. Writes the value
 * to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_tcp_cork(int fd, bool *out);

/**
 * Enters (`true`) or leaves quick-ACK mode (`TCP_QUICKACK`, see `tcp(7)`):
 * in quick-ACK mode the kernel acknowledges every segment at once instead
 * of delaying ACKs.
 *
 * The mode is not permanent: the kernel's own heuristics switch between
 * quick and delayed ACKs as traffic flows, so a program that wants it
 * throughout sets it again after each receive. `tcp_quickack` reports
 * the mode at the moment of the call.
 *
 * C: `wl_set_tcp_quickack`, mirrors `wirelane::set_tcp_quickack`. `fd` is any socket descriptor,
 * e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
 */
int wl_set_tcp_quickack(int fd, bool value);

/**
 * Whether the connection is in quick-ACK mode right now (`TCP_QUICKACK`,
 * see `tcp(7)`).
 *
 * C: `wl_tcp_quickack`, mirrors `wirelane::tcp_quickack`. `fd` is any socket descriptor. Writes
 * the value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_tcp_quickack(int fd, bool *out);

/**
 * Enables TCP Fast Open on a server socket (`TCP_FASTOPEN`, see
 * `tcp(7)`): clients holding a valid cookie may send data in their `SYN`,
 * delivered to `accept` before the handshake completes. `qlen` bounds the
 * number of such not-yet-completed connections; 0 turns Fast Open off.
 *
 * Set it on the socket before or after `listen` (the kernel refuses it in
 * any other state with `EINVAL`). The kernel caps `qlen` at
 * `net.core.somaxconn`, and `tcp_fastopen` returns the capped value.
 * The server side is used only when bit `0x2` of `net.ipv4.tcp_fastopen`
 * is set. `qlen` must be at most `i32::MAX`.
 *
 * C: `wl_set_tcp_fastopen`, mirrors `wirelane::set_tcp_fastopen`. `fd` is any socket descriptor,
 * e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
 */
int wl_set_tcp_fastopen(int fd, uint32_t value);

/**
 * The Fast Open queue length (`TCP_FASTOPEN`, see `tcp(7)`); 0 when off.
 *
 * C: `wl_tcp_fastopen`, mirrors `wirelane::tcp_fastopen`. `fd` is any socket descriptor. Writes
 * the value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_tcp_fastopen(int fd, uint32_t *out);

/**
 * Enables client-side TCP Fast Open (`TCP_FASTOPEN_CONNECT`, see
 * `tcp(7)`), set before `connect`. `connect` then returns at once without
 * a handshake, and the first write sends the `SYN` carrying the data (and
 * the server's cookie, once one is cached; the first connection to a
 * server only fetches the cookie). Needs bit `0x1` of
 * `net.ipv4.tcp_fastopen` (the default); otherwise `EOPNOTSUPP`. On a
 * socket that is already connecting or connected the kernel answers
 * `EINVAL`.
 *
 * C: `wl_set_tcp_fastopen_connect`, mirrors `wirelane::set_tcp_fastopen_connect`. `fd` is any
 * socket descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns
 * 0 or `-errno`.
 */
int wl_set_tcp_fastopen_connect(int fd, bool value);

/**
 * Whether `TCP_FASTOPEN_CONNECT` is set (see `tcp(7)`).
 *
 * C: `wl_tcp_fastopen_connect`, mirrors `wirelane::tcp_fastopen_connect`. `fd` is any socket
 * descriptor. Writes the value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_tcp_fastopen_connect(int fd, bool *out);

/**
 * Bounds how long sent data may stay unacknowledged (or the peer's window
 * stay closed) before the kernel gives up on the connection with
 * `ETIMEDOUT` (`TCP_USER_TIMEOUT`, see `tcp(7)`, RFC 5482). It also
 * overrides keepalive's probe count when keepalive is on. `None` restores
 * the kernel's default retransmission limits.
 *
 * The kernel counts whole milliseconds: the timeout must be a whole number
 * of milliseconds in `1..=i32::MAX` ms.
 *
 * C: `wl_set_tcp_user_timeout`, mirrors `wirelane::set_tcp_user_timeout`. `fd` is any socket
 * descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or
 * `-errno`. The value is in whole milliseconds; 0 means none (the kernel's default).
 */
int wl_set_tcp_user_timeout(int fd, uint32_t value);

/**
 * The user timeout (`TCP_USER_TIMEOUT`, see `tcp(7)`); `None` when unset.
 *
 * C: `wl_tcp_user_timeout`, mirrors `wirelane::tcp_user_timeout`. `fd` is any socket descriptor.
 * Writes the value to `*out`; returns 0 or `-errno` (`*out` written only on success). The value is
 * in whole milliseconds; 0 means none (the kernel's default).
 */
int wl_tcp_user_timeout(int fd, uint32_t *out);

/**
 * Sets the time-to-live of outgoing unicast IPv4 packets (`IP_TTL`, see
 * `ip(7)`): each router decrements it and drops the packet at zero.
 * `ttl` must be in `1..=255`, the kernel's range; the default comes from
 * `net.ipv4.ip_default_ttl` (64).
 *
 * C: `wl_set_ttl`, mirrors `wirelane::set_ttl`. `fd` is any socket descriptor, e.g. from
 * `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
 */
int wl_set_ttl(int fd, uint32_t value);

/**
 * The IPv4 unicast time-to-live (`IP_TTL`, see `ip(7)`).
 *
 * C: `wl_ttl`, mirrors `wirelane::ttl`. `fd` is any socket descriptor. Writes the value to `*out`;
 * returns 0 or `-errno` (`*out` written only on success).
 */
int wl_ttl(int fd, uint32_t *out);

/**
 * Sets the Type-of-Service byte of outgoing IPv4 packets (`IP_TOS`, see
 * `ip(7)`): the DSCP in the upper six bits, ECN in the lower two. On TCP
 * sockets the kernel owns the two ECN bits and keeps its own value for
 * them, so only the DSCP part of `tos` takes effect.
 *
 * C: `wl_set_tos`, mirrors `wirelane::set_tos`. `fd` is any socket descriptor, e.g. from
 * `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
 */
int wl_set_tos(int fd, uint8_t value);

/**
 * The IPv4 Type-of-Service byte (`IP_TOS`, see `ip(7)`).
 *
 * C: `wl_tos`, mirrors `wirelane::tos`. `fd` is any socket descriptor. Writes the value to `*out`;
 * returns 0 or `-errno` (`*out` written only on success).
 */
int wl_tos(int fd, uint8_t *out);

/**
 * Sets the hop limit of outgoing unicast IPv6 packets
 * (`IPV6_UNICAST_HOPS`, see `ipv6(7)`), IPv6's TTL. `hops` must be in
 * `0..=255`, the kernel's range; the default comes from the route or
 * `net.ipv6.conf.*.hop_limit` (64).
 *
 * C: `wl_set_unicast_hops_v6`, mirrors `wirelane::set_unicast_hops_v6`. `fd` is any socket
 * descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or
 * `-errno`.
 */
int wl_set_unicast_hops_v6(int fd, uint32_t value);

/**
 * The IPv6 unicast hop limit (`IPV6_UNICAST_HOPS`, see `ipv6(7)`).
 *
 * C: `wl_unicast_hops_v6`, mirrors `wirelane::unicast_hops_v6`. `fd` is any socket descriptor.
 * Writes the value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_unicast_hops_v6(int fd, uint32_t *out);

/**
 * Sets the Traffic Class byte of outgoing IPv6 packets (`IPV6_TCLASS`,
 * see `ipv6(7)`), IPv6's TOS. As with `set_tos`, on TCP sockets the
 * kernel keeps its own value for the two ECN bits.
 *
 * C: `wl_set_tclass_v6`, mirrors `wirelane::set_tclass_v6`. `fd` is any socket descriptor, e.g.
 * from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
 */
int wl_set_tclass_v6(int fd, uint8_t value);

/**
 * The IPv6 Traffic Class byte (`IPV6_TCLASS`, see `ipv6(7)`).
 *
 * C: `wl_tclass_v6`, mirrors `wirelane::tclass_v6`. `fd` is any socket descriptor. Writes the
 * value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_tclass_v6(int fd, uint8_t *out);

/**
 * Restricts an IPv6 socket to IPv6 (`IPV6_V6ONLY`, see `ipv6(7)`). When
 * off, a socket bound to `::` also accepts IPv4 traffic as v4-mapped
 * addresses (`::ffff:a.b.c.d`). Set it before `bind`; afterwards the
 * kernel refuses with `EINVAL`. The default comes from
 * `net.ipv6.bindv6only` (normally off).
 *
 * C: `wl_set_only_v6`, mirrors `wirelane::set_only_v6`. `fd` is any socket descriptor, e.g. from
 * `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
 */
int wl_set_only_v6(int fd, bool value);

/**
 * Whether `IPV6_V6ONLY` is set (see `ipv6(7)`).
 *
 * C: `wl_only_v6`, mirrors `wirelane::only_v6`. `fd` is any socket descriptor. Writes the value to
 * `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_only_v6(int fd, bool *out);

/**
 * Sets the time-to-live of outgoing IPv4 multicast packets
 * (`IP_MULTICAST_TTL`, see `ip(7)`). The default 1 keeps them on the local
 * network; 0 keeps them on this host. `ttl` must be in `0..=255`.
 *
 * C: `wl_set_multicast_ttl_v4`, mirrors `wirelane::set_multicast_ttl_v4`. `fd` is any socket
 * descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or
 * `-errno`.
 */
int wl_set_multicast_ttl_v4(int fd, uint32_t value);

/**
 * The IPv4 multicast time-to-live (`IP_MULTICAST_TTL`, see `ip(7)`).
 *
 * C: `wl_multicast_ttl_v4`, mirrors `wirelane::multicast_ttl_v4`. `fd` is any socket descriptor.
 * Writes the value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_multicast_ttl_v4(int fd, uint32_t *out);

/**
 * Whether this host's own IPv4 multicast sends are looped back to its
 * local listeners (`IP_MULTICAST_LOOP`, see `ip(7)`); on by default.
 *
 * C: `wl_set_multicast_loop_v4`, mirrors `wirelane::set_multicast_loop_v4`. `fd` is any socket
 * descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or
 * `-errno`.
 */
int wl_set_multicast_loop_v4(int fd, bool value);

/**
 * Whether `IP_MULTICAST_LOOP` is on (see `ip(7)`).
 *
 * C: `wl_multicast_loop_v4`, mirrors `wirelane::multicast_loop_v4`. `fd` is any socket descriptor.
 * Writes the value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_multicast_loop_v4(int fd, bool *out);

/**
 * Sets the hop limit of outgoing IPv6 multicast packets
 * (`IPV6_MULTICAST_HOPS`, see `ipv6(7)`); default 1. `hops` must be in
 * `0..=255`.
 *
 * C: `wl_set_multicast_hops_v6`, mirrors `wirelane::set_multicast_hops_v6`. `fd` is any socket
 * descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or
 * `-errno`.
 */
int wl_set_multicast_hops_v6(int fd, uint32_t value);

/**
 * The IPv6 multicast hop limit (`IPV6_MULTICAST_HOPS`, see `ipv6(7)`).
 *
 * C: `wl_multicast_hops_v6`, mirrors `wirelane::multicast_hops_v6`. `fd` is any socket descriptor.
 * Writes the value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_multicast_hops_v6(int fd, uint32_t *out);

/**
 * Whether this host's own IPv6 multicast sends are looped back to its
 * local listeners (`IPV6_MULTICAST_LOOP`, see `ipv6(7)`); on by default.
 *
 * C: `wl_set_multicast_loop_v6`, mirrors `wirelane::set_multicast_loop_v6`. `fd` is any socket
 * descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or
 * `-errno`.
 */
int wl_set_multicast_loop_v6(int fd, bool value);

/**
 * Whether `IPV6_MULTICAST_LOOP` is on (see `ipv6(7)`).
 *
 * C: `wl_multicast_loop_v6`, mirrors `wirelane::multicast_loop_v6`. `fd` is any socket descriptor.
 * Writes the value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_multicast_loop_v6(int fd, bool *out);

/**
 * Lets the socket bind to an address that is not local to this
 * host, and receive traffic for it that routing rules (a TPROXY
 * rule or policy routing) deliver to it (`IP_TRANSPARENT`, see
 * `ip(7)`): the building block of transparent proxies. Setting it
 * needs `CAP_NET_ADMIN` or `CAP_NET_RAW` (else `EPERM`).
 *
 * C: `wl_set_transparent`, mirrors `wirelane::set_transparent`. `fd` is any socket descriptor,
 * e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
 */
int wl_set_transparent(int fd, bool value);

/**
 * Whether `IP_TRANSPARENT` is set (see `ip(7)`).
 *
 * C: `wl_transparent`, mirrors `wirelane::transparent`. `fd` is any socket descriptor. Writes the
 * value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_transparent(int fd, bool *out);

/**
 * Lets the socket bind to an IPv4 address that is not (yet)
 * configured on any interface (`IP_FREEBIND`, see `ip(7)`), e.g.
 * a service address that a failover will bring up later. No
 * privilege needed.
 *
 * C: `wl_set_freebind`, mirrors `wirelane::set_freebind`. `fd` is any socket descriptor, e.g. from
 * `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
 */
int wl_set_freebind(int fd, bool value);

/**
 * Whether `IP_FREEBIND` is set (see `ip(7)`).
 *
 * C: `wl_freebind`, mirrors `wirelane::freebind`. `fd` is any socket descriptor. Writes the value
 * to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_freebind(int fd, bool *out);

/**
 * The IPv6 twin of `set_freebind` (`IPV6_FREEBIND`, see
 * `ipv6(7)`, Linux 4.15+).
 *
 * C: `wl_set_freebind_v6`, mirrors `wirelane::set_freebind_v6`. `fd` is any socket descriptor,
 * e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
 */
int wl_set_freebind_v6(int fd, bool value);

/**
 * Whether `IPV6_FREEBIND` is set (see `ipv6(7)`).
 *
 * C: `wl_freebind_v6`, mirrors `wirelane::freebind_v6`. `fd` is any socket descriptor. Writes the
 * value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_freebind_v6(int fd, bool *out);

/**
 * The IPv6 twin of `set_transparent` (`IPV6_TRANSPARENT`, see
 * `ipv6(7)`); needs `CAP_NET_ADMIN` or `CAP_NET_RAW`.
 *
 * C: `wl_set_transparent_v6`, mirrors `wirelane::set_transparent_v6`. `fd` is any socket
 * descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or
 * `-errno`.
 */
int wl_set_transparent_v6(int fd, bool value);

/**
 * Whether `IPV6_TRANSPARENT` is set (see `ipv6(7)`).
 *
 * C: `wl_transparent_v6`, mirrors `wirelane::transparent_v6`. `fd` is any socket descriptor.
 * Writes the value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_transparent_v6(int fd, bool *out);

/**
 * Delays picking the local port of a `bind` with port 0 until
 * `connect` (`IP_BIND_ADDRESS_NO_PORT`, see `ip(7)`), so that
 * many outgoing connections from one source address can share
 * ports across different destinations instead of exhausting the
 * ephemeral range at `bind`.
 *
 * C: `wl_set_bind_address_no_port`, mirrors `wirelane::set_bind_address_no_port`. `fd` is any
 * socket descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns
 * 0 or `-errno`.
 */
int wl_set_bind_address_no_port(int fd, bool value);

/**
 * Whether `IP_BIND_ADDRESS_NO_PORT` is set (see `ip(7)`).
 *
 * C: `wl_bind_address_no_port`, mirrors `wirelane::bind_address_no_port`. `fd` is any socket
 * descriptor. Writes the value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_bind_address_no_port(int fd, bool *out);

/**
 * Limits how many unsent bytes may wait in the send queue before
 * the socket stops being writable (`TCP_NOTSENT_LOWAT`, see
 * `tcp(7)`): keeps latency-sensitive senders from filling the
 * kernel buffer with data that will be stale when sent. 0 falls
 * back to `net.ipv4.tcp_notsent_lowat` (by default `u32::MAX`, no
 * limit).
 *
 * C: `wl_set_tcp_notsent_lowat`, mirrors `wirelane::set_tcp_notsent_lowat`. `fd` is any socket
 * descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or
 * `-errno`.
 */
int wl_set_tcp_notsent_lowat(int fd, uint32_t value);

/**
 * The socket's `TCP_NOTSENT_LOWAT` limit in bytes (see `tcp(7)`);
 * 0 when it uses the sysctl.
 *
 * C: `wl_tcp_notsent_lowat`, mirrors `wirelane::tcp_notsent_lowat`. `fd` is any socket descriptor.
 * Writes the value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_tcp_notsent_lowat(int fd, uint32_t *out);

/**
 * Caps the maximum segment size of the connection
 * (`TCP_MAXSEG`, see `tcp(7)`); set before `connect` or `listen`
 * to announce a smaller MSS than the route allows. `mss` must be
 * in `88..=32767`, the kernel's range.
 *
 * C: `wl_set_tcp_maxseg`, mirrors `wirelane::set_tcp_maxseg`. `fd` is any socket descriptor, e.g.
 * from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
 */
int wl_set_tcp_maxseg(int fd, uint32_t value);

/**
 * The maximum segment size (`TCP_MAXSEG`, see `tcp(7)`): before
 * connecting the value set (or a default), afterwards the MSS in
 * use.
 *
 * C: `wl_tcp_maxseg`, mirrors `wirelane::tcp_maxseg`. `fd` is any socket descriptor. Writes the
 * value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_tcp_maxseg(int fd, uint32_t *out);

/**
 * Lets a listener wake `accept` only once data has arrived on a
 * new connection, or after the given time (`TCP_DEFER_ACCEPT`, see
 * `tcp(7)`); zero turns it off. The kernel rounds the time to its
 * SYN-ACK retransmission schedule, and reads back the rounded
 * value. A whole number of seconds in `0..=i32::MAX`.
 *
 * C: `wl_set_tcp_defer_accept`, mirrors `wirelane::set_tcp_defer_accept`. `fd` is any socket
 * descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or
 * `-errno`. The value is in whole seconds.
 */
int wl_set_tcp_defer_accept(int fd, uint32_t value);

/**
 * The `TCP_DEFER_ACCEPT` time as the kernel rounded it (see
 * `tcp(7)`); zero when off.
 *
 * C: `wl_tcp_defer_accept`, mirrors `wirelane::tcp_defer_accept`. `fd` is any socket descriptor.
 * Writes the value to `*out`; returns 0 or `-errno` (`*out` written only on success). The value is
 * in whole seconds.
 */
int wl_tcp_defer_accept(int fd, uint32_t *out);

/**
 * Makes the kernel keep the SYN of each incoming connection for
 * `TCP_SAVED_SYN` (`TCP_SAVE_SYN`, see `tcp(7)`); set on the
 * listener.
 *
 * C: `wl_set_tcp_save_syn`, mirrors `wirelane::set_tcp_save_syn`. `fd` is any socket descriptor,
 * e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
 */
int wl_set_tcp_save_syn(int fd, bool value);

/**
 * Whether `TCP_SAVE_SYN` is set (see `tcp(7)`).
 *
 * C: `wl_tcp_save_syn`, mirrors `wirelane::tcp_save_syn`. `fd` is any socket descriptor. Writes
 * the value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_tcp_save_syn(int fd, bool *out);

/**
 * Uses linear instead of exponential retransmission timeouts
 * while few packets are in flight (`TCP_THIN_LINEAR_TIMEOUTS`, see
 * `tcp(7)`), for thin, latency-sensitive streams.
 *
 * C: `wl_set_tcp_thin_linear_timeouts`, mirrors `wirelane::set_tcp_thin_linear_timeouts`. `fd` is
 * any socket descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust).
 * Returns 0 or `-errno`.
 */
int wl_set_tcp_thin_linear_timeouts(int fd, bool value);

/**
 * Whether `TCP_THIN_LINEAR_TIMEOUTS` is set (see `tcp(7)`).
 *
 * C: `wl_tcp_thin_linear_timeouts`, mirrors `wirelane::tcp_thin_linear_timeouts`. `fd` is any
 * socket descriptor. Writes the value to `*out`; returns 0 or `-errno` (`*out` written only on
 * success).
 */
int wl_tcp_thin_linear_timeouts(int fd, bool *out);

/**
 * How many SYN retransmissions a `connect` makes before giving up
 * (`TCP_SYNCNT`, see `tcp(7)`); `count` must be in `1..=255`.
 *
 * C: `wl_set_tcp_syncnt`, mirrors `wirelane::set_tcp_syncnt`. `fd` is any socket descriptor, e.g.
 * from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
 */
int wl_set_tcp_syncnt(int fd, uint32_t value);

/**
 * The SYN retransmission count (`TCP_SYNCNT`, see `tcp(7)`).
 *
 * C: `wl_tcp_syncnt`, mirrors `wirelane::tcp_syncnt`. `fd` is any socket descriptor. Writes the
 * value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_tcp_syncnt(int fd, uint32_t *out);

/**
 * Bounds the window the connection advertises
 * (`TCP_WINDOW_CLAMP`, see `tcp(7)`), in bytes; 0 removes the
 * clamp. The kernel raises a small value to half the minimum
 * receive buffer.
 *
 * C: `wl_set_tcp_window_clamp`, mirrors `wirelane::set_tcp_window_clamp`. `fd` is any socket
 * descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or
 * `-errno`.
 */
int wl_set_tcp_window_clamp(int fd, uint32_t value);

/**
 * The window clamp (`TCP_WINDOW_CLAMP`, see `tcp(7)`).
 *
 * C: `wl_tcp_window_clamp`, mirrors `wirelane::tcp_window_clamp`. `fd` is any socket descriptor.
 * Writes the value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_tcp_window_clamp(int fd, uint32_t *out);

/**
 * The socket's cookie (`SO_COOKIE`, see `socket(7)`, Linux 4.12+):
 * a 64-bit number unique to this socket for the kernel's
 * lifetime, as BPF programs and `ss -e` see it. Assigned on first
 * read.
 *
 * C: `wl_cookie`, mirrors `wirelane::cookie`. `fd` is any socket descriptor. Writes the value to
 * `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_cookie(int fd, uint64_t *out);

/**
 * Sets the CPU the socket's incoming packets are expected on
 * (`SO_INCOMING_CPU`, see `socket(7)`): with `SO_REUSEPORT`, the
 * kernel prefers the listener whose value matches the CPU that
 * received the packet. `None` clears it.
 *
 * C: `wl_set_incoming_cpu`, mirrors `wirelane::set_incoming_cpu`. `fd` is any socket descriptor,
 * e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
 */
int wl_set_incoming_cpu(int fd, int32_t value);

/**
 * The CPU of the socket's last received packet (`SO_INCOMING_CPU`,
 * see `socket(7)`), or the value set; `None` before either.
 *
 * C: `wl_incoming_cpu`, mirrors `wirelane::incoming_cpu`. `fd` is any socket descriptor. Writes
 * the value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_incoming_cpu(int fd, int32_t *out);

/**
 * Busy-polls the device queue for up to `micros` microseconds on
 * a blocking receive with no data (`SO_BUSY_POLL`, see `socket(7)`);
 * 0 turns it off. Raising it above `net.core.busy_read` needs
 * `CAP_NET_ADMIN`.
 *
 * C: `wl_set_busy_poll`, mirrors `wirelane::set_busy_poll`. `fd` is any socket descriptor, e.g.
 * from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
 */
int wl_set_busy_poll(int fd, uint32_t value);

/**
 * The busy-poll time in microseconds (`SO_BUSY_POLL`, see
 * `socket(7)`).
 *
 * C: `wl_busy_poll`, mirrors `wirelane::busy_poll`. `fd` is any socket descriptor. Writes the
 * value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_busy_poll(int fd, uint32_t *out);

/**
 * Prefers busy polling over interrupts for this socket
 * (`SO_PREFER_BUSY_POLL`, see `socket(7)`, Linux 5.11+).
 *
 * C: `wl_set_prefer_busy_poll`, mirrors `wirelane::set_prefer_busy_poll`. `fd` is any socket
 * descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or
 * `-errno`.
 */
int wl_set_prefer_busy_poll(int fd, bool value);

/**
 * Whether `SO_PREFER_BUSY_POLL` is set (see `socket(7)`).
 *
 * C: `wl_prefer_busy_poll`, mirrors `wirelane::prefer_busy_poll`. `fd` is any socket descriptor.
 * Writes the value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_prefer_busy_poll(int fd, bool *out);

/**
 * Delivers TCP urgent (out-of-band) data inline with the normal
 * stream (`SO_OOBINLINE`, see `socket(7)`).
 *
 * C: `wl_set_out_of_band_inline`, mirrors `wirelane::set_out_of_band_inline`. `fd` is any socket
 * descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or
 * `-errno`.
 */
int wl_set_out_of_band_inline(int fd, bool value);

/**
 * Whether `SO_OOBINLINE` is set (see `socket(7)`).
 *
 * C: `wl_out_of_band_inline`, mirrors `wirelane::out_of_band_inline`. `fd` is any socket
 * descriptor. Writes the value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_out_of_band_inline(int fd, bool *out);

/**
 * The socket's domain (`SO_DOMAIN`, see `socket(7)`): `AF_INET`,
 * `AF_INET6`, `AF_UNIX`, ...
 *
 * C: `wl_socket_domain`, mirrors `wirelane::socket_domain`. `fd` is any socket descriptor. Writes
 * the value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_socket_domain(int fd, int32_t *out);

/**
 * The socket's type (`SO_TYPE`, see `socket(7)`): `SOCK_STREAM`,
 * `SOCK_DGRAM`, `SOCK_SEQPACKET`, `SOCK_RAW`.
 *
 * C: `wl_socket_type`, mirrors `wirelane::socket_type`. `fd` is any socket descriptor. Writes the
 * value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_socket_type(int fd, int32_t *out);

/**
 * The socket's protocol (`SO_PROTOCOL`, see `socket(7)`), e.g.
 * `IPPROTO_TCP`, `IPPROTO_MPTCP`, `IPPROTO_UDP`, `IPPROTO_ICMP`; 0
 * for Unix sockets.
 *
 * C: `wl_socket_protocol`, mirrors `wirelane::socket_protocol`. `fd` is any socket descriptor.
 * Writes the value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_socket_protocol(int fd, int32_t *out);

/**
 * Whether the socket is listening (`SO_ACCEPTCONN`, see
 * `socket(7)`).
 *
 * C: `wl_accepts_connections`, mirrors `wirelane::accepts_connections`. `fd` is any socket
 * descriptor. Writes the value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_accepts_connections(int fd, bool *out);

/**
 * Whether a socket bound to the wildcard address receives the
 * IPv4 multicast traffic of every group joined by any socket on
 * the host (`IP_MULTICAST_ALL`, see `ip(7)`; on by default) or
 * only of the groups it joined itself.
 *
 * C: `wl_set_multicast_all_v4`, mirrors `wirelane::set_multicast_all_v4`. `fd` is any socket
 * descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or
 * `-errno`.
 */
int wl_set_multicast_all_v4(int fd, bool value);

/**
 * Whether `IP_MULTICAST_ALL` is on (see `ip(7)`).
 *
 * C: `wl_multicast_all_v4`, mirrors `wirelane::multicast_all_v4`. `fd` is any socket descriptor.
 * Writes the value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_multicast_all_v4(int fd, bool *out);

/**
 * The IPv6 twin of `set_multicast_all_v4` (`IPV6_MULTICAST_ALL`,
 * see `ipv6(7)`, Linux 4.20+).
 *
 * C: `wl_set_multicast_all_v6`, mirrors `wirelane::set_multicast_all_v6`. `fd` is any socket
 * descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or
 * `-errno`.
 */
int wl_set_multicast_all_v6(int fd, bool value);

/**
 * Whether `IPV6_MULTICAST_ALL` is on (see `ipv6(7)`).
 *
 * C: `wl_multicast_all_v6`, mirrors `wirelane::multicast_all_v6`. `fd` is any socket descriptor.
 * Writes the value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_multicast_all_v6(int fd, bool *out);

/**
 * Sends IPv6 multicast through the interface with this index
 * (`IPV6_MULTICAST_IF`, see `ipv6(7)`); 0 lets the kernel pick by
 * route.
 *
 * C: `wl_set_multicast_if_v6`, mirrors `wirelane::set_multicast_if_v6`. `fd` is any socket
 * descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or
 * `-errno`.
 */
int wl_set_multicast_if_v6(int fd, uint32_t value);

/**
 * The outgoing IPv6 multicast interface index
 * (`IPV6_MULTICAST_IF`, see `ipv6(7)`); 0 when unset.
 *
 * C: `wl_multicast_if_v6`, mirrors `wirelane::multicast_if_v6`. `fd` is any socket descriptor.
 * Writes the value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_multicast_if_v6(int fd, uint32_t *out);

/**
 * Delivers each datagram's TOS byte as `IP_TOS` ancillary data
 * (`IP_RECVTOS`, see `ip(7)`).
 *
 * C: `wl_set_recv_tos_v4`, mirrors `wirelane::set_recv_tos_v4`. `fd` is any socket descriptor,
 * e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
 */
int wl_set_recv_tos_v4(int fd, bool value);

/**
 * Whether `IP_RECVTOS` is on (see `ip(7)`).
 *
 * C: `wl_recv_tos_v4`, mirrors `wirelane::recv_tos_v4`. `fd` is any socket descriptor. Writes the
 * value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_recv_tos_v4(int fd, bool *out);

/**
 * Delivers each datagram's traffic class as `IPV6_TCLASS`
 * ancillary data (`IPV6_RECVTCLASS`, see `ipv6(7)`).
 *
 * C: `wl_set_recv_tclass_v6`, mirrors `wirelane::set_recv_tclass_v6`. `fd` is any socket
 * descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or
 * `-errno`.
 */
int wl_set_recv_tclass_v6(int fd, bool value);

/**
 * Whether `IPV6_RECVTCLASS` is on (see `ipv6(7)`).
 *
 * C: `wl_recv_tclass_v6`, mirrors `wirelane::recv_tclass_v6`. `fd` is any socket descriptor.
 * Writes the value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_recv_tclass_v6(int fd, bool *out);

/**
 * Delivers each datagram's hop limit as `IPV6_HOPLIMIT`
 * ancillary data (`IPV6_RECVHOPLIMIT`, see `ipv6(7)`).
 *
 * C: `wl_set_recv_hoplimit_v6`, mirrors `wirelane::set_recv_hoplimit_v6`. `fd` is any socket
 * descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or
 * `-errno`.
 */
int wl_set_recv_hoplimit_v6(int fd, bool value);

/**
 * Whether `IPV6_RECVHOPLIMIT` is on (see `ipv6(7)`).
 *
 * C: `wl_recv_hoplimit_v6`, mirrors `wirelane::recv_hoplimit_v6`. `fd` is any socket descriptor.
 * Writes the value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_recv_hoplimit_v6(int fd, bool *out);

/**
 * On a raw IPv4 socket, makes the caller supply the IP header
 * (`IP_HDRINCL`, see `raw(7)`).
 *
 * C: `wl_set_header_included_v4`, mirrors `wirelane::set_header_included_v4`. `fd` is any socket
 * descriptor, e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or
 * `-errno`.
 */
int wl_set_header_included_v4(int fd, bool value);

/**
 * Whether `IP_HDRINCL` is set (see `raw(7)`).
 *
 * C: `wl_header_included_v4`, mirrors `wirelane::header_included_v4`. `fd` is any socket
 * descriptor. Writes the value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_header_included_v4(int fd, bool *out);

/**
 * Sets the socket-wide GSO segment size (`UDP_SEGMENT`, see
 * `udp(7)`): every later send larger than `size` is split by the
 * kernel into datagrams of `size` bytes (the last may be shorter).
 * `None` turns it off; `Some(0)` is rejected. Fails with
 * `ENOPROTOOPT` on kernels without UDP GSO (< 4.18).
 *
 * C: `wl_set_udp_segment`, mirrors `wirelane::set_udp_segment`. `fd` is any socket descriptor,
 * e.g. from `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
 */
int wl_set_udp_segment(int fd, uint16_t value);

/**
 * The socket-wide GSO segment size (`UDP_SEGMENT`, see `udp(7)`),
 * `None` when off. Also a cheap probe: it fails with `ENOPROTOOPT`
 * where the kernel has no UDP GSO.
 *
 * C: `wl_udp_segment`, mirrors `wirelane::udp_segment`. `fd` is any socket descriptor. Writes the
 * value to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_udp_segment(int fd, uint16_t *out);

/**
 * Turns UDP receive coalescing on or off (`UDP_GRO`, see `udp(7)`,
 * Linux 5.0+). When on, the kernel may hand several datagrams of
 * one flow to a single receive, with their segment size in a
 * `UDP_GRO` control message; read it with `recv_gro` or
 * `RecvMsg::gro_segment` and split the buffer with `Segments`. Use
 * receive buffers of 64 KiB.
 *
 * C: `wl_set_udp_gro`, mirrors `wirelane::set_udp_gro`. `fd` is any socket descriptor, e.g. from
 * `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
 */
int wl_set_udp_gro(int fd, bool value);

/**
 * Whether `UDP_GRO` is on (see `udp(7)`).
 *
 * C: `wl_udp_gro`, mirrors `wirelane::udp_gro`. `fd` is any socket descriptor. Writes the value to
 * `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_udp_gro(int fd, bool *out);

/**
 * Enables or disables `SO_PASSCRED` (see `unix(7)`): when on, every
 * message received carries the sender's credentials
 * (`SCM_CREDENTIALS`), checked by the kernel. Turn it on in the
 * receiver before the peer sends.
 *
 * C: `wl_set_passcred`, mirrors `wirelane::set_passcred`. `fd` is any socket descriptor, e.g. from
 * `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
 */
int wl_set_passcred(int fd, bool value);

/**
 * Whether `SO_PASSCRED` is on (see `unix(7)`).
 *
 * C: `wl_passcred`, mirrors `wirelane::passcred`. `fd` is any socket descriptor. Writes the value
 * to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_passcred(int fd, bool *out);

/**
 * Enables or disables `MSG_ZEROCOPY` on a socket (`SO_ZEROCOPY`,
 * see `socket(7)`; Linux 4.14+). Without it the kernel silently
 * ignores the flag. TCP and UDP sockets only: other sockets (Unix)
 * give `EOPNOTSUPP`.
 *
 * C: `wl_set_zerocopy`, mirrors `wirelane::set_zerocopy`. `fd` is any socket descriptor, e.g. from
 * `wl_conn_fd` (the options work on every state, as in Rust). Returns 0 or `-errno`.
 */
int wl_set_zerocopy(int fd, bool value);

/**
 * Whether `SO_ZEROCOPY` is enabled on a socket (see `socket(7)`).
 *
 * C: `wl_zerocopy`, mirrors `wirelane::zerocopy`. `fd` is any socket descriptor. Writes the value
 * to `*out`; returns 0 or `-errno` (`*out` written only on success).
 */
int wl_zerocopy(int fd, bool *out);

/**
 * Closes the socket and frees the handle. NULL is a no-op.
 *
 * Ownership: consumes `sock`; it must not be used afterwards. Errors from
 * `close(2)` are ignored, as in Rust's `Drop`. Freeing a handle while another
 * thread still uses it is the caller's bug.
 */
void wl_raw_free(wl_raw *sock);

/**
 * The socket's file descriptor, for `epoll`, `poll`, libuv, io_uring or
 * a `setsockopt(2)` Wirelane does not wrap.
 *
 * Ownership: the descriptor stays owned by the handle: do not close it,
 * and do not use it after `wl_raw_free`. Returns the descriptor (>= 0), or
 * `-EINVAL` if `sock` is NULL.
 */
int wl_raw_fd(const wl_raw *sock);

/**
 * Frees the handle and returns its descriptor, which the caller now owns
 * and must `close(2)`.
 *
 * Ownership: consumes `sock` on success. Returns the descriptor (>= 0), or
 * `-EINVAL` if `sock` is NULL (nothing is consumed then).
 */
int wl_raw_into_fd(wl_raw *sock);

/**
 * Adopts an existing descriptor as a `wl_raw`, after asking the kernel
 * that it is a fresh socket (not bound, not connected, not listening; stream or datagram) of a supported domain (`SO_DOMAIN`, `SO_TYPE`,
 * `SO_ACCEPTCONN`, peer and local address).
 *
 * Ownership: on success the handle owns `fd` (close it only through
 * `wl_raw_free`, or take it back with `wl_raw_into_fd`) and `*out` is written.
 * On failure `fd` stays open and owned by the caller. Returns 0, or
 * `-EBADF` (negative or closed `fd`), `-ENOTSOCK`, `-EAFNOSUPPORT` (other
 * domain), `-EPROTOTYPE` (other socket type), `-EINVAL` (other state, NULL
 * `out`).
 */
int wl_raw_from_fd(int fd, wl_raw **out);

/**
 * Closes the socket and frees the handle. NULL is a no-op.
 *
 * Ownership: consumes `sock`; it must not be used afterwards. Errors from
 * `close(2)` are ignored, as in Rust's `Drop`. Freeing a handle while another
 * thread still uses it is the caller's bug.
 */
void wl_bound_free(wl_bound *sock);

/**
 * The socket's file descriptor, for `epoll`, `poll`, libuv, io_uring or
 * a `setsockopt(2)` Wirelane does not wrap.
 *
 * Ownership: the descriptor stays owned by the handle: do not close it,
 * and do not use it after `wl_bound_free`. Returns the descriptor (>= 0), or
 * `-EINVAL` if `sock` is NULL.
 */
int wl_bound_fd(const wl_bound *sock);

/**
 * Frees the handle and returns its descriptor, which the caller now owns
 * and must `close(2)`.
 *
 * Ownership: consumes `sock` on success. Returns the descriptor (>= 0), or
 * `-EINVAL` if `sock` is NULL (nothing is consumed then).
 */
int wl_bound_into_fd(wl_bound *sock);

/**
 * Adopts an existing descriptor as a `wl_bound`, after asking the kernel
 * that it is a bound stream socket (bound, not listening, not connected) of a supported domain (`SO_DOMAIN`, `SO_TYPE`,
 * `SO_ACCEPTCONN`, peer and local address).
 *
 * Ownership: on success the handle owns `fd` (close it only through
 * `wl_bound_free`, or take it back with `wl_bound_into_fd`) and `*out` is written.
 * On failure `fd` stays open and owned by the caller. Returns 0, or
 * `-EBADF` (negative or closed `fd`), `-ENOTSOCK`, `-EAFNOSUPPORT` (other
 * domain), `-EPROTOTYPE` (other socket type), `-EINVAL` (other state, NULL
 * `out`).
 */
int wl_bound_from_fd(int fd, wl_bound **out);

/**
 * Closes the socket and frees the handle. NULL is a no-op.
 *
 * Ownership: consumes `sock`; it must not be used afterwards. Errors from
 * `close(2)` are ignored, as in Rust's `Drop`. Freeing a handle while another
 * thread still uses it is the caller's bug.
 */
void wl_listener_free(wl_listener *sock);

/**
 * The socket's file descriptor, for `epoll`, `poll`, libuv, io_uring or
 * a `setsockopt(2)` Wirelane does not wrap.
 *
 * Ownership: the descriptor stays owned by the handle: do not close it,
 * and do not use it after `wl_listener_free`. Returns the descriptor (>= 0), or
 * `-EINVAL` if `sock` is NULL.
 */
int wl_listener_fd(const wl_listener *sock);

/**
 * Frees the handle and returns its descriptor, which the caller now owns
 * and must `close(2)`.
 *
 * Ownership: consumes `sock` on success. Returns the descriptor (>= 0), or
 * `-EINVAL` if `sock` is NULL (nothing is consumed then).
 */
int wl_listener_into_fd(wl_listener *sock);

/**
 * Adopts an existing descriptor as a `wl_listener`, after asking the kernel
 * that it is a listening stream socket of a supported domain (`SO_DOMAIN`, `SO_TYPE`,
 * `SO_ACCEPTCONN`, peer and local address).
 *
 * Ownership: on success the handle owns `fd` (close it only through
 * `wl_listener_free`, or take it back with `wl_listener_into_fd`) and `*out` is written.
 * On failure `fd` stays open and owned by the caller. Returns 0, or
 * `-EBADF` (negative or closed `fd`), `-ENOTSOCK`, `-EAFNOSUPPORT` (other
 * domain), `-EPROTOTYPE` (other socket type), `-EINVAL` (other state, NULL
 * `out`).
 */
int wl_listener_from_fd(int fd, wl_listener **out);

/**
 * Closes the socket and frees the handle. NULL is a no-op.
 *
 * Ownership: consumes `sock`; it must not be used afterwards. Errors from
 * `close(2)` are ignored, as in Rust's `Drop`. Freeing a handle while another
 * thread still uses it is the caller's bug.
 */
void wl_conn_free(wl_conn *sock);

/**
 * The socket's file descriptor, for `epoll`, `poll`, libuv, io_uring or
 * a `setsockopt(2)` Wirelane does not wrap.
 *
 * Ownership: the descriptor stays owned by the handle: do not close it,
 * and do not use it after `wl_conn_free`. Returns the descriptor (>= 0), or
 * `-EINVAL` if `sock` is NULL.
 */
int wl_conn_fd(const wl_conn *sock);

/**
 * Frees the handle and returns its descriptor, which the caller now owns
 * and must `close(2)`.
 *
 * Ownership: consumes `sock` on success. Returns the descriptor (>= 0), or
 * `-EINVAL` if `sock` is NULL (nothing is consumed then).
 */
int wl_conn_into_fd(wl_conn *sock);

/**
 * Adopts an existing descriptor as a `wl_conn`, after asking the kernel
 * that it is a connected stream socket (TCP or Unix stream) of a supported domain (`SO_DOMAIN`, `SO_TYPE`,
 * `SO_ACCEPTCONN`, peer and local address).
 *
 * Ownership: on success the handle owns `fd` (close it only through
 * `wl_conn_free`, or take it back with `wl_conn_into_fd`) and `*out` is written.
 * On failure `fd` stays open and owned by the caller. Returns 0, or
 * `-EBADF` (negative or closed `fd`), `-ENOTSOCK`, `-EAFNOSUPPORT` (other
 * domain), `-EPROTOTYPE` (other socket type), `-EINVAL` (other state, NULL
 * `out`).
 */
int wl_conn_from_fd(int fd, wl_conn **out);

/**
 * Closes the socket and frees the handle. NULL is a no-op.
 *
 * Ownership: consumes `sock`; it must not be used afterwards. Errors from
 * `close(2)` are ignored, as in Rust's `Drop`. Freeing a handle while another
 * thread still uses it is the caller's bug.
 */
void wl_pending_free(wl_pending *sock);

/**
 * The socket's file descriptor, for `epoll`, `poll`, libuv, io_uring or
 * a `setsockopt(2)` Wirelane does not wrap.
 *
 * Ownership: the descriptor stays owned by the handle: do not close it,
 * and do not use it after `wl_pending_free`. Returns the descriptor (>= 0), or
 * `-EINVAL` if `sock` is NULL.
 */
int wl_pending_fd(const wl_pending *sock);

/**
 * Frees the handle and returns its descriptor, which the caller now owns
 * and must `close(2)`.
 *
 * Ownership: consumes `sock` on success. Returns the descriptor (>= 0), or
 * `-EINVAL` if `sock` is NULL (nothing is consumed then).
 */
int wl_pending_into_fd(wl_pending *sock);

/**
 * Closes the socket and frees the handle. NULL is a no-op.
 *
 * Ownership: consumes `sock`; it must not be used afterwards. Errors from
 * `close(2)` are ignored, as in Rust's `Drop`. Freeing a handle while another
 * thread still uses it is the caller's bug.
 */
void wl_dgram_free(wl_dgram *sock);

/**
 * The socket's file descriptor, for `epoll`, `poll`, libuv, io_uring or
 * a `setsockopt(2)` Wirelane does not wrap.
 *
 * Ownership: the descriptor stays owned by the handle: do not close it,
 * and do not use it after `wl_dgram_free`. Returns the descriptor (>= 0), or
 * `-EINVAL` if `sock` is NULL.
 */
int wl_dgram_fd(const wl_dgram *sock);

/**
 * Frees the handle and returns its descriptor, which the caller now owns
 * and must `close(2)`.
 *
 * Ownership: consumes `sock` on success. Returns the descriptor (>= 0), or
 * `-EINVAL` if `sock` is NULL (nothing is consumed then).
 */
int wl_dgram_into_fd(wl_dgram *sock);

/**
 * Adopts an existing descriptor as a `wl_dgram`, after asking the kernel
 * that it is a bound, unconnected datagram socket (UDP or Unix datagram) of a supported domain (`SO_DOMAIN`, `SO_TYPE`,
 * `SO_ACCEPTCONN`, peer and local address).
 *
 * Ownership: on success the handle owns `fd` (close it only through
 * `wl_dgram_free`, or take it back with `wl_dgram_into_fd`) and `*out` is written.
 * On failure `fd` stays open and owned by the caller. Returns 0, or
 * `-EBADF` (negative or closed `fd`), `-ENOTSOCK`, `-EAFNOSUPPORT` (other
 * domain), `-EPROTOTYPE` (other socket type), `-EINVAL` (other state, NULL
 * `out`).
 */
int wl_dgram_from_fd(int fd, wl_dgram **out);

/**
 * Closes the socket and frees the handle. NULL is a no-op.
 *
 * Ownership: consumes `sock`; it must not be used afterwards. Errors from
 * `close(2)` are ignored, as in Rust's `Drop`. Freeing a handle while another
 * thread still uses it is the caller's bug.
 */
void wl_dgram_conn_free(wl_dgram_conn *sock);

/**
 * The socket's file descriptor, for `epoll`, `poll`, libuv, io_uring or
 * a `setsockopt(2)` Wirelane does not wrap.
 *
 * Ownership: the descriptor stays owned by the handle: do not close it,
 * and do not use it after `wl_dgram_conn_free`. Returns the descriptor (>= 0), or
 * `-EINVAL` if `sock` is NULL.
 */
int wl_dgram_conn_fd(const wl_dgram_conn *sock);

/**
 * Frees the handle and returns its descriptor, which the caller now owns
 * and must `close(2)`.
 *
 * Ownership: consumes `sock` on success. Returns the descriptor (>= 0), or
 * `-EINVAL` if `sock` is NULL (nothing is consumed then).
 */
int wl_dgram_conn_into_fd(wl_dgram_conn *sock);

/**
 * Adopts an existing descriptor as a `wl_dgram_conn`, after asking the kernel
 * that it is a connected datagram socket of a supported domain (`SO_DOMAIN`, `SO_TYPE`,
 * `SO_ACCEPTCONN`, peer and local address).
 *
 * Ownership: on success the handle owns `fd` (close it only through
 * `wl_dgram_conn_free`, or take it back with `wl_dgram_conn_into_fd`) and `*out` is written.
 * On failure `fd` stays open and owned by the caller. Returns 0, or
 * `-EBADF` (negative or closed `fd`), `-ENOTSOCK`, `-EAFNOSUPPORT` (other
 * domain), `-EPROTOTYPE` (other socket type), `-EINVAL` (other state, NULL
 * `out`).
 */
int wl_dgram_conn_from_fd(int fd, wl_dgram_conn **out);

/**
 * Closes the socket and frees the handle. NULL is a no-op.
 *
 * Ownership: consumes `sock`; it must not be used afterwards. Errors from
 * `close(2)` are ignored, as in Rust's `Drop`. Freeing a handle while another
 * thread still uses it is the caller's bug.
 */
void wl_seqpacket_raw_free(wl_seqpacket_raw *sock);

/**
 * The socket's file descriptor, for `epoll`, `poll`, libuv, io_uring or
 * a `setsockopt(2)` Wirelane does not wrap.
 *
 * Ownership: the descriptor stays owned by the handle: do not close it,
 * and do not use it after `wl_seqpacket_raw_free`. Returns the descriptor (>= 0), or
 * `-EINVAL` if `sock` is NULL.
 */
int wl_seqpacket_raw_fd(const wl_seqpacket_raw *sock);

/**
 * Frees the handle and returns its descriptor, which the caller now owns
 * and must `close(2)`.
 *
 * Ownership: consumes `sock` on success. Returns the descriptor (>= 0), or
 * `-EINVAL` if `sock` is NULL (nothing is consumed then).
 */
int wl_seqpacket_raw_into_fd(wl_seqpacket_raw *sock);

/**
 * Adopts an existing descriptor as a `wl_seqpacket_raw`, after asking the
 * kernel that it is a fresh (unbound, unconnected) Unix seqpacket socket
 * (`SO_DOMAIN`, `SO_TYPE`, `SO_PROTOCOL`, `SO_ACCEPTCONN`, addresses).
 *
 * Ownership: on success the handle owns `fd` and `*out` is written. On
 * failure `fd` stays open and owned by the caller. Returns 0, or `-EBADF`
 * (negative or closed `fd`), `-ENOTSOCK`, `-EAFNOSUPPORT` (not `AF_UNIX`),
 * `-EPROTOTYPE` (not `SOCK_SEQPACKET`), `-EINVAL` (other state, NULL `out`).
 */
int wl_seqpacket_raw_from_fd(int fd, wl_seqpacket_raw **out);

/**
 * Closes the socket and frees the handle. NULL is a no-op.
 *
 * Ownership: consumes `sock`; it must not be used afterwards. Errors from
 * `close(2)` are ignored, as in Rust's `Drop`. Freeing a handle while another
 * thread still uses it is the caller's bug.
 */
void wl_seqpacket_bound_free(wl_seqpacket_bound *sock);

/**
 * The socket's file descriptor, for `epoll`, `poll`, libuv, io_uring or
 * a `setsockopt(2)` Wirelane does not wrap.
 *
 * Ownership: the descriptor stays owned by the handle: do not close it,
 * and do not use it after `wl_seqpacket_bound_free`. Returns the descriptor (>= 0), or
 * `-EINVAL` if `sock` is NULL.
 */
int wl_seqpacket_bound_fd(const wl_seqpacket_bound *sock);

/**
 * Frees the handle and returns its descriptor, which the caller now owns
 * and must `close(2)`.
 *
 * Ownership: consumes `sock` on success. Returns the descriptor (>= 0), or
 * `-EINVAL` if `sock` is NULL (nothing is consumed then).
 */
int wl_seqpacket_bound_into_fd(wl_seqpacket_bound *sock);

/**
 * Adopts an existing descriptor as a `wl_seqpacket_bound`, after asking
 * the kernel that it is a bound, not listening, unconnected Unix
 * seqpacket socket.
 *
 * Ownership: on success the handle owns `fd` and `*out` is written. On
 * failure `fd` stays open and owned by the caller. Returns 0, or `-EBADF`,
 * `-ENOTSOCK`, `-EAFNOSUPPORT`, `-EPROTOTYPE`, `-EINVAL` (other state,
 * NULL `out`).
 */
int wl_seqpacket_bound_from_fd(int fd, wl_seqpacket_bound **out);

/**
 * Closes the socket and frees the handle. NULL is a no-op.
 *
 * Ownership: consumes `sock`; it must not be used afterwards. Errors from
 * `close(2)` are ignored, as in Rust's `Drop`. Freeing a handle while another
 * thread still uses it is the caller's bug.
 */
void wl_seqpacket_listener_free(wl_seqpacket_listener *sock);

/**
 * The socket's file descriptor, for `epoll`, `poll`, libuv, io_uring or
 * a `setsockopt(2)` Wirelane does not wrap.
 *
 * Ownership: the descriptor stays owned by the handle: do not close it,
 * and do not use it after `wl_seqpacket_listener_free`. Returns the descriptor (>= 0), or
 * `-EINVAL` if `sock` is NULL.
 */
int wl_seqpacket_listener_fd(const wl_seqpacket_listener *sock);

/**
 * Frees the handle and returns its descriptor, which the caller now owns
 * and must `close(2)`.
 *
 * Ownership: consumes `sock` on success. Returns the descriptor (>= 0), or
 * `-EINVAL` if `sock` is NULL (nothing is consumed then).
 */
int wl_seqpacket_listener_into_fd(wl_seqpacket_listener *sock);

/**
 * Adopts an existing descriptor as a `wl_seqpacket_listener`, after
 * asking the kernel that it is a listening Unix seqpacket socket.
 *
 * Ownership: on success the handle owns `fd` and `*out` is written. On
 * failure `fd` stays open and owned by the caller. Returns 0, or `-EBADF`,
 * `-ENOTSOCK`, `-EAFNOSUPPORT`, `-EPROTOTYPE`, `-EINVAL` (other state,
 * NULL `out`).
 */
int wl_seqpacket_listener_from_fd(int fd, wl_seqpacket_listener **out);

/**
 * Closes the socket and frees the handle. NULL is a no-op.
 *
 * Ownership: consumes `sock`; it must not be used afterwards. Errors from
 * `close(2)` are ignored, as in Rust's `Drop`. Freeing a handle while another
 * thread still uses it is the caller's bug.
 */
void wl_seqpacket_free(wl_seqpacket *sock);

/**
 * The socket's file descriptor, for `epoll`, `poll`, libuv, io_uring or
 * a `setsockopt(2)` Wirelane does not wrap.
 *
 * Ownership: the descriptor stays owned by the handle: do not close it,
 * and do not use it after `wl_seqpacket_free`. Returns the descriptor (>= 0), or
 * `-EINVAL` if `sock` is NULL.
 */
int wl_seqpacket_fd(const wl_seqpacket *sock);

/**
 * Frees the handle and returns its descriptor, which the caller now owns
 * and must `close(2)`.
 *
 * Ownership: consumes `sock` on success. Returns the descriptor (>= 0), or
 * `-EINVAL` if `sock` is NULL (nothing is consumed then).
 */
int wl_seqpacket_into_fd(wl_seqpacket *sock);

/**
 * Adopts an existing descriptor as a `wl_seqpacket`, after asking the
 * kernel that it is a connected Unix seqpacket socket.
 *
 * Ownership: on success the handle owns `fd` and `*out` is written. On
 * failure `fd` stays open and owned by the caller. Returns 0, or `-EBADF`,
 * `-ENOTSOCK`, `-EAFNOSUPPORT`, `-EPROTOTYPE` (e.g. a Unix stream),
 * `-EINVAL` (other state, NULL `out`).
 */
int wl_seqpacket_from_fd(int fd, wl_seqpacket **out);

/**
 * Closes the socket and frees the handle. NULL is a no-op.
 *
 * Ownership: consumes `sock`; it must not be used afterwards. Errors from
 * `close(2)` are ignored, as in Rust's `Drop`. Freeing a handle while another
 * thread still uses it is the caller's bug.
 */
void wl_icmp_raw_free(wl_icmp_raw *sock);

/**
 * The socket's file descriptor, for `epoll`, `poll`, libuv, io_uring or
 * a `setsockopt(2)` Wirelane does not wrap.
 *
 * Ownership: the descriptor stays owned by the handle: do not close it,
 * and do not use it after `wl_icmp_raw_free`. Returns the descriptor (>= 0), or
 * `-EINVAL` if `sock` is NULL.
 */
int wl_icmp_raw_fd(const wl_icmp_raw *sock);

/**
 * Frees the handle and returns its descriptor, which the caller now owns
 * and must `close(2)`.
 *
 * Ownership: consumes `sock` on success. Returns the descriptor (>= 0), or
 * `-EINVAL` if `sock` is NULL (nothing is consumed then).
 */
int wl_icmp_raw_into_fd(wl_icmp_raw *sock);

/**
 * Adopts an existing descriptor as a `wl_icmp_raw`, after asking the kernel that
 * it is a fresh (unbound, unconnected) ICMP echo socket (`SO_DOMAIN`, `SO_TYPE`, `SO_PROTOCOL`,
 * `SO_ACCEPTCONN`, peer and local address).
 *
 * Ownership: on success the handle owns `fd` and `*out` is written. On
 * failure `fd` stays open and owned by the caller. Returns 0, or `-EBADF`
 * (negative or closed `fd`), `-ENOTSOCK`, `-EAFNOSUPPORT` (not IPv4 or
 * IPv6), `-EPROTOTYPE` (other socket type), `-EPROTONOSUPPORT` (other
 * protocol), `-EINVAL` (other state, NULL `out`).
 */
int wl_icmp_raw_from_fd(int fd, wl_icmp_raw **out);

/**
 * Closes the socket and frees the handle. NULL is a no-op.
 *
 * Ownership: consumes `sock`; it must not be used afterwards. Errors from
 * `close(2)` are ignored, as in Rust's `Drop`. Freeing a handle while another
 * thread still uses it is the caller's bug.
 */
void wl_icmp_free(wl_icmp *sock);

/**
 * The socket's file descriptor, for `epoll`, `poll`, libuv, io_uring or
 * a `setsockopt(2)` Wirelane does not wrap.
 *
 * Ownership: the descriptor stays owned by the handle: do not close it,
 * and do not use it after `wl_icmp_free`. Returns the descriptor (>= 0), or
 * `-EINVAL` if `sock` is NULL.
 */
int wl_icmp_fd(const wl_icmp *sock);

/**
 * Frees the handle and returns its descriptor, which the caller now owns
 * and must `close(2)`.
 *
 * Ownership: consumes `sock` on success. Returns the descriptor (>= 0), or
 * `-EINVAL` if `sock` is NULL (nothing is consumed then).
 */
int wl_icmp_into_fd(wl_icmp *sock);

/**
 * Adopts an existing descriptor as a `wl_icmp`, after asking the kernel that
 * it is a bound, unconnected ICMP echo socket (`SO_DOMAIN`, `SO_TYPE`, `SO_PROTOCOL`,
 * `SO_ACCEPTCONN`, peer and local address).
 *
 * Ownership: on success the handle owns `fd` and `*out` is written. On
 * failure `fd` stays open and owned by the caller. Returns 0, or `-EBADF`
 * (negative or closed `fd`), `-ENOTSOCK`, `-EAFNOSUPPORT` (not IPv4 or
 * IPv6), `-EPROTOTYPE` (other socket type), `-EPROTONOSUPPORT` (other
 * protocol), `-EINVAL` (other state, NULL `out`).
 */
int wl_icmp_from_fd(int fd, wl_icmp **out);

/**
 * Closes the socket and frees the handle. NULL is a no-op.
 *
 * Ownership: consumes `sock`; it must not be used afterwards. Errors from
 * `close(2)` are ignored, as in Rust's `Drop`. Freeing a handle while another
 * thread still uses it is the caller's bug.
 */
void wl_icmp_conn_free(wl_icmp_conn *sock);

/**
 * The socket's file descriptor, for `epoll`, `poll`, libuv, io_uring or
 * a `setsockopt(2)` Wirelane does not wrap.
 *
 * Ownership: the descriptor stays owned by the handle: do not close it,
 * and do not use it after `wl_icmp_conn_free`. Returns the descriptor (>= 0), or
 * `-EINVAL` if `sock` is NULL.
 */
int wl_icmp_conn_fd(const wl_icmp_conn *sock);

/**
 * Frees the handle and returns its descriptor, which the caller now owns
 * and must `close(2)`.
 *
 * Ownership: consumes `sock` on success. Returns the descriptor (>= 0), or
 * `-EINVAL` if `sock` is NULL (nothing is consumed then).
 */
int wl_icmp_conn_into_fd(wl_icmp_conn *sock);

/**
 * Adopts an existing descriptor as a `wl_icmp_conn`, after asking the kernel that
 * it is a connected ICMP echo socket (`SO_DOMAIN`, `SO_TYPE`, `SO_PROTOCOL`,
 * `SO_ACCEPTCONN`, peer and local address).
 *
 * Ownership: on success the handle owns `fd` and `*out` is written. On
 * failure `fd` stays open and owned by the caller. Returns 0, or `-EBADF`
 * (negative or closed `fd`), `-ENOTSOCK`, `-EAFNOSUPPORT` (not IPv4 or
 * IPv6), `-EPROTOTYPE` (other socket type), `-EPROTONOSUPPORT` (other
 * protocol), `-EINVAL` (other state, NULL `out`).
 */
int wl_icmp_conn_from_fd(int fd, wl_icmp_conn **out);

/**
 * Closes the socket and frees the handle. NULL is a no-op.
 *
 * Ownership: consumes `sock`; it must not be used afterwards. Errors from
 * `close(2)` are ignored, as in Rust's `Drop`. Freeing a handle while another
 * thread still uses it is the caller's bug.
 */
void wl_rawip_raw_free(wl_rawip_raw *sock);

/**
 * The socket's file descriptor, for `epoll`, `poll`, libuv, io_uring or
 * a `setsockopt(2)` Wirelane does not wrap.
 *
 * Ownership: the descriptor stays owned by the handle: do not close it,
 * and do not use it after `wl_rawip_raw_free`. Returns the descriptor (>= 0), or
 * `-EINVAL` if `sock` is NULL.
 */
int wl_rawip_raw_fd(const wl_rawip_raw *sock);

/**
 * Frees the handle and returns its descriptor, which the caller now owns
 * and must `close(2)`.
 *
 * Ownership: consumes `sock` on success. Returns the descriptor (>= 0), or
 * `-EINVAL` if `sock` is NULL (nothing is consumed then).
 */
int wl_rawip_raw_into_fd(wl_rawip_raw *sock);

/**
 * Adopts an existing descriptor as a `wl_rawip_raw`, after asking the kernel that
 * it is a fresh (unbound, unconnected) raw IP socket (`SO_DOMAIN`, `SO_TYPE`, `SO_PROTOCOL`,
 * `SO_ACCEPTCONN`, peer and local address).
 *
 * Ownership: on success the handle owns `fd` and `*out` is written. On
 * failure `fd` stays open and owned by the caller. Returns 0, or `-EBADF`
 * (negative or closed `fd`), `-ENOTSOCK`, `-EAFNOSUPPORT` (not IPv4 or
 * IPv6), `-EPROTOTYPE` (other socket type), `-EPROTONOSUPPORT` (other
 * protocol), `-EINVAL` (other state, NULL `out`).
 */
int wl_rawip_raw_from_fd(int fd, wl_rawip_raw **out);

/**
 * Closes the socket and frees the handle. NULL is a no-op.
 *
 * Ownership: consumes `sock`; it must not be used afterwards. Errors from
 * `close(2)` are ignored, as in Rust's `Drop`. Freeing a handle while another
 * thread still uses it is the caller's bug.
 */
void wl_rawip_free(wl_rawip *sock);

/**
 * The socket's file descriptor, for `epoll`, `poll`, libuv, io_uring or
 * a `setsockopt(2)` Wirelane does not wrap.
 *
 * Ownership: the descriptor stays owned by the handle: do not close it,
 * and do not use it after `wl_rawip_free`. Returns the descriptor (>= 0), or
 * `-EINVAL` if `sock` is NULL.
 */
int wl_rawip_fd(const wl_rawip *sock);

/**
 * Frees the handle and returns its descriptor, which the caller now owns
 * and must `close(2)`.
 *
 * Ownership: consumes `sock` on success. Returns the descriptor (>= 0), or
 * `-EINVAL` if `sock` is NULL (nothing is consumed then).
 */
int wl_rawip_into_fd(wl_rawip *sock);

/**
 * Adopts an existing descriptor as a `wl_rawip`, after asking the kernel that
 * it is a bound, unconnected raw IP socket (`SO_DOMAIN`, `SO_TYPE`, `SO_PROTOCOL`,
 * `SO_ACCEPTCONN`, peer and local address).
 *
 * Ownership: on success the handle owns `fd` and `*out` is written. On
 * failure `fd` stays open and owned by the caller. Returns 0, or `-EBADF`
 * (negative or closed `fd`), `-ENOTSOCK`, `-EAFNOSUPPORT` (not IPv4 or
 * IPv6), `-EPROTOTYPE` (other socket type), `-EPROTONOSUPPORT` (other
 * protocol), `-EINVAL` (other state, NULL `out`).
 */
int wl_rawip_from_fd(int fd, wl_rawip **out);

/**
 * Closes the socket and frees the handle. NULL is a no-op.
 *
 * Ownership: consumes `sock`; it must not be used afterwards. Errors from
 * `close(2)` are ignored, as in Rust's `Drop`. Freeing a handle while another
 * thread still uses it is the caller's bug.
 */
void wl_rawip_conn_free(wl_rawip_conn *sock);

/**
 * The socket's file descriptor, for `epoll`, `poll`, libuv, io_uring or
 * a `setsockopt(2)` Wirelane does not wrap.
 *
 * Ownership: the descriptor stays owned by the handle: do not close it,
 * and do not use it after `wl_rawip_conn_free`. Returns the descriptor (>= 0), or
 * `-EINVAL` if `sock` is NULL.
 */
int wl_rawip_conn_fd(const wl_rawip_conn *sock);

/**
 * Frees the handle and returns its descriptor, which the caller now owns
 * and must `close(2)`.
 *
 * Ownership: consumes `sock` on success. Returns the descriptor (>= 0), or
 * `-EINVAL` if `sock` is NULL (nothing is consumed then).
 */
int wl_rawip_conn_into_fd(wl_rawip_conn *sock);

/**
 * Adopts an existing descriptor as a `wl_rawip_conn`, after asking the kernel that
 * it is a connected raw IP socket (`SO_DOMAIN`, `SO_TYPE`, `SO_PROTOCOL`,
 * `SO_ACCEPTCONN`, peer and local address).
 *
 * Ownership: on success the handle owns `fd` and `*out` is written. On
 * failure `fd` stays open and owned by the caller. Returns 0, or `-EBADF`
 * (negative or closed `fd`), `-ENOTSOCK`, `-EAFNOSUPPORT` (not IPv4 or
 * IPv6), `-EPROTOTYPE` (other socket type), `-EPROTONOSUPPORT` (other
 * protocol), `-EINVAL` (other state, NULL `out`).
 */
int wl_rawip_conn_from_fd(int fd, wl_rawip_conn **out);

/**
 * Waits up to `timeout_ms` milliseconds (negative: forever) for the
 * connect to resolve, one way or the other (`poll(2)` for `POLLOUT`):
 * `PendingConnect::wait`.
 *
 * Returns 1 when it has resolved (call `wl_pending_finish`), 0 on
 * timeout, `-EINTR` if a signal interrupted the wait, `-EINVAL` for a NULL
 * `pending`. Borrows `pending`.
 *
 * Never returns `-EAGAIN`: it polls for up to `timeout_ms` and returns 0 on
 * timeout.
 */
int wl_pending_wait(const wl_pending *pending, int timeout_ms);

/**
 * Chooses the interface for outgoing IPv4 multicast (`IP_MULTICAST_IF`
 * with a `struct ip_mreqn`, see `ip(7)`): `wirelane::set_multicast_if_v4`.
 * `interface` is the interface's address (4 bytes in network order),
 * `ifindex` its index (`if_nametoindex(3)`); give either or both (the
 * index wins). All-zero and 0 go back to the default (by route).
 *
 * Returns 0, or `-EINVAL` (NULL `interface`, `ifindex` above `INT_MAX`),
 * `-EADDRNOTAVAIL` (not a local address), `-ENODEV` (no such index), or
 * another `-errno`.
 */
int wl_set_multicast_if_v4(int fd, const uint8_t *interface, uint32_t ifindex);

/**
 * Writes the address of the outgoing IPv4 multicast interface
 * (`IP_MULTICAST_IF`, see `ip(7)`) to `out` (4 bytes, network order):
 * `wirelane::multicast_if_v4`. All zero when unset or set by index only
 * (the kernel does not report the index).
 *
 * Returns 0 or `-errno`; `out` is written only on success.
 */
int wl_multicast_if_v4(int fd, uint8_t *out);

/**
 * Joins IPv4 multicast `group` for the datagrams of `source` only
 * (source-specific multicast, `IP_ADD_SOURCE_MEMBERSHIP`, see `ip(7)`) on
 * the interface with address `interface` (all zero: by route):
 * `wirelane::join_ssm_v4`. Each is 4 bytes in network order. Call it once
 * per allowed source.
 *
 * Returns 0, or `-EINVAL` (NULL, `group` not multicast, `source` not
 * unicast), `-EADDRNOTAVAIL` (this source joined already), or another
 * `-errno`.
 */
int wl_join_ssm_v4(int fd, const uint8_t *group, const uint8_t *source, const uint8_t *interface);

/**
 * Stops receiving `source`'s datagrams to `group`, joined with
 * `wl_join_ssm_v4` (`IP_DROP_SOURCE_MEMBERSHIP`, see `ip(7)`):
 * `wirelane::leave_ssm_v4`. Leaving the last source leaves the group.
 *
 * Returns 0, or `-EADDRNOTAVAIL` (source not joined), `-EINVAL` (group
 * not joined, bad arguments), or another `-errno`.
 */
int wl_leave_ssm_v4(int fd, const uint8_t *group, const uint8_t *source, const uint8_t *interface);

/**
 * Joins IPv6 multicast `group` for the datagrams of `source` only
 * (`MCAST_JOIN_SOURCE_GROUP`, RFC 3678; see `ipv6(7)`) on the interface
 * with index `interface` (0: by route): `wirelane::join_ssm_v6`. `group`
 * and `source` are 16 bytes in network order.
 *
 * Returns 0, or `-EINVAL` (NULL, `group` not multicast, `source` not
 * unicast), `-EADDRNOTAVAIL` (joined already), or another `-errno`.
 */
int wl_join_ssm_v6(int fd, const uint8_t *group, const uint8_t *source, uint32_t interface);

/**
 * Stops receiving `source`'s datagrams to `group`, joined with
 * `wl_join_ssm_v6` (`MCAST_LEAVE_SOURCE_GROUP`, RFC 3678):
 * `wirelane::leave_ssm_v6`.
 *
 * Returns 0 or `-errno`.
 */
int wl_leave_ssm_v6(int fd, const uint8_t *group, const uint8_t *source, uint32_t interface);

/**
 * Writes the destination an accepted IPv4 TCP connection had before a
 * netfilter NAT rule (`REDIRECT`, `DNAT`) rewrote it to `*out`
 * (`SO_ORIGINAL_DST`, see `iptables-extensions(8)`):
 * `wirelane::original_dst_v4`. A connection no rule translated gives its
 * own destination.
 *
 * Returns 0, or `-ENOENT` (conntrack does not track the connection), or
 * another `-errno`; `*out` is written only on success.
 */
int wl_original_dst_v4(int fd, wl_addr *out);

/**
 * The IPv6 twin of `wl_original_dst_v4` (`IP6T_SO_ORIGINAL_DST`):
 * `wirelane::original_dst_v6`.
 *
 * Returns 0, or `-ENOENT` (conntrack does not track the connection), or
 * another `-errno`; `*out` is written only on success.
 */
int wl_original_dst_v6(int fd, wl_addr *out);

/**
 * Copies the SYN that opened an accepted connection, its IP and TCP
 * headers as they arrived (`TCP_SAVED_SYN`, see `tcp(7)`), into `buf`
 * (`len` bytes), after `wl_set_tcp_save_syn(listener_fd, true)`:
 * `wirelane::tcp_saved_syn_into`.
 *
 * Returns the SYN's length: 0 when none is saved (the kernel hands it
 * out once). A return value larger than `len` means `buf` is too small:
 * nothing was copied and the SYN stays saved; call again with that many
 * bytes (`buf = NULL, len = 0` asks for the length). Or `-errno`.
 */
int wl_tcp_saved_syn(int fd, uint8_t *buf, size_t len);

/**
 * Creates a socket (`socket(2)`, always `SOCK_CLOEXEC`).
 *
 * `domain` is `AF_INET`, `AF_INET6` or `AF_UNIX`; `type` is `SOCK_STREAM`
 * or `SOCK_DGRAM` (no flag bits: for a socket non-blocking from birth use
 * `wl_raw_open` with `WL_NONBLOCK`).
 *
 * Ownership: on success `*out` receives a new handle the caller owns
 * (free it with `wl_raw_free` or pass it to a transition). Returns 0, or
 * `-EAFNOSUPPORT` / `-EPROTOTYPE` for an unsupported domain / type,
 * `-EINVAL` for a NULL `out`, or the `socket(2)` error (`-EMFILE`, ...).
 */
int wl_raw_new(int domain, int type, wl_raw **out);

/**
 * The socket type: `SOCK_STREAM` or `SOCK_DGRAM` (no syscall).
 *
 * Returns the type, or `-EINVAL` if `sock` is NULL. Borrows `sock`.
 */
int wl_raw_type(const wl_raw *sock);

/**
 * Creates a raw IP socket for IP protocol `protocol` (1 to 255, e.g.
 * `IPPROTO_ICMP`, `IPPROTO_UDP`; `socket(domain, SOCK_RAW | SOCK_CLOEXEC,
 * protocol)`): `RawSocket::<D, RawIp>::with_protocol`.
 *
 * `flags` is 0 or `WL_NONBLOCK`: non-blocking from birth (`SOCK_NONBLOCK`
 * given to `socket(2)`, no `fcntl`;
 * `RawSocket::<D, RawIp>::with_protocol_nonblocking`), for event loops;
 * the `wl_rawip` / `wl_rawip_conn` it becomes stays non-blocking, and
 * their sends and receives return `-EAGAIN` instead of waiting.
 * Close-on-exec is always on.
 *
 * Ownership: on success `*out` receives a new handle the caller owns
 * (free it with `wl_rawip_raw_free` or pass it to a transition). Returns
 * 0, or `-EAFNOSUPPORT` (`domain` is not `AF_INET`/`AF_INET6`),
 * `-EPROTONOSUPPORT` (protocol 0, which names none), `-EINVAL` (protocol
 * outside 0..=255, unknown `flags` bits, NULL `out`; each named by the
 * last error), `-EPERM` (no `CAP_NET_RAW` over this network namespace;
 * the last error message says so), or the `socket(2)` error; `*out` is
 * written only on success.
 */
int wl_rawip_raw_new(int domain, int protocol, unsigned int flags, wl_rawip_raw **out);

/**
 * Sends one packet payload of `len` bytes to `*to` (`sendto(2)`,
 * `MSG_NOSIGNAL` added; the kernel writes the IP header unless
 * `IP_HDRINCL`): `BoundDatagram<D, RawIp>::send_to_with_flags`.
 *
 * Returns the number of bytes sent, or `-EAFNOSUPPORT` (address of the
 * other family), `-EMSGSIZE`, `-EAGAIN`, `-EINTR`, `-EINVAL` (NULL `sock`
 * or `to`, NULL `buf` with `len > 0`). Borrows `sock`; no allocation.
 *
 * `-EAGAIN`: no room for the packet in the socket's send buffer, on a
 * non-blocking socket (`wl_rawip_raw_new` with `WL_NONBLOCK`,
 * `MSG_DONTWAIT`) or, on a blocking one, after the write timeout
 * (`SO_SNDTIMEO`). The packet was not sent (it goes whole or not at all);
 * retry when `wl_wait` (or your event loop) reports `WL_WRITABLE`.
 */
ssize_t wl_rawip_send_to(const wl_rawip *sock,
                         const void *buf,
                         size_t len,
                         const wl_addr *to,
                         int flags);

/**
 * Receives one packet into `buf` (`recvfrom(2)`; IPv4 packets start with
 * their IP header): `BoundDatagram<D, RawIp>::recv_from_with_flags`. As
 * with `wl_dgram_recv_from`, a packet longer than `len` is truncated;
 * with `MSG_TRUNC` in `flags` its real length is returned. If `from` is
 * not NULL the sender's address (port 0) is written there.
 *
 * Returns the packet's length, or `-EAGAIN` (non-blocking, or read
 * timeout), `-EINTR`, `-EINVAL` (NULL `sock`, NULL `buf` with `len > 0`).
 * `*from` is written only on success. Borrows `sock`; no allocation.
 *
 * `-EAGAIN`: no packet is queued, on a non-blocking socket
 * (`wl_rawip_raw_new` with `WL_NONBLOCK`, `MSG_DONTWAIT`) or, on a
 * blocking one, after the read timeout (`SO_RCVTIMEO`). Nothing was
 * consumed and the outputs are untouched; retry when `wl_wait` (or your
 * event loop) reports `WL_READABLE`.
 */
ssize_t wl_rawip_recv_from(const wl_rawip *sock, void *buf, size_t len, wl_addr *from, int flags);

/**
 * Sends one packet payload to the connected host (`send(2)`,
 * `MSG_NOSIGNAL` added): `ConnectedDatagram<D, RawIp>::send_with_flags`.
 *
 * Returns the number of bytes sent, or `-EMSGSIZE`, `-EAGAIN`, `-EINTR`,
 * `-EINVAL` (NULL `sock`, NULL `buf` with `len > 0`). Borrows `sock`; no
 * allocation.
 *
 * `-EAGAIN`: no room for the packet in the socket's send buffer, on a
 * non-blocking socket (`wl_rawip_raw_new` with `WL_NONBLOCK`,
 * `MSG_DONTWAIT`) or, on a blocking one, after the write timeout
 * (`SO_SNDTIMEO`). The packet was not sent (it goes whole or not at all);
 * retry when `wl_wait` (or your event loop) reports `WL_WRITABLE`.
 */
ssize_t wl_rawip_conn_send(const wl_rawip_conn *sock, const void *buf, size_t len, int flags);

/**
 * Receives one packet from the connected host (`recv(2)`; IPv4 packets
 * start with their IP header): `ConnectedDatagram<D, RawIp>::recv_with_flags`.
 * Truncation as in `wl_rawip_recv_from`.
 *
 * Returns the packet's length, or `-EAGAIN`, `-EINTR`, `-EINVAL` (NULL
 * `sock`, NULL `buf` with `len > 0`). Borrows `sock`; no allocation.
 *
 * `-EAGAIN`: no packet is queued, on a non-blocking socket
 * (`wl_rawip_raw_new` with `WL_NONBLOCK`, `MSG_DONTWAIT`) or, on a
 * blocking one, after the read timeout (`SO_RCVTIMEO`). Nothing was
 * consumed and the outputs are untouched; retry when `wl_wait` (or your
 * event loop) reports `WL_READABLE`.
 */
ssize_t wl_rawip_conn_recv(const wl_rawip_conn *sock, void *buf, size_t len, int flags);

/**
 * Creates storage for up to `count` datagrams per receive (1 to
 * `WL_MAX_BATCH`) for `domain` (`AF_INET` or `AF_INET6`):
 * `RecvSlots::new`. All its memory is allocated here.
 *
 * Ownership: on success `*out` receives a new handle the caller frees
 * with `wl_recv_slots_free`. Returns 0, or `-EINVAL` (count out of range,
 * NULL `out`), `-EAFNOSUPPORT` (any other domain).
 */
int wl_recv_slots_new(int domain, size_t count, wl_recv_slots **out);

/**
 * Frees receive slots. NULL is a no-op.
 */
void wl_recv_slots_free(wl_recv_slots *slots);

/**
 * How many datagrams the last receive filled. Returns it or `-EINVAL`.
 */
int wl_recv_slots_len(const wl_recv_slots *slots);

/**
 * Receives up to `min(n, capacity)` datagrams in one `recvmmsg(2)`,
 * datagram `i` into the caller's buffer `bufs[i]` and its sender and
 * metadata into slot `i` (`BoundDatagram::recv_slots`). `flags` as for
 * `wl_dgram_recv_batch` (`WL_MSG_WAITFORONE`, `MSG_DONTWAIT`). The array
 * is only read; the buffers it names receive the data.
 *
 * Returns how many arrived (read them with `wl_recv_slots_meta`), or
 * `-EAGAIN`, `-EINVAL` (NULL, `n` 0), `-EAFNOSUPPORT` (slots of another
 * domain, Unix), `-errno`. No allocation.
 *
 * `-EAGAIN`: not even one datagram arrived (non-blocking socket,
 * `MSG_DONTWAIT`, or the read timeout); nothing was consumed and the slots
 * hold no messages; retry when `wl_wait` (or your event loop) reports
 * `WL_READABLE`. Once one datagram has arrived, running out of them returns
 * the count instead. After a shutdown for receiving a blocking call returns
 * `-ESHUTDOWN` (the slots keep the datagrams that came before it).
 */
int wl_dgram_recv_slots(const wl_dgram *sock,
                        wl_recv_slots *slots,
                        struct iovec *bufs,
                        size_t n,
                        int flags);

/**
 * `wl_dgram_recv_slots` on a connected datagram socket
 * (`ConnectedDatagram::recv_slots`).
 *
 * `-EAGAIN`: not even one datagram arrived (non-blocking socket,
 * `MSG_DONTWAIT`, or the read timeout); nothing was consumed and the slots
 * hold no messages; retry when `wl_wait` (or your event loop) reports
 * `WL_READABLE`. Once one datagram has arrived, running out of them returns
 * the count instead. After a shutdown for receiving a blocking call returns
 * `-ESHUTDOWN` (the slots keep the datagrams that came before it).
 */
int wl_dgram_conn_recv_slots(const wl_dgram_conn *sock,
                             wl_recv_slots *slots,
                             struct iovec *bufs,
                             size_t n,
                             int flags);

/**
 * Describes datagram `index` (below `wl_recv_slots_len`) of the last
 * receive in `*out`: `len` is `msg_len` (the bytes in its buffer; with
 * `MSG_TRUNC` in the receive's flags, the datagram's real length; a
 * datagram cut to its buffer has `MSG_TRUNC` in `wl_recv_slots_flags`),
 * `source` the sender, and
 * the metadata decoded from that slot's own control data (a cut control
 * buffer shows as `WL_META_CTRUNC`).
 *
 * Returns 0, or `-EINVAL` (index out of range, NULL, malformed control
 * data); `*out` is written only on success.
 */
int wl_recv_slots_meta(const wl_recv_slots *slots, size_t index, wl_udp_recv_meta *out);

/**
 * Writes the kernel's `msg_flags` of datagram `index` (`MSG_TRUNC`: cut
 * to its buffer; `MSG_CTRUNC`) to `*out`. Returns 0, or `-EINVAL` (index
 * out of range, NULL).
 */
int wl_recv_slots_flags(const wl_recv_slots *slots, size_t index, int *out);

/**
 * Points `*control` at the raw control bytes of datagram `index` of the
 * last receive and writes their length to `*control_len`, for
 * `wl_cmsg_first` / `wl_cmsg_next`. The bytes live in `slots`: valid
 * until the next receive into them or their free. Returns 0, or
 * `-EINVAL` (index out of range, NULL).
 */
int wl_recv_slots_control(const wl_recv_slots *slots,
                          size_t index,
                          const uint8_t **control,
                          size_t *control_len);

/**
 * Creates a Unix seqpacket socket (`socket(AF_UNIX, SOCK_SEQPACKET |
 * SOCK_CLOEXEC, 0)`): `RawSocket::<Unix, SeqPacket>::new`. `flags` is 0
 * or `WL_NONBLOCK`: non-blocking from birth (`SOCK_NONBLOCK` given to
 * `socket(2)`, no `fcntl`; `RawSocket::new_nonblocking`), for event
 * loops. Close-on-exec is always on.
 *
 * A non-blocking socket stays so through its transitions: the
 * `wl_seqpacket` it connects to, or the `wl_seqpacket_listener` it
 * becomes, is non-blocking too, and their calls that would wait return
 * `-EAGAIN` (see each call).
 *
 * Ownership: on success `*out` receives a new handle the caller owns
 * (free it with `wl_seqpacket_raw_free` or pass it to a transition).
 * Returns 0, or `-EINVAL` (unknown `flags` bits, named by the last error;
 * NULL `out`), or the `socket(2)` error (`-EMFILE`, ...); `*out` is
 * written only on success.
 */
int wl_seqpacket_raw_new(unsigned int flags, wl_seqpacket_raw **out);

/**
 * Binds to a Unix address (`bind(2)`): `RawSocket<Unix, SeqPacket>::bind`.
 *
 * Ownership: on success consumes `sock` and writes a new
 * `wl_seqpacket_bound` to `*out`. On failure `sock` stays valid and owned
 * by the caller and `*out` is untouched. Returns 0, or `-EAFNOSUPPORT`
 * (an address that is not `AF_UNIX`), `-EINVAL` (NULL argument, malformed
 * address), or the `bind(2)` error (`-EADDRINUSE`, `-EACCES`, ...).
 */
int wl_seqpacket_raw_bind(wl_seqpacket_raw *sock, const wl_addr *addr, wl_seqpacket_bound **out);

/**
 * Connects to a listening seqpacket socket (`connect(2)`):
 * `RawSocket<Unix, SeqPacket>::connect`. A Unix connect completes or
 * fails at once (never `-EINPROGRESS`), so this is the connect for a
 * non-blocking socket as well; the connection keeps the socket's mode.
 *
 * Ownership: on success consumes `sock` and writes a new `wl_seqpacket`
 * to `*out`; on failure `sock` stays valid and owned by the caller and
 * `*out` is untouched. Returns 0, or `-EAFNOSUPPORT`, `-EINVAL`, or the
 * `connect(2)` error (`-ECONNREFUSED`, `-ENOENT`, `-EAGAIN`, `-EINTR`,
 * ...).
 *
 * `-EAGAIN`: the listener's queue is full (its backlog), at once on a
 * non-blocking socket (`WL_NONBLOCK`), or on a blocking one after the
 * write timeout (`SO_SNDTIMEO`) passed while waiting for room (without a
 * timeout a blocking connect waits). Nothing was connected and `sock`
 * stays a fresh `wl_seqpacket_raw`, still owned by the caller: retry
 * later. The listener's side gives this socket no readiness signal for
 * it, so an event loop retries on a timer.
 */
int wl_seqpacket_raw_connect(wl_seqpacket_raw *sock, const wl_addr *addr, wl_seqpacket **out);

/**
 * Accepts one connection (`accept4(2)` with `SOCK_CLOEXEC`):
 * `Listener<Unix, SeqPacket>::accept_with_addr`. Blocks until a client
 * connects unless the listener is non-blocking (`wl_seqpacket_raw_new`
 * with `WL_NONBLOCK`; then `-EAGAIN` when none is pending). The accepted
 * socket is blocking (`wl_seqpacket_listener_accept_flags` with
 * `WL_NONBLOCK` accepts it non-blocking from birth).
 *
 * Ownership: borrows `listener`; on success `*out` receives a new
 * `wl_seqpacket` the caller owns, and `*peer` (if `peer` is not NULL) the
 * client's address (usually unnamed). Outputs are written only on
 * success. Returns 0, or `-EAGAIN`, `-EINTR` (a signal interrupted the
 * wait; nothing accepted), `-EMFILE` / `-ENFILE` (the connection stays
 * queued), ..., or `-EINVAL` for a NULL `listener`/`out` or a listener
 * that was shut down (`wl_seqpacket_listener_shutdown`).
 *
 * `-EAGAIN`: no connection is queued on a non-blocking listener, or the
 * listener's read timeout (`SO_RCVTIMEO`) passed. Nothing was accepted and
 * the outputs are untouched; retry when `wl_wait` (or your event loop)
 * reports the listener `WL_READABLE`. A thread blocked here is woken by
 * `wl_seqpacket_listener_shutdown` (with `-EINVAL`).
 */
int wl_seqpacket_listener_accept(const wl_seqpacket_listener *listener,
                                 wl_seqpacket **out,
                                 wl_addr *peer);

/**
 * Accepts one connection as `wl_seqpacket_listener_accept` does, the new
 * socket non-blocking from birth with `WL_NONBLOCK` in `flags`
 * (`accept4(2)` with `SOCK_NONBLOCK | SOCK_CLOEXEC`, no `fcntl`):
 * `Listener<Unix, SeqPacket>::accept_nonblocking`. `flags` 0 accepts a
 * blocking socket.
 *
 * The flag concerns the new connection only; whether this call waits
 * depends on the listener. On a blocking listener it waits:
 * `wl_seqpacket_listener_shutdown` wakes it with `-EINVAL`.
 *
 * `-EAGAIN`: no connection is queued on a non-blocking listener
 * (`wl_seqpacket_raw_new` with `WL_NONBLOCK`), or a blocking listener's
 * read timeout (`SO_RCVTIMEO`) passed. Nothing was accepted and the
 * outputs are untouched; retry when `wl_wait` (or your loop) reports the
 * listener `WL_READABLE`. An event loop accepts its batch by calling this
 * until `-EAGAIN`.
 *
 * Ownership: borrows `listener`; on success `*out` receives a new
 * `wl_seqpacket` the caller owns and `*peer` (if not NULL) the client's
 * address (usually unnamed); outputs are written only on success. Returns
 * 0, or `-EAGAIN`, `-EINTR` (a signal interrupted the wait; nothing
 * accepted), `-EMFILE` / `-ENFILE` (out of descriptors: the connection
 * stays queued), `-EINVAL` (unknown `flags` bits; NULL `listener`/`out`;
 * the listener was shut down), each named by the last error.
 */
int wl_seqpacket_listener_accept_flags(const wl_seqpacket_listener *listener,
                                       unsigned int flags,
                                       wl_seqpacket **out,
                                       wl_addr *peer);

/**
 * Stops the listener and wakes every thread blocked in
 * `wl_seqpacket_listener_accept` / `wl_seqpacket_listener_accept_flags`
 * on it (`shutdown(2)` with `SHUT_RD`): `Listener::shutdown`, as
 * `wl_listener_shutdown` does for stream listeners. Each woken accept,
 * and every later accept that would wait, returns `-EINVAL` with a last
 * error saying the listener was shut down. A thread waiting in
 * `wl_wait`/`epoll` on `wl_seqpacket_listener_fd` sees it `WL_READABLE`
 * (and `WL_READ_HANGUP`).
 *
 * The listener is finished afterwards, not paused: it refuses new
 * connections (`-ECONNREFUSED` for a client), though ones already queued
 * may still be accepted; on a non-blocking listener an accept with the
 * queue empty still returns `-EAGAIN` (Linux reports the shutdown only
 * to a waiting accept), so an event loop that sees `WL_READ_HANGUP`
 * stops watching it. It cannot listen again: free it (once no thread uses
 * it) and build a new one. A second call is harmless and returns 0.
 *
 * Returns 0, or `-EINVAL` for a NULL `listener`. Borrows `listener`; may
 * be called from any thread while others are blocked in accept.
 */
int wl_seqpacket_listener_shutdown(const wl_seqpacket_listener *listener);

/**
 * Sends one message of `len` bytes (`send(2)`, `MSG_NOSIGNAL` always
 * added): `ConnectedSeqPacket::send_with_flags`. `flags` is 0 or `MSG_*`
 * bits (`MSG_DONTWAIT`, ...). The message is queued whole or not at all.
 *
 * Returns `len`, or `-EMSGSIZE` (larger than the socket's send buffer
 * allows), `-EPIPE` (peer gone; no `SIGPIPE`), `-EAGAIN` (non-blocking,
 * or write timeout), `-EINTR`, `-EINVAL` (NULL `sock`, or NULL `buf` with
 * `len > 0`). Borrows `sock`; no allocation.
 *
 * `-EAGAIN`: no room for the message in this socket's send buffer
 * (`SO_SNDBUF`; messages the peer has not received yet still count
 * against it), on a non-blocking socket (`WL_NONBLOCK`, `MSG_DONTWAIT`)
 * or, on a blocking one, when the write timeout (`SO_SNDTIMEO`) passed.
 * The message was not sent, not even in part; retry when `wl_wait` (or
 * your event loop) reports `WL_WRITABLE`, which comes as the peer
 * receives.
 */
ssize_t wl_seqpacket_send(const wl_seqpacket *sock, const void *buf, size_t len, int flags);

/**
 * Receives exactly one message into `buf` (`recv(2)`):
 * `ConnectedSeqPacket::recv_with_flags`. `flags` is 0 or `MSG_*` bits
 * (`MSG_PEEK` leaves the message queued, `MSG_DONTWAIT`, ...).
 *
 * Returns the message's length (0: an empty message, or the peer shut
 * down its side). A message longer than `len` is reported, never
 * silently cut: the call returns `-EMSGSIZE`, `buf` holds its first
 * `len` bytes, the rest of that message is gone (unless `MSG_PEEK`) and,
 * if `msg_len` is not NULL, `*msg_len` receives the whole message's
 * length (the kernel's `MSG_TRUNC` report). On success `*msg_len` (if not
 * NULL) receives the returned length too. Other errors: `-EAGAIN`
 * (non-blocking, or read timeout), `-EINTR`, `-ECONNRESET`, `-EINVAL`
 * (NULL `sock`, or NULL `buf` with `len > 0`); `*msg_len` is then
 * untouched. Use `wl_seqpacket_next_len` to size the buffer first.
 * Borrows `sock`; no allocation unless the message was truncated.
 *
 * `-EAGAIN`: no message is queued, on a non-blocking socket
 * (`WL_NONBLOCK`, `MSG_DONTWAIT`) or, on a blocking one, when the read
 * timeout (`SO_RCVTIMEO`) passed. Nothing was consumed, `buf` and
 * `*msg_len` are untouched; retry when `wl_wait` (or your event loop)
 * reports `WL_READABLE`. A thread blocked here is woken by
 * `wl_seqpacket_shutdown` with `SHUT_RD` (it then returns 0).
 */
ssize_t wl_seqpacket_recv(const wl_seqpacket *sock,
                          void *buf,
                          size_t len,
                          int flags,
                          size_t *msg_len);

/**
 * The length of the next message, without consuming it (`MSG_PEEK |
 * MSG_TRUNC`): `ConnectedSeqPacket::next_len`, so a buffer can be sized
 * for it. Blocks like `wl_seqpacket_recv` until a message arrives (0 for
 * an empty message or the peer's shutdown).
 *
 * Returns the length, or `-EAGAIN`, `-EINTR`, `-EINVAL` (NULL `sock`).
 * Borrows `sock`; no allocation.
 *
 * `-EAGAIN`: as for `wl_seqpacket_recv`: no message is queued on a
 * non-blocking socket, or the read timeout passed. Nothing was consumed;
 * wait for `WL_READABLE`.
 */
ssize_t wl_seqpacket_next_len(const wl_seqpacket *sock);

/**
 * Shuts down one or both directions (`shutdown(2)`): `how` is `SHUT_RD`,
 * `SHUT_WR` or `SHUT_RDWR`. After `SHUT_WR` the peer's receives return 0.
 * The handle stays valid and must still be freed.
 *
 * Returns 0, or `-EINVAL` (bad `how`, NULL `sock`), `-ENOTCONN`.
 */
int wl_seqpacket_shutdown(const wl_seqpacket *sock, int how);

/**
 * Writes the peer's address to `*out` (`getpeername(2)`; a client made
 * by `connect` has an unnamed address unless it was bound).
 *
 * Returns 0 or `-errno`; `*out` is written only on success. Borrows `sock`.
 */
int wl_seqpacket_peer_addr(const wl_seqpacket *sock, wl_addr *out);

/**
 * Writes the peer process's credentials at connect time to `*out`
 * (`SO_PEERCRED`, see `unix(7)`): `ConnectedSeqPacket::peer_credentials`.
 *
 * Returns 0 or `-errno` (`-EINVAL` for a NULL argument); `*out` is
 * written only on success. Borrows `sock`.
 */
int wl_seqpacket_peer_credentials(const wl_seqpacket *sock, wl_ucred *out);

/**
 * Creates a second handle to the same socket (`fcntl(F_DUPFD_CLOEXEC)`):
 * `ConnectedSeqPacket::try_clone`. Each handle must be freed; the socket
 * closes when both are.
 *
 * Returns 0 or `-errno` (`-EMFILE`); `*out` is written only on success.
 */
int wl_seqpacket_try_clone(const wl_seqpacket *sock, wl_seqpacket **out);

/**
 * `wl_seqpacket_pair` with flags: `WL_NONBLOCK` makes both ends
 * non-blocking from birth (`socketpair(2)` with `SOCK_NONBLOCK |
 * SOCK_CLOEXEC`): `ConnectedSeqPacket::<Unix>::pair_nonblocking`. On
 * them a recv with nothing queued, or a send with no room, returns
 * `-EAGAIN` having moved nothing.
 *
 * Ownership: on success `*a` and `*b` receive new handles the caller
 * owns; on failure neither is written. Returns 0, or `-EINVAL` (unknown
 * `flags` bits, NULL argument), `-EMFILE`, ...
 */
int wl_seqpacket_pair_flags(unsigned int flags, wl_seqpacket **a, wl_seqpacket **b);

/**
 * Writes the socket's local address to `*out` (`getsockname(2)`). For an
 * unbound socket this is the wildcard address (or unnamed, for Unix).
 *
 * `fd` is any socket descriptor. Returns 0 or `-errno`; `*out` is written
 * only on success.
 */
int wl_socket_local_addr(int fd, wl_addr *out);

/**
 * Sets (`nonblocking` true) or clears `O_NONBLOCK` (`fcntl(2)`). In
 * non-blocking mode, calls that would wait return `-EAGAIN`.
 *
 * `fd` is any socket descriptor. Returns 0 or `-errno`.
 */
int wl_socket_set_nonblocking(int fd, bool nonblocking);

/**
 * Whether `O_NONBLOCK` is set: returns 1 (set), 0 (clear) or `-errno`.
 */
int wl_socket_is_nonblocking(int fd);

/**
 * Sets the read timeout in milliseconds (`SO_RCVTIMEO`, see `socket(7)`):
 * blocking receives and accepts fail with `-EAGAIN` after it. 0 means no
 * timeout (wait forever).
 *
 * Returns 0 or `-errno`.
 */
int wl_socket_set_read_timeout(int fd, uint64_t millis);

/**
 * Writes the read timeout (`SO_RCVTIMEO`) in milliseconds to `*out_ms`,
 * rounded up; 0 means none.
 *
 * Returns 0 or `-errno`; `*out_ms` is written only on success.
 */
int wl_socket_read_timeout(int fd, uint64_t *out_ms);

/**
 * Sets the write timeout in milliseconds (`SO_SNDTIMEO`, see `socket(7)`):
 * blocking sends (and, on Linux, a blocking connect) fail with `-EAGAIN`
 * after it. 0 means no timeout (wait forever).
 *
 * Returns 0 or `-errno`.
 */
int wl_socket_set_write_timeout(int fd, uint64_t millis);

/**
 * Writes the write timeout (`SO_SNDTIMEO`) in milliseconds to `*out_ms`,
 * rounded up; 0 means none.
 *
 * Returns 0 or `-errno`; `*out_ms` is written only on success.
 */
int wl_socket_write_timeout(int fd, uint64_t *out_ms);

/**
 * Reads and clears the socket's pending error (`SO_ERROR`): writes the
 * errno (positive) to `*out_errno`, or 0 if there was none.
 *
 * Returns 0 or `-errno` (the call itself failing); `*out_errno` is written
 * only on success.
 */
int wl_socket_take_error(int fd, int *out_errno);

/**
 * Sends all `len` bytes of `buf` before the deadline, or says how far it
 * got: `ConnectedStream::send_all`. Works on blocking and non-blocking
 * sockets (each send uses `MSG_DONTWAIT`, waiting uses `poll(2)`);
 * transient errors (`EINTR`, `EAGAIN`, `ENOBUFS`) are retried: this
 * helper's job is to loop.
 *
 * `timeout_ms` bounds the whole call (negative: no deadline). `cancel`,
 * if not NULL, points to a C11 `atomic_bool` another thread may set; it is
 * checked before every send and at least every 50 ms while waiting.
 * Progress (a looping call, see PROGRESS in the header): `*sent` (if not
 * NULL) receives the bytes handed to the kernel, on success and on
 * failure alike. After an error the peer receives exactly the first
 * `*sent` bytes (unless the connection itself fails); resend from there.
 *
 * Returns 0 when everything was sent, or `-ETIMEDOUT`, `-ECANCELED`, or
 * the send error (`-EPIPE`, `-ECONNRESET`, ...). No allocation.
 *
 * Never returns `-EAGAIN`: on a full buffer it waits (`poll(2)`) until the
 * deadline, then returns `-ETIMEDOUT` with `*sent` saying how far it got.
 */
int wl_conn_send_all(const wl_conn *conn,
                     const void *buf,
                     size_t len,
                     int timeout_ms,
                     const void *cancel,
                     size_t *sent);

/**
 * Receives up to and including the first occurrence of the `term_len`
 * bytes of `term`, reading at most `max_len` bytes into `buf`, before the
 * deadline: `ConnectedStream::recv_until_into`. It never consumes a byte
 * past the terminator (it peeks first), so the rest stays in the socket.
 * `EINTR` is retried.
 *
 * Progress (a looping call, see PROGRESS in the header): `*consumed` (if
 * not NULL) receives the bytes consumed into `buf`, on success and on
 * failure alike; they are in `buf` and gone from the socket. Returns that
 * count (terminator included),
 * or `-EINVAL` (empty terminator, `max_len` shorter than it, or
 * `max_len` bytes without the terminator: all consumed), `-ENODATA` (the
 * peer closed first), `-ETIMEDOUT`, or the receive error.
 *
 * Never returns `-EAGAIN`: with nothing to read it waits (`poll(2)`) until
 * the deadline, then returns `-ETIMEDOUT`, the bytes consumed so far in
 * `buf` (`*consumed`).
 */
ssize_t wl_conn_recv_until(const wl_conn *conn,
                           const void *term,
                           size_t term_len,
                           void *buf,
                           size_t max_len,
                           int timeout_ms,
                           size_t *consumed);

/**
 * Probes the connection without consuming data (one `recv(2)` of a byte
 * with `MSG_PEEK | MSG_DONTWAIT`; never blocks):
 * `ConnectedStream::is_connected`.
 *
 * Returns 1 (open: data waiting, or nothing waiting and no FIN yet), 0
 * (the peer closed its side in order; everything it sent has been read),
 * or `-errno` (the connection failed, e.g. `-ECONNRESET`; reading the
 * error consumed it).
 *
 * Never returns `-EAGAIN`: an empty queue is an open connection (1).
 */
int wl_conn_is_connected(const wl_conn *conn);

/**
 * Waits until `fd` is ready for any of `interest` (`WL_READABLE`,
 * `WL_WRITABLE`, ... bits) or `timeout_ms` passes (negative: forever),
 * with `poll(2)`: `wirelane::stream_ext::wait`. Works on any descriptor
 * (`wl_<state>_fd`, pipes, files).
 *
 * Returns the ready bits (0 on timeout; `WL_ERROR` and `WL_HANGUP` are
 * reported even when not asked for), or `-EINTR` (a signal; returned to
 * the caller), `-EBADF`, `-EINVAL` (bits outside `short`).
 *
 * Never returns `-EAGAIN`: a timeout is 0.
 */
int wl_wait(int fd, int interest, int timeout_ms);

/**
 * Whether the error `err` (either sign) is transient: the same call may
 * succeed if retried later (`EAGAIN`, `EINTR`, `EINPROGRESS`, `ENOBUFS`):
 * `wirelane::stream_ext::is_transient`. Returns 1 or 0.
 */
int wl_is_transient(int err);

/**
 * The symbolic name of an error code, either sign (`-ECONNREFUSED` →
 * `"ECONNREFUSED"`; aliases get one name: `EWOULDBLOCK` is `"EAGAIN"`),
 * `"UNKNOWN"` for values it does not know: `wirelane::stream_ext::errno_name`.
 * Returns a static string: never NULL, never to be freed.
 */
const char *wl_errno_name(int err);

/**
 * Reads the kernel's statistics for a TCP socket (`TCP_INFO`, see
 * `tcp(7)`) into `*out`: `wirelane::tcp_info` (named `get` in C because
 * `wl_tcp_info` is the struct). State, round-trip
 * estimates, congestion window, retransmissions, byte counters.
 *
 * `fd` is any TCP socket descriptor (e.g. `wl_conn_fd`, `wl_listener_fd`).
 * Returns 0, or `-EOPNOTSUPP` on a non-TCP socket, `-EINVAL` for a NULL
 * `out`, or `-errno`; `*out` is written only on success.
 */
int wl_get_tcp_info(int fd, wl_tcp_info *out);

/**
 * Sends `len` bytes of `buf` to `*to` with the metadata in `*meta`
 * (`send_with_meta`; `meta` NULL sends with none). Returns the bytes
 * sent, or `-EINVAL` (NULL, unknown bits, a source of the wrong family),
 * `-EAFNOSUPPORT` (Unix), or `-errno`.
 *
 * `-EAGAIN`: no room for the datagram (the socket's send buffer, or for a
 * Unix socket the receiver's queue, is full), on a non-blocking socket
 * (`WL_NONBLOCK`, `MSG_DONTWAIT`) or after the write timeout
 * (`SO_SNDTIMEO`). The datagram was not sent (datagrams go whole or not at
 * all); retry when `wl_wait` (or your event loop) reports `WL_WRITABLE`.
 */
ssize_t wl_dgram_send_meta(const wl_dgram *sock,
                           const void *buf,
                           size_t len,
                           const wl_addr *to,
                           const wl_udp_send_meta *meta);

/**
 * Writes the path MTU the kernel knows towards the peer (`IP_MTU` /
 * `IPV6_MTU`) to `*out`. Returns 0, or `-EINVAL` (NULL), `-EAFNOSUPPORT`
 * (Unix), `-errno`.
 */
int wl_dgram_conn_path_mtu(const wl_dgram_conn *sock, uint32_t *out);

/**
 * Stops the listener and wakes every thread blocked in
 * `wl_listener_accept` / `wl_listener_accept_flags` on it (`shutdown(2)`
 * with `SHUT_RD`): `Listener::shutdown`. Each woken accept, and every
 * later one, returns `-EINVAL` with a last error saying the listener was
 * shut down. A thread waiting in `wl_wait`/`epoll` on `wl_listener_fd`
 * sees it readable (and `WL_HANGUP`).
 *
 * The listener is finished afterwards, not paused: a TCP listener leaves
 * the listening state at once (connections still queued are reset, new
 * ones refused); a Unix listener refuses new connections, though ones
 * already queued may still be accepted. It cannot listen again: free it
 * (once no thread uses it) and build a new one. A second call is harmless
 * and returns 0.
 *
 * Returns 0, or `-EINVAL` for a NULL `listener`. Borrows `listener`; may
 * be called from any thread while others are blocked in accept.
 */
int wl_listener_shutdown(const wl_listener *listener);

/**
 * Shuts down receiving (`SHUT_RD`), sending (`SHUT_WR`) or both
 * (`SHUT_RDWR`) on a bound datagram socket (`shutdown(2)`):
 * `BoundDatagram::shutdown`. Wakes every thread blocked in
 * `wl_dgram_recv_from` (and the other receives) on it.
 *
 * After `SHUT_RD`, once the queue is empty (datagrams already queued are
 * still delivered), a blocking `wl_dgram_recv_from` returns `-ESHUTDOWN`
 * at once, the last error naming the shutdown; a blocked one wakes so, as
 * do `wl_dgram_recv_batch`, `wl_dgram_recv_gro` and `wl_dgram_recv_meta`
 * (a batch keeps the datagrams that came before the shutdown). A
 * non-blocking receive (`WL_NONBLOCK`, `MSG_DONTWAIT`) still returns
 * `-EAGAIN` then, while `wl_wait`/epoll report the descriptor
 * `WL_READABLE | WL_READ_HANGUP` for good: an event loop that sees
 * `WL_READ_HANGUP` on a datagram socket stops watching it. After
 * `SHUT_WR` sends return `-EPIPE`. Linux applies a shutdown to an
 * unconnected UDP socket but reports `ENOTCONN` for it; this call
 * returns 0 then. The handle stays valid and must still be freed.
 *
 * Returns 0, or `-EINVAL` (bad `how`, NULL `sock`). Borrows `sock`; may
 * be called from any thread while others are blocked on it.
 */
int wl_dgram_shutdown(const wl_dgram *sock, int how);

/**
 * Shuts down receiving, sending or both on a connected datagram socket
 * (`shutdown(2)`): `ConnectedDatagram::shutdown`. Wakes every thread
 * blocked in `wl_dgram_conn_recv` (and the other receives) on it.
 *
 * After `SHUT_RD`, once the queue is empty, a blocking
 * `wl_dgram_conn_recv` returns 0 at once (which a zero-length datagram
 * also gives: a program waking its receivers this way keeps its own
 * "stopping" flag); a non-blocking one returns `-EAGAIN`, with the
 * descriptor reported `WL_READABLE | WL_READ_HANGUP`. After `SHUT_WR`
 * sends return `-EPIPE`. The handle stays valid and must still be freed.
 *
 * Returns 0, or `-EINVAL` (bad `how`, NULL `sock`). Borrows `sock`; may
 * be called from any thread while others are blocked on it.
 */
int wl_dgram_conn_shutdown(const wl_dgram_conn *sock, int how);

/**
 * Sends up to `len` bytes of the file `file_fd` to the peer in one
 * `sendfile(2)`, without copying them through user space:
 * `ConnectedStream::sendfile`. TCP and Unix streams.
 *
 * With `offset` not NULL it reads from `*offset` and advances it by the
 * bytes sent (the file position is untouched); with NULL it uses and
 * advances the file position. `file_fd` stays the caller's.
 *
 * Returns the bytes sent (0 at end of file; fewer than `len` after a
 * partial transfer, the error, if any, coming with the next call: see
 * PROGRESS), or `-EINVAL` (a socket as input, NULL `conn`), `-EAGAIN`,
 * `-EINTR`, `-EPIPE`, ... (nothing sent). No allocation.
 *
 * `-EAGAIN`: the socket's send buffer is full (non-blocking connection, or
 * the write timeout passed). Nothing was sent and `*offset` (or the file
 * position) is unchanged; retry when `wl_wait` (or your event loop) reports
 * `WL_WRITABLE`.
 */
ssize_t wl_conn_sendfile(const wl_conn *conn, int file_fd, uint64_t *offset, size_t len);

/**
 * Sends `len` bytes of the file `file_fd` with as many `sendfile(2)`
 * calls as needed (`ConnectedStream::sendfile_all`): `EINTR` is retried
 * and, on a non-blocking socket, `EAGAIN` waits for writability. On a
 * blocking socket the write timeout (`wl_socket_set_write_timeout`)
 * bounds each wait: when it expires the call returns `-EAGAIN`.
 *
 * Progress (a looping call, see PROGRESS in the header): `offset` as in
 * `wl_conn_sendfile` is updated after every `sendfile(2)`, so after an
 * error `*offset` (or, with NULL, the file position) says exactly how far
 * the transfer got: the peer receives the file's bytes up to there.
 *
 * Returns the bytes sent (less than `len` only at end of file), or `-errno`.
 *
 * `-EAGAIN`: only on a blocking socket whose write timeout (`SO_SNDTIMEO`)
 * expired while it waited for room; `*offset` (or the file position) says
 * exactly how far it got. On a non-blocking socket it waits for
 * writability itself and never returns it.
 */
ssize_t wl_conn_sendfile_all(const wl_conn *conn, int file_fd, uint64_t *offset, uint64_t len);

/**
 * Moves up to `len` bytes from `fd_in` to `fd_out` inside the kernel in
 * one `splice(2)`; one of them must be a pipe: `wirelane::zerocopy::splice`.
 * An offset (not NULL) may be given only for the non-pipe side: it is
 * read and advanced instead of the file position. `flags` are
 * `WL_SPLICE_F_*` bits.
 *
 * Returns the bytes moved (0 at end of input; possibly fewer than `len`,
 * see PROGRESS), or `-ESPIPE` (offset on a pipe), `-EINVAL` (neither is
 * a pipe), `-EAGAIN`, `-EINTR`, ... (nothing moved).
 *
 * `-EAGAIN`: `WL_SPLICE_F_NONBLOCK` is set, or a non-blocking descriptor has
 * no data or no room. Nothing was moved and the offsets are unchanged; retry
 * when `wl_wait` reports the side that was not ready (`fd_in` `WL_READABLE`,
 * `fd_out` `WL_WRITABLE`).
 */
ssize_t wl_splice(int fd_in,
                  int64_t *off_in,
                  int fd_out,
                  int64_t *off_out,
                  size_t len,
                  unsigned int flags);

/**
 * Duplicates up to `len` bytes from one pipe into another without
 * consuming them (`tee(2)`): `wirelane::zerocopy::tee`. Returns the bytes
 * duplicated or `-errno`.
 *
 * `-EAGAIN`: `WL_SPLICE_F_NONBLOCK` is set (or a pipe is non-blocking) and
 * `pipe_in` is empty or `pipe_out` full; nothing was duplicated. Retry when
 * `wl_wait` reports `pipe_in` `WL_READABLE` and `pipe_out` `WL_WRITABLE`.
 */
ssize_t wl_tee(int pipe_in, int pipe_out, size_t len, unsigned int flags);

/**
 * Moves `len` bytes from `from` to `to` through the pipe `via` (the
 * zero-copy proxy loop): `wirelane::zerocopy::splice_all`. `EINTR` is
 * retried and `EAGAIN` from a non-blocking descriptor waits; from a
 * blocking socket it means its timeout expired and ends the call
 * (`-EAGAIN`). `via` must start empty.
 *
 * Progress (a looping call, see PROGRESS in the header) is reported on
 * success and on failure alike: if not NULL,
 * `*transferred` receives the bytes delivered and `*in_pipe` the bytes
 * read but still in `via` (drain them from `wl_pipe_reader` if the
 * destination recovers). Returns the bytes delivered (less than `len`
 * only at end of input), or `-errno` (`-EINVAL` if `via` was not empty).
 *
 * `-EAGAIN`: only when a blocking socket's timeout (`SO_SNDTIMEO` /
 * `SO_RCVTIMEO`) expired; `*transferred` and `*in_pipe` say exactly how
 * far it got. With non-blocking descriptors it waits for readiness itself
 * and never returns it.
 */
ssize_t wl_splice_all(int from,
                      int to,
                      uint64_t len,
                      const wl_pipe *via,
                      uint64_t *transferred,
                      size_t *in_pipe);

/**
 * Creates a pipe (`pipe2(2)` with `O_CLOEXEC`): `wirelane::zerocopy::pipe`.
 * Writes the read end to `fds[0]` and the write end to `fds[1]`; both are
 * the caller's to close. Returns 0 or `-errno`.
 */
int wl_pipe_fds(int *fds);

/**
 * Creates a pipe handle for `splice` (`Pipe::new`, or
 * `Pipe::with_capacity` when `capacity` is not 0: `F_SETPIPE_SZ`, rounded
 * up by the kernel). Free it with `wl_pipe_free`.
 *
 * Returns 0 or `-errno` (`-EPERM` above `/proc/sys/fs/pipe-max-size`
 * without `CAP_SYS_RESOURCE`); `*out` is written only on success.
 */
int wl_pipe_new(size_t capacity, wl_pipe **out);

/**
 * Closes both ends and frees the pipe handle. NULL is a no-op.
 */
void wl_pipe_free(wl_pipe *pipe);

/**
 * The read end's descriptor (still owned by the pipe handle). Returns it
 * or `-EINVAL`.
 */
int wl_pipe_reader(const wl_pipe *pipe);

/**
 * The write end's descriptor (still owned by the pipe handle). Returns it
 * or `-EINVAL`.
 */
int wl_pipe_writer(const wl_pipe *pipe);

/**
 * Writes the pipe's capacity in bytes (`F_GETPIPE_SZ`) to `*out`.
 * Returns 0 or `-errno`.
 */
int wl_pipe_capacity(const wl_pipe *pipe, size_t *out);

/**
 * Resizes the pipe (`F_SETPIPE_SZ`); writes the capacity the kernel chose
 * (rounded up) to `*out` if not NULL. Returns 0 or `-errno` (`-EBUSY` if
 * the data in it would not fit).
 */
int wl_pipe_set_capacity(const wl_pipe *pipe, size_t bytes, size_t *out);

/**
 * Writes the bytes waiting in the pipe (`FIONREAD`) to `*out`. Returns 0
 * or `-errno`.
 */
int wl_pipe_pending(const wl_pipe *pipe, size_t *out);

/**
 * Frees the pipe handle and hands both descriptors to the caller
 * (`Pipe::into_parts`): `fds[0]` read end, `fds[1]` write end.
 *
 * Ownership: consumes `pipe` on success. Returns 0, or `-EINVAL` (NULL;
 * nothing consumed).
 */
int wl_pipe_into_fds(wl_pipe *pipe, int *fds);

/**
 * Sends `len` bytes of `buf` with `MSG_ZEROCOPY` (Linux 4.14+): the kernel
 * transmits straight from these pages: `ConnectedStream::send_zerocopy`.
 * Enable `SO_ZEROCOPY` first (`wl_set_zerocopy`). Each call that queues
 * bytes gets the socket's next send id (0, 1, 2, ...).
 *
 * Ownership: the kernel reads `buf` after this call returns. The buffer
 * must stay valid and unmodified until a completion covering this send's
 * id arrives (`wl_conn_recv_zerocopy_completion`). Returns the bytes
 * queued (possibly fewer than `len`: send the rest with another call, see
 * PROGRESS), or `-ENOBUFS` (too many completions outstanding: read some),
 * `-EAFNOSUPPORT` (a Unix stream), `-EAGAIN`, `-EINTR`, `-EPIPE`, ...
 *
 * `-EAGAIN`: the send buffer is full (non-blocking connection,
 * `MSG_DONTWAIT`, or the write timeout). Nothing was queued and no send id
 * was used: `buf` may be reused at once; retry when `wl_wait` (or your event
 * loop) reports `WL_WRITABLE`.
 */
ssize_t wl_conn_send_zerocopy(const wl_conn *conn, const void *buf, size_t len);

/**
 * Reads one `MSG_ZEROCOPY` completion from the error queue without
 * blocking: `ConnectedStream::recv_zerocopy_completion`.
 *
 * Returns 1 and writes `*out`, 0 if none is waiting, or `-errno` (an
 * error-queue entry of another origin is consumed and returned as an
 * error; `-EAFNOSUPPORT` for a Unix stream).
 *
 * Never returns `-EAGAIN`: "none waiting" is 0. Completions arrive on the
 * error queue, which `wl_wait` reports as `WL_ERROR`.
 */
int wl_conn_recv_zerocopy_completion(const wl_conn *conn, wl_zerocopy_completion *out);

/**
 * Waits up to `timeout_ms` (negative: forever) for a `MSG_ZEROCOPY`
 * completion: `ConnectedStream::wait_zerocopy_completion`.
 *
 * Returns 1 and writes `*out`, 0 on timeout, or `-errno` (`-EINTR`, a
 * pending socket error, `-EAFNOSUPPORT` for a Unix stream).
 *
 * Never returns `-EAGAIN`: a timeout is 0.
 */
int wl_conn_wait_zerocopy_completion(const wl_conn *conn,
                                     int timeout_ms,
                                     wl_zerocopy_completion *out);

/**
 * Takes descriptor `index` as a `wl_listener` after the kernel checks of
 * `wl_listener_from_fd` (a listening stream socket), and, unless `domain`
 * is 0, that it is of `domain` (`AF_INET`, `AF_INET6`, `AF_UNIX`).
 *
 * Returns 0 and writes `*out` (the caller owns it), or `-EINVAL` (NULL,
 * index out of range or already taken, not listening), `-ENOTSOCK`,
 * `-EAFNOSUPPORT` (another domain), `-EPROTOTYPE` (not a stream). On
 * failure the descriptor stays in the set and the message names it and
 * what it really is, e.g. `"LISTEN_FDS: fd 3 (\"web\") is an AF_INET
 * (IPv4) datagram socket; cannot adopt it as wl_listener of AF_INET
 * (IPv4): ..."`.
 */
int wl_inherited_take_listener(wl_inherited *set, size_t index, int domain, wl_listener **out);

/**
 * `wl_inherited_take_listener` for the first descriptor called `name`
 * (`-ENOENT` when there is none).
 */
int wl_inherited_take_listener_named(wl_inherited *set,
                                     const char *name,
                                     int domain,
                                     wl_listener **out);

/**
 * Takes descriptor `index` as a `wl_dgram` (a bound, unconnected
 * datagram socket), checked like `wl_dgram_from_fd`, of `domain` unless
 * it is 0. Errors as for `wl_inherited_take_listener`.
 */
int wl_inherited_take_dgram(wl_inherited *set, size_t index, int domain, wl_dgram **out);

/**
 * `wl_inherited_take_dgram` for the first descriptor called `name`.
 */
int wl_inherited_take_dgram_named(wl_inherited *set, const char *name, int domain, wl_dgram **out);

/**
 * Takes descriptor `index` as a `wl_dgram_conn` (a connected datagram
 * socket), checked like `wl_dgram_conn_from_fd`, of `domain` unless it is
 * 0. Errors as for `wl_inherited_take_listener`.
 */
int wl_inherited_take_dgram_conn(wl_inherited *set, size_t index, int domain, wl_dgram_conn **out);

/**
 * `wl_inherited_take_dgram_conn` for the first descriptor called `name`.
 */
int wl_inherited_take_dgram_conn_named(wl_inherited *set,
                                       const char *name,
                                       int domain,
                                       wl_dgram_conn **out);

/**
 * Sends every queued message of `batch` in one `sendmmsg(2)` (with
 * `MSG_NOSIGNAL`): `BoundDatagram::send_batch_with_flags`. `flags` is 0
 * or `MSG_*` bits (`MSG_DONTWAIT`). Messages need an address.
 *
 * Returns how many were sent (fewer than queued when the kernel sent only
 * a prefix, e.g. a full send buffer or a signal after the first message:
 * `wl_send_batch_remove_sent` keeps the rest for the retry, which reports
 * the error if it persists (see PROGRESS); 0 for an empty batch, without
 * a syscall), or `-errno` for an error on the first message (nothing
 * sent), `-EAFNOSUPPORT` when the batch's domain differs. No
 * allocation.
 *
 * `-EAGAIN`: no room for even the first message (non-blocking socket,
 * `MSG_DONTWAIT`, or the write timeout). Nothing was sent: the batch keeps
 * every message and `wl_send_batch_sent` is 0; retry when `wl_wait` (or your
 * event loop) reports `WL_WRITABLE`. When room runs out after some messages,
 * the call returns their count instead (`wl_send_batch_remove_sent`, then
 * send again).
 */
int wl_dgram_send_batch(const wl_dgram *sock, wl_send_batch *batch, int flags);

/**
 * `wl_dgram_send_batch` on a connected datagram socket
 * (`ConnectedDatagram::send_batch_with_flags`): messages queued without
 * an address go to the peer.
 *
 * `-EAGAIN`: as for `wl_dgram_send_batch`: nothing was sent and the batch
 * keeps every message; retry when `wl_wait` (or your event loop) reports
 * `WL_WRITABLE`.
 */
int wl_dgram_conn_send_batch(const wl_dgram_conn *sock, wl_send_batch *batch, int flags);

/**
 * Receives up to the batch's capacity of datagrams in one `recvmmsg(2)`
 * (`BoundDatagram::recv_batch`). `flags`: 0 waits for the whole batch
 * (each receive honouring the read timeout); `WL_MSG_WAITFORONE` waits for
 * one and takes what else is queued; `MSG_DONTWAIT` never waits.
 *
 * Returns how many arrived (read them with `wl_recv_batch_get`; an error
 * after the first datagram is kept by the kernel for the next receive,
 * see PROGRESS), or `-EAGAIN` (nothing queued, or the read timeout passed
 * with nothing), `-EINTR` (nothing received), `-EAFNOSUPPORT` (batch of
 * another domain), ... Never returns 0. No allocation.
 *
 * `-EAGAIN`: not even one datagram arrived (non-blocking socket,
 * `MSG_DONTWAIT`, or the read timeout). Nothing was consumed; the batch then
 * holds no messages (`wl_recv_batch_len` is 0: read the previous ones before
 * receiving again); retry when `wl_wait` (or your event loop) reports
 * `WL_READABLE`. Once one datagram has arrived, running out of them returns
 * the count instead. A blocking receive on a socket shut down with
 * `wl_dgram_shutdown` returns `-ESHUTDOWN`.
 */
int wl_dgram_recv_batch(const wl_dgram *sock, wl_recv_batch *batch, int flags);

/**
 * `wl_dgram_recv_batch` on a connected datagram socket
 * (`ConnectedDatagram::recv_batch`).
 *
 * `-EAGAIN`: as for `wl_dgram_recv_batch`: nothing was consumed and the
 * batch holds no messages; retry when `wl_wait` (or your event loop) reports
 * `WL_READABLE`.
 */
int wl_dgram_conn_recv_batch(const wl_dgram_conn *sock, wl_recv_batch *batch, int flags);

/**
 * Starts listening (`listen(2)`) with a queue of up to `backlog` pending
 * connections (the kernel caps it at `/proc/sys/net/core/somaxconn`):
 * `BoundSocket::listen`.
 *
 * Ownership: on success consumes `sock` and writes a new `wl_listener` to
 * `*out`; on failure `sock` stays valid and owned by the caller and
 * `*out` is untouched. Returns 0, or `-EINVAL` (NULL argument) or the
 * `listen(2)` error (`-EADDRINUSE` when another socket listens on the
 * port).
 */
int wl_bound_listen(wl_bound *sock, unsigned int backlog, wl_listener **out);

/**
 * Receives one datagram into `buf` and its raw control messages into the
 * caller's `control` buffer of `control_capacity` bytes (`recvmsg(2)`:
 * `BoundDatagram::recv_msg`); `*out` says how many control bytes the
 * kernel wrote (walk them with `wl_cmsg_first` / `wl_cmsg_next`, decode
 * the metadata with `wl_cmsg_recv_meta`) and whether they were cut
 * (`control_truncated`, `MSG_CTRUNC`: offer a larger buffer, at least
 * `WL_UDP_RECV_CONTROL_SPACE`). `flags`: 0 or `MSG_*` bits (`MSG_PEEK`,
 * `MSG_TRUNC`, `MSG_DONTWAIT`).
 *
 * Returns the bytes received, or `-EAGAIN`, `-EINVAL` (NULL),
 * `-EAFNOSUPPORT` (Unix), `-errno`; `*out` is written only on success.
 * No allocation.
 *
 * `-EAGAIN`: no datagram is queued, on a non-blocking socket (`WL_NONBLOCK`,
 * `MSG_DONTWAIT`) or after the read timeout (`SO_RCVTIMEO`). Nothing was
 * consumed and the outputs are untouched; retry when `wl_wait` (or your
 * event loop) reports `WL_READABLE`. A blocking receive on a socket shut
 * down for receiving returns `-ESHUTDOWN` instead of waiting.
 */
ssize_t wl_dgram_recv_cmsg(const wl_dgram *sock,
                           void *buf,
                           size_t len,
                           void *control,
                           size_t control_capacity,
                           int flags,
                           wl_cmsg_recv *out);

/**
 * `wl_dgram_recv_cmsg` on a connected datagram socket
 * (`ConnectedDatagram::recv_msg`): `out->source` is the peer.
 *
 * `-EAGAIN`: no datagram is queued, on a non-blocking socket (`WL_NONBLOCK`,
 * `MSG_DONTWAIT`) or after the read timeout (`SO_RCVTIMEO`). Nothing was
 * consumed and the outputs are untouched; retry when `wl_wait` (or your
 * event loop) reports `WL_READABLE`. A blocking receive on a socket shut
 * down for receiving returns `-ESHUTDOWN` instead of waiting.
 */
ssize_t wl_dgram_conn_recv_cmsg(const wl_dgram_conn *sock,
                                void *buf,
                                size_t len,
                                void *control,
                                size_t control_capacity,
                                int flags,
                                wl_cmsg_recv *out);

/**
 * Sends up to `len` bytes of `buf` to the peer (`send(2)`, `MSG_NOSIGNAL`
 * always added): `ConnectedStream::send_with_flags`. `flags` is 0 or
 * `MSG_*` bits (`MSG_DONTWAIT`, `MSG_MORE`, `MSG_OOB`, ...).
 *
 * Returns the number of bytes queued (possibly fewer than `len`), or
 * `-EPIPE` / `-ECONNRESET` (peer gone; no `SIGPIPE`), `-EAGAIN`
 * (non-blocking, or write timeout), `-EINTR` (signal), `-EINVAL` (NULL
 * `conn`, or NULL `buf` with `len > 0`). Borrows `conn`; no allocation.
 *
 * `-EAGAIN`: the send buffer is full, on a non-blocking connection
 * (`WL_NONBLOCK`, `MSG_DONTWAIT`) or, on a blocking one, when the write
 * timeout (`SO_SNDTIMEO`, `wl_socket_set_write_timeout`) passed before any
 * room appeared. Nothing of this call was queued (once some bytes are queued
 * the call returns their count instead); retry when `wl_wait` (or your event
 * loop) reports `WL_WRITABLE`.
 */
ssize_t wl_conn_send(const wl_conn *conn, const void *buf, size_t len, int flags);

/**
 * Receives up to `len` bytes into `buf` (`recv(2)`):
 * `ConnectedStream::recv_with_flags`. `flags` is 0 or `MSG_*` bits
 * (`MSG_PEEK`, `MSG_DONTWAIT`, `MSG_WAITALL`, ...).
 *
 * Returns the number of bytes received, 0 at end of stream (peer closed or
 * shut down writing), or `-EAGAIN` (non-blocking, or read timeout),
 * `-EINTR` (signal), `-ECONNRESET`, `-EINVAL` (NULL `conn`, or NULL `buf`
 * with `len > 0`). Borrows `conn`; no allocation.
 *
 * `-EAGAIN`: nothing has arrived, on a non-blocking connection
 * (`WL_NONBLOCK`, `MSG_DONTWAIT`) or, on a blocking one, when the read
 * timeout (`SO_RCVTIMEO`, `wl_socket_set_read_timeout`) passed. Nothing was
 * consumed and the buffers are untouched; retry when `wl_wait` (or your
 * event loop) reports `WL_READABLE`.
 */
ssize_t wl_conn_recv(const wl_conn *conn, void *buf, size_t len, int flags);

/**
 * Sends a gather list of `iovcnt` buffers in one `sendmsg(2)`
 * (`MSG_NOSIGNAL`): `ConnectedStream::send_vectored`.
 *
 * Returns the number of bytes queued or `-errno` as `wl_conn_send`;
 * checked first: more than `WL_IOV_MAX` buffers (`-EMSGSIZE`), lengths
 * adding up to more than `SSIZE_MAX` (`-EINVAL`). Borrows `conn`; no
 * allocation.
 *
 * `-EAGAIN`: the send buffer is full, on a non-blocking connection
 * (`WL_NONBLOCK`, `MSG_DONTWAIT`) or, on a blocking one, when the write
 * timeout (`SO_SNDTIMEO`, `wl_socket_set_write_timeout`) passed before any
 * room appeared. Nothing of this call was queued (once some bytes are queued
 * the call returns their count instead); retry when `wl_wait` (or your event
 * loop) reports `WL_WRITABLE`.
 */
ssize_t wl_conn_send_vectored(const wl_conn *conn, const struct iovec *iov, size_t iovcnt);

/**
 * Receives into a scatter list of `iovcnt` buffers in one `recvmsg(2)`:
 * `ConnectedStream::recv_vectored`.
 *
 * Returns the number of bytes received (0 at end of stream) or `-errno`
 * as `wl_conn_recv`; `iovcnt` and the lengths are checked first as in
 * `wl_conn_send_vectored`. Borrows `conn`; no allocation.
 *
 * `-EAGAIN`: nothing has arrived, on a non-blocking connection
 * (`WL_NONBLOCK`, `MSG_DONTWAIT`) or, on a blocking one, when the read
 * timeout (`SO_RCVTIMEO`, `wl_socket_set_read_timeout`) passed. Nothing was
 * consumed and the buffers are untouched; retry when `wl_wait` (or your
 * event loop) reports `WL_READABLE`.
 */
ssize_t wl_conn_recv_vectored(const wl_conn *conn, const struct iovec *iov, size_t iovcnt);

/**
 * Writes the peer's address to `*out` (`getpeername(2)`).
 *
 * Returns 0 or `-errno` (`-ENOTCONN` once the connection is gone);
 * `*out` is written only on success. Borrows `conn`.
 */
int wl_conn_peer_addr(const wl_conn *conn, wl_addr *out);

/**
 * Creates a second handle to the same connection
 * (`fcntl(F_DUPFD_CLOEXEC)`): `ConnectedStream::try_clone`, e.g. for one
 * thread reading while another writes. Each handle must be freed; the
 * connection closes when both are.
 *
 * Returns 0 or `-errno` (`-EMFILE`); `*out` is written only on success.
 */
int wl_conn_try_clone(const wl_conn *conn, wl_conn **out);

/**
 * Sends one datagram to the peer (`send(2)`, `MSG_NOSIGNAL` always
 * added): `ConnectedDatagram::send_with_flags`.
 *
 * Returns the number of bytes sent, or `-ECONNREFUSED` (an earlier
 * datagram was refused by the peer), `-EMSGSIZE`, `-EAGAIN`, `-EINTR`,
 * `-EINVAL` (NULL `sock`, NULL `buf` with `len > 0`). Borrows `sock`; no
 * allocation.
 *
 * `-EAGAIN`: no room for the datagram (the socket's send buffer, or for a
 * Unix socket the receiver's queue, is full), on a non-blocking socket
 * (`WL_NONBLOCK`, `MSG_DONTWAIT`) or after the write timeout
 * (`SO_SNDTIMEO`). The datagram was not sent (datagrams go whole or not at
 * all); retry when `wl_wait` (or your event loop) reports `WL_WRITABLE`.
 */
ssize_t wl_dgram_conn_send(const wl_dgram_conn *sock, const void *buf, size_t len, int flags);

/**
 * Receives one datagram from the peer (`recv(2)`):
 * `ConnectedDatagram::recv_with_flags`. A longer datagram is truncated
 * (`MSG_TRUNC` returns its real length; `MSG_PEEK` leaves it queued).
 *
 * Returns the datagram's length, or `-EAGAIN`, `-EINTR`, `-ECONNREFUSED`,
 * `-EINVAL` (NULL `sock`, NULL `buf` with `len > 0`). Borrows `sock`; no
 * allocation.
 *
 * `-EAGAIN`: no datagram is queued, on a non-blocking socket (`WL_NONBLOCK`,
 * `MSG_DONTWAIT`) or after the read timeout (`SO_RCVTIMEO`). Nothing was
 * consumed and the outputs are untouched; retry when `wl_wait` (or your
 * event loop) reports `WL_READABLE`.
 */
ssize_t wl_dgram_conn_recv(const wl_dgram_conn *sock, void *buf, size_t len, int flags);

/**
 * Sends one datagram gathered from `iovcnt` buffers (`sendmsg(2)`):
 * `ConnectedDatagram::send_vectored`. Returns as `wl_dgram_conn_send`;
 * `iovcnt` and the lengths are checked as in `wl_conn_send_vectored`.
 *
 * `-EAGAIN`: no room for the datagram (the socket's send buffer, or for a
 * Unix socket the receiver's queue, is full), on a non-blocking socket
 * (`WL_NONBLOCK`, `MSG_DONTWAIT`) or after the write timeout
 * (`SO_SNDTIMEO`). The datagram was not sent (datagrams go whole or not at
 * all); retry when `wl_wait` (or your event loop) reports `WL_WRITABLE`.
 */
ssize_t wl_dgram_conn_send_vectored(const wl_dgram_conn *sock,
                                    const struct iovec *iov,
                                    size_t iovcnt);

/**
 * Receives one datagram scattered into `iovcnt` buffers (`recvmsg(2)`):
 * `ConnectedDatagram::recv_vectored`. Returns as `wl_dgram_conn_recv`;
 * `iovcnt` and the lengths are checked as in `wl_conn_send_vectored`.
 *
 * `-EAGAIN`: no datagram is queued, on a non-blocking socket (`WL_NONBLOCK`,
 * `MSG_DONTWAIT`) or after the read timeout (`SO_RCVTIMEO`). Nothing was
 * consumed and the outputs are untouched; retry when `wl_wait` (or your
 * event loop) reports `WL_READABLE`.
 */
ssize_t wl_dgram_conn_recv_vectored(const wl_dgram_conn *sock,
                                    const struct iovec *iov,
                                    size_t iovcnt);

/**
 * Writes the peer's address to `*out` (`getpeername(2)`).
 *
 * Returns 0 or `-errno`; `*out` is written only on success. Borrows `sock`.
 */
int wl_dgram_conn_peer_addr(const wl_dgram_conn *sock, wl_addr *out);

/**
 * Creates a second handle to the same socket (`fcntl(F_DUPFD_CLOEXEC)`):
 * `ConnectedDatagram::try_clone`. Each handle must be freed.
 *
 * Returns 0 or `-errno`; `*out` is written only on success.
 */
int wl_dgram_conn_try_clone(const wl_dgram_conn *sock, wl_dgram_conn **out);

/**
 * Turns receive-side metadata on or off on a connected datagram socket;
 * `what` as for `wl_dgram_set_recv_meta` (`WL_META_ECN`, `WL_META_ADDR`,
 * `WL_META_TTL`, `WL_META_TIMESTAMP`, `WL_META_ERRORS`,
 * `WL_META_SOFTWARE_TIMESTAMP`). Returns 0,
 * `-EINVAL` for other bits or NULL, `-EAFNOSUPPORT` (Unix), or `-errno`.
 */
int wl_dgram_conn_set_recv_meta(const wl_dgram_conn *sock, uint32_t what, bool on);

/**
 * Receives one datagram from the peer into `buf` with its metadata in
 * `*out` (`ConnectedDatagram::recv_msg` with a stack control buffer of
 * `RECV_CONTROL_SPACE` bytes); `out->source` is the peer. A truncated
 * control buffer shows as `WL_META_CTRUNC` in `out->present`. Returns the
 * bytes received, or `-EAGAIN`, `-EINVAL` (NULL), `-EAFNOSUPPORT` (Unix),
 * `-errno` (`-ECONNREFUSED` after an ICMP port unreachable); `*out` is
 * written only on success.
 *
 * `-EAGAIN`: no datagram is queued, on a non-blocking socket (`WL_NONBLOCK`,
 * `MSG_DONTWAIT`) or after the read timeout (`SO_RCVTIMEO`). Nothing was
 * consumed and the outputs are untouched; retry when `wl_wait` (or your
 * event loop) reports `WL_READABLE`. A blocking receive on a socket shut
 * down for receiving returns `-ESHUTDOWN` instead of waiting.
 */
ssize_t wl_dgram_conn_recv_meta(const wl_dgram_conn *sock,
                                void *buf,
                                size_t len,
                                wl_udp_recv_meta *out);

/**
 * Sets the path MTU discovery mode of a connected datagram socket
 * (`IP_MTU_DISCOVER` / `IPV6_MTU_DISCOVER`) to one of `WL_PMTUDISC_*`.
 * Returns 0, or `-EINVAL` (NULL, an unknown mode), `-EAFNOSUPPORT`
 * (Unix), `-errno`.
 */
int wl_dgram_conn_set_mtu_discover(const wl_dgram_conn *sock, int mode);

/**
 * Writes the path MTU discovery mode (`WL_PMTUDISC_*`) of a connected
 * datagram socket to `*out`. Returns 0, or `-EINVAL` (NULL),
 * `-EAFNOSUPPORT` (Unix), `-errno`.
 */
int wl_dgram_conn_mtu_discover(const wl_dgram_conn *sock, int *out);

/**
 * Sends the descriptor `fd` over a Unix stream, with one byte of data
 * (`sendmsg(2)` with `SCM_RIGHTS`): `wirelane::fdpass::send_fd`. The
 * receiver gets a new descriptor for the same open file description.
 * `fd` stays open and owned by the caller.
 *
 * Returns 0, or `-EAFNOSUPPORT` (not a Unix socket), `-EBADF`, `-EPIPE`,
 * or another `-errno`. Pair with `wl_conn_recv_fd`.
 *
 * `-EAGAIN`: the send buffer is full (non-blocking connection, or the write
 * timeout). Nothing was sent and no descriptor passed: `fd` is still only
 * the caller's; retry when `wl_wait` (or your event loop) reports
 * `WL_WRITABLE`.
 */
int wl_conn_send_fd(const wl_conn *conn, int fd);

/**
 * Receives one descriptor sent with `wl_conn_send_fd` (reads its byte):
 * `wirelane::fdpass::recv_fd`. The new descriptor is close-on-exec and
 * owned by the caller.
 *
 * Returns 0 and writes `*out_fd`, or `-ENODATA` (the peer closed first),
 * `-EINVAL` (a message without a descriptor), `-EMSGSIZE` (more than one:
 * all closed), `-EAFNOSUPPORT`, `-EAGAIN`, `-EINTR`, ...
 *
 * `-EAGAIN`: nothing has arrived (non-blocking connection, or the read
 * timeout); nothing was consumed and `*out_fd` is untouched; retry when
 * `wl_wait` (or your event loop) reports `WL_READABLE`.
 */
int wl_conn_recv_fd(const wl_conn *conn, int *out_fd);

/**
 * Sends `len` bytes of `data` (at least 1 on a stream) with `nfds`
 * descriptors (1 to 253) in one `sendmsg(2)`: `wirelane::fdpass::send_fds`.
 * The descriptors stay owned by the caller.
 *
 * Returns the data bytes sent (the descriptors travel with the first
 * byte; fewer than `len` on a stream after a partial send: send the rest
 * with `wl_conn_send`, see PROGRESS), or `-EINVAL` (no data, no or too many descriptors, NULL),
 * `-EAFNOSUPPORT`, `-EBADF`, or another `-errno`.
 *
 * `-EAGAIN`: the send buffer is full (non-blocking connection, or the write
 * timeout). Nothing was sent and no descriptor passed; retry when `wl_wait`
 * (or your event loop) reports `WL_WRITABLE`.
 */
ssize_t wl_conn_send_fds(const wl_conn *conn,
                         const void *data,
                         size_t len,
                         const int *fds,
                         size_t nfds);

/**
 * Receives data into `buf` and up to `max_fds` descriptors (1 to 253)
 * into `fds` in one `recvmsg(2)`: `wirelane::fdpass::recv_fds`. Writes how
 * many descriptors arrived to `*out_nfds`; they are close-on-exec and
 * owned by the caller.
 *
 * Returns the data length (0: end of stream), or `-EMSGSIZE` when the peer
 * sent more than `max_fds` (every one that arrived is closed: none leaks),
 * `-EINVAL`, `-EAFNOSUPPORT`, `-EAGAIN`, `-EINTR`, ...
 *
 * `-EAGAIN`: nothing has arrived (non-blocking connection, or the read
 * timeout); nothing was consumed, no descriptor received, the outputs are
 * untouched; retry when `wl_wait` (or your event loop) reports
 * `WL_READABLE`.
 */
ssize_t wl_conn_recv_fds(const wl_conn *conn,
                         void *buf,
                         size_t len,
                         int *fds,
                         size_t max_fds,
                         size_t *out_nfds);

/**
 * Sends `data` with this process's credentials (`SCM_CREDENTIALS`):
 * `wirelane::fdpass::send_with_credentials`. The kernel checks them; the
 * receiver must have `SO_PASSCRED` on (`wl_set_passcred`).
 *
 * Returns the bytes sent or `-errno`.
 *
 * `-EAGAIN`: the send buffer is full, on a non-blocking connection
 * (`WL_NONBLOCK`, `MSG_DONTWAIT`) or, on a blocking one, when the write
 * timeout (`SO_SNDTIMEO`, `wl_socket_set_write_timeout`) passed before any
 * room appeared. Nothing of this call was queued (once some bytes are queued
 * the call returns their count instead); retry when `wl_wait` (or your event
 * loop) reports `WL_WRITABLE`.
 */
ssize_t wl_conn_send_with_credentials(const wl_conn *conn, const void *data, size_t len);

/**
 * Receives data and the sender's credentials, if any arrived
 * (`SO_PASSCRED` must be on): `wirelane::fdpass::recv_with_credentials`.
 * Writes `*has_cred`, and `*cred` when true.
 *
 * Returns the data length or `-errno`.
 *
 * `-EAGAIN`: nothing has arrived, on a non-blocking connection
 * (`WL_NONBLOCK`, `MSG_DONTWAIT`) or, on a blocking one, when the read
 * timeout (`SO_RCVTIMEO`, `wl_socket_set_read_timeout`) passed. Nothing was
 * consumed and the buffers are untouched; retry when `wl_wait` (or your
 * event loop) reports `WL_READABLE`.
 */
ssize_t wl_conn_recv_with_credentials(const wl_conn *conn,
                                      void *buf,
                                      size_t len,
                                      wl_ucred *cred,
                                      bool *has_cred);

/**
 * `wl_conn_send_fd` on a connected Unix datagram socket.
 *
 * `-EAGAIN`: as for `wl_conn_send_fd`: nothing was sent and no descriptor
 * passed.
 */
int wl_dgram_conn_send_fd(const wl_dgram_conn *sock, int fd);

/**
 * `wl_conn_recv_fd` on a connected Unix datagram socket.
 *
 * `-EAGAIN`: as for `wl_conn_recv_fd`: nothing was consumed.
 */
int wl_dgram_conn_recv_fd(const wl_dgram_conn *sock, int *out_fd);

/**
 * `wl_conn_send_fds` on a connected Unix datagram socket (empty `data`
 * is allowed on datagrams).
 *
 * `-EAGAIN`: as for `wl_conn_send_fds`: nothing was sent and no descriptor
 * passed.
 */
ssize_t wl_dgram_conn_send_fds(const wl_dgram_conn *sock,
                               const void *data,
                               size_t len,
                               const int *fds,
                               size_t nfds);

/**
 * `wl_conn_recv_fds` on a connected Unix datagram socket.
 *
 * `-EAGAIN`: as for `wl_conn_recv_fds`: nothing was consumed, no descriptor
 * received.
 */
ssize_t wl_dgram_conn_recv_fds(const wl_dgram_conn *sock,
                               void *buf,
                               size_t len,
                               int *fds,
                               size_t max_fds,
                               size_t *out_nfds);

/**
 * `wl_conn_send_with_credentials` on a connected Unix datagram socket.
 *
 * `-EAGAIN`: no room (non-blocking socket, or the write timeout); the
 * datagram was not sent: retry when `wl_wait` reports `WL_WRITABLE`.
 */
ssize_t wl_dgram_conn_send_with_credentials(const wl_dgram_conn *sock,
                                            const void *data,
                                            size_t len);

/**
 * `wl_conn_recv_with_credentials` on a connected Unix datagram socket.
 *
 * `-EAGAIN`: nothing queued (non-blocking socket, or the read timeout);
 * nothing was consumed: retry when `wl_wait` reports `WL_READABLE`.
 */
ssize_t wl_dgram_conn_recv_with_credentials(const wl_dgram_conn *sock,
                                            void *buf,
                                            size_t len,
                                            wl_ucred *cred,
                                            bool *has_cred);

/**
 * Receives one datagram (`recvmsg(2)`), or with `UDP_GRO` on possibly
 * several coalesced ones, into `buf` (use 65536 bytes):
 * `BoundDatagram::recv_gro`. `*out` receives the length, segment size and
 * sender.
 *
 * Returns the bytes received, or `-EAGAIN`, `-EINTR`, `-EAFNOSUPPORT` (a
 * Unix socket), `-EINVAL` (NULL), ...; `*out` is written only on success.
 *
 * `-EAGAIN`: no datagram is queued, on a non-blocking socket (`WL_NONBLOCK`,
 * `MSG_DONTWAIT`) or after the read timeout (`SO_RCVTIMEO`). Nothing was
 * consumed and the outputs are untouched; retry when `wl_wait` (or your
 * event loop) reports `WL_READABLE`.
 */
ssize_t wl_dgram_recv_gro(const wl_dgram *sock, void *buf, size_t len, wl_gro_recv *out);

/**
 * `wl_dgram_recv_gro` on a connected datagram socket:
 * `ConnectedDatagram::recv_gro`.
 *
 * `-EAGAIN`: no datagram is queued, on a non-blocking socket (`WL_NONBLOCK`,
 * `MSG_DONTWAIT`) or after the read timeout (`SO_RCVTIMEO`). Nothing was
 * consumed and the outputs are untouched; retry when `wl_wait` (or your
 * event loop) reports `WL_READABLE`.
 */
ssize_t wl_dgram_conn_recv_gro(const wl_dgram_conn *sock, void *buf, size_t len, wl_gro_recv *out);

/**
 * Adds a listener under `name` (names need not be unique). Borrows
 * `listener` until the send.
 *
 * Returns the number of sockets in the handover, or `-EINVAL` (NULL
 * arguments, non-UTF-8 `name`, more than 253 sockets).
 */
int wl_handover_add_listener(wl_handover *handover, const char *name, const wl_listener *listener);

/**
 * Adds a bound datagram socket under `name`; see `wl_handover_add_listener`.
 */
int wl_handover_add_dgram(wl_handover *handover, const char *name, const wl_dgram *dgram);

/**
 * Adds a connected datagram socket under `name`; see
 * `wl_handover_add_listener`.
 */
int wl_handover_add_dgram_conn(wl_handover *handover, const char *name, const wl_dgram_conn *dgram);

/**
 * Binds to a local address (`bind(2)`; its port is the echo identifier,
 * 0 lets the kernel pick one): `RawSocket<D, Icmp>::bind`.
 *
 * Ownership: on success consumes `sock` and writes a new `wl_icmp` to
 * `*out`; on failure `sock` stays valid and owned by the caller and
 * `*out` is untouched. Returns 0, or `-EAFNOSUPPORT` (address of the
 * other family), `-EINVAL` (NULL argument, malformed address), or the
 * `bind(2)` error.
 */
int wl_icmp_raw_bind(wl_icmp_raw *sock, const wl_addr *addr, wl_icmp **out);

/**
 * Fixes the host to ping (`connect(2)`; nothing is sent; the port is
 * ignored): `RawSocket<D, Icmp>::connect`.
 *
 * Ownership: on success consumes `sock` and writes a new `wl_icmp_conn`
 * to `*out`; on failure `sock` stays valid and owned by the caller and
 * `*out` is untouched. Returns 0, or `-EAFNOSUPPORT`, `-EINVAL`, or the
 * `connect(2)` error (`-ENETUNREACH`, ...).
 *
 * `-EAGAIN`: never a readiness condition, since a datagram connect never
 * waits (a non-blocking socket connects with this call too); only when
 * the implicit bind finds no free echo identifier (every one is taken by
 * another ICMP socket). Nothing changed and `sock` stays a fresh
 * `wl_icmp_raw`, still owned by the caller: retry once identifiers are
 * free, or bind first.
 */
int wl_icmp_raw_connect(wl_icmp_raw *sock, const wl_addr *addr, wl_icmp_conn **out);

/**
 * Fixes the host to ping (`connect(2)`): `BoundDatagram<D, Icmp>::connect`.
 *
 * Ownership: on success consumes `sock` and writes a new `wl_icmp_conn`
 * to `*out`; on failure `sock` stays valid and owned by the caller and
 * `*out` is untouched. Returns 0, or `-EAFNOSUPPORT`, `-EINVAL`, or the
 * `connect(2)` error.
 *
 * Never returns `-EAGAIN`: the socket is already bound (it has its
 * identifier), and a datagram connect never waits.
 */
int wl_icmp_connect(wl_icmp *sock, const wl_addr *addr, wl_icmp_conn **out);

/**
 * Completes the connect if it has succeeded: `PendingConnect::finish`.
 * The connected socket stays non-blocking.
 *
 * Ownership: on success consumes `pending` and writes a new `wl_conn` to
 * `*out`. On failure `pending` stays valid and owned by the caller and
 * `*out` is untouched: `-EAGAIN` while the handshake is in flight (call
 * again when writable), the connect's own error (`-ECONNREFUSED`,
 * `-ETIMEDOUT`, ...) once it failed, `-ENOTCONN` if the error was already
 * read with `wl_socket_take_error`, `-EINVAL` for a NULL argument.
 *
 * `-EAGAIN`: the handshake is still in flight (the descriptor is not
 * writable yet). Nothing changed: `pending` stays valid and owned by the
 * caller; retry when `wl_wait` (or your event loop) reports `WL_WRITABLE` on
 * `wl_pending_fd`, or after `wl_pending_wait` returns 1.
 */
int wl_pending_finish(wl_pending *pending, wl_conn **out);

/**
 * Binds a stream socket to a local address (`bind(2)`): `RawSocket::bind`.
 * Port 0 picks a free port (read it with `wl_socket_local_addr`).
 *
 * Ownership: on success consumes `sock` and writes a new `wl_bound` to
 * `*out`. On failure `sock` stays valid and owned by the caller (retry
 * another address, or free it) and `*out` is untouched. Returns 0, or
 * `-EPROTOTYPE` (a datagram socket: use `wl_raw_bind_dgram`),
 * `-EAFNOSUPPORT` (address of another family), `-EINVAL` (NULL argument,
 * malformed address), or the `bind(2)` error (`-EADDRINUSE`, `-EACCES`, ...).
 */
int wl_raw_bind(wl_raw *sock, const wl_addr *addr, wl_bound **out);

/**
 * Binds a datagram socket to a local address (`bind(2)`):
 * `RawSocket<D, Datagram>::bind`. The result can `sendto`/`recvfrom` anyone.
 *
 * Ownership: on success consumes `sock` and writes a new `wl_dgram` to
 * `*out`; on failure `sock` stays valid and owned by the caller and
 * `*out` is untouched. Returns 0, or `-EPROTOTYPE` (a stream socket: use
 * `wl_raw_bind`), `-EAFNOSUPPORT`, `-EINVAL`, or the `bind(2)` error.
 */
int wl_raw_bind_dgram(wl_raw *sock, const wl_addr *addr, wl_dgram **out);

/**
 * Connects a stream socket, blocking until the handshake completes
 * (`connect(2)`): `RawSocket::connect`. The write timeout
 * (`wl_socket_set_write_timeout`) bounds the wait.
 *
 * Ownership: on success consumes `sock` and writes a new `wl_conn` to
 * `*out`; on failure `sock` stays valid and owned by the caller and
 * `*out` is untouched. Returns 0, or `-EPROTOTYPE` (a datagram socket:
 * use `wl_raw_connect_dgram`), `-EAFNOSUPPORT`, `-EINVAL`, or the
 * `connect(2)` error (`-ECONNREFUSED`, `-ETIMEDOUT`, ...). A signal gives
 * `-EINTR`; the kernel then continues the handshake in the background.
 * Retrying `wl_raw_connect` on `sock` with the same address is the way
 * to resume: it waits for that handshake and returns its outcome, and if
 * the handshake already completed (the kernel says `EISCONN`) it returns
 * 0 with the connection. (`-EISCONN` only if the socket is connected to
 * another address; `-EALREADY` on a socket made non-blocking.)
 *
 * `-EAGAIN`: a Unix listener's queue is full (at once on a non-blocking
 * socket, after the write timeout on a blocking one); nothing was connected
 * and `sock` is as it was: retry later. An internet socket gives
 * `-EINPROGRESS` instead when it is non-blocking (`wl_raw_open` with
 * `WL_NONBLOCK`) or when the write timeout ends the wait: the handshake then
 * goes on in the kernel while `sock` stays a `wl_raw` (resume as after
 * `-EINTR`; on a non-blocking socket a retry says `-EALREADY` while the
 * handshake is in flight); a non-blocking socket connects with
 * `wl_raw_connect_nonblocking`.
 */
int wl_raw_connect(wl_raw *sock, const wl_addr *addr, wl_conn **out);

/**
 * Starts a stream connect without waiting (`O_NONBLOCK` + `connect(2)`):
 * `RawSocket::connect_nonblocking`. Wait for writability on
 * `wl_pending_fd` (epoll, io_uring, `wl_pending_wait`), then call
 * `wl_pending_finish`. The socket stays non-blocking.
 *
 * Ownership: on success consumes `sock` and writes a new `wl_pending` to
 * `*out`; on an immediate failure `sock` stays valid and owned by the
 * caller (its blocking mode restored) and `*out` is untouched. Returns 0,
 * or `-EPROTOTYPE` (a datagram socket), `-EAFNOSUPPORT`, `-EINVAL`, or
 * the immediate `connect(2)` error.
 *
 * `-EAGAIN`: only for a Unix socket, whose listener's queue is full (a Unix
 * connect never reports `EINPROGRESS`: it completes or fails at once).
 * Nothing was started and `sock` stays a fresh `wl_raw` in its former
 * blocking mode; retry later (the listener's side gives no readiness signal
 * for it, so use a timer).
 */
int wl_raw_connect_nonblocking(wl_raw *sock, const wl_addr *addr, wl_pending **out);

/**
 * Fixes the peer of a datagram socket (`connect(2)`; nothing is sent):
 * `RawSocket<D, Datagram>::connect`. The kernel picks the local address;
 * only the peer's datagrams are received.
 *
 * Ownership: on success consumes `sock` and writes a new `wl_dgram_conn`
 * to `*out`; on failure `sock` stays valid and owned by the caller and
 * `*out` is untouched. Returns 0, or `-EPROTOTYPE` (a stream socket: use
 * `wl_raw_connect`), `-EAFNOSUPPORT`, `-EINVAL`, or the `connect(2)` error.
 *
 * `-EAGAIN`: no free local port for the implicit bind (the ephemeral range,
 * `net.ipv4.ip_local_port_range`, is exhausted); this is not a readiness
 * condition and nothing changed (`sock` stays a fresh `wl_raw`): retry once
 * ports are free, or bind first.
 */
int wl_raw_connect_dgram(wl_raw *sock, const wl_addr *addr, wl_dgram_conn **out);

/**
 * Binds to a local address (`bind(2)`; the port is ignored):
 * `RawSocket<D, RawIp>::bind`. Only packets to that address arrive.
 *
 * Ownership: on success consumes `sock` and writes a new `wl_rawip` to
 * `*out`; on failure `sock` stays valid and owned by the caller and
 * `*out` is untouched. Returns 0, or `-EAFNOSUPPORT`, `-EINVAL`, or the
 * `bind(2)` error (`-EADDRNOTAVAIL`, ...).
 */
int wl_rawip_raw_bind(wl_rawip_raw *sock, const wl_addr *addr, wl_rawip **out);

/**
 * Fixes the peer host (`connect(2)`; nothing is sent; the port is
 * ignored): `RawSocket<D, RawIp>::connect`.
 *
 * Ownership: on success consumes `sock` and writes a new `wl_rawip_conn`
 * to `*out`; on failure `sock` stays valid and owned by the caller and
 * `*out` is untouched. Returns 0, or `-EAFNOSUPPORT`, `-EINVAL`, or the
 * `connect(2)` error.
 *
 * Never returns `-EAGAIN`: a raw socket is bound to its protocol from
 * creation, so there is no implicit bind, and a datagram connect never
 * waits (a non-blocking socket connects with this call too).
 */
int wl_rawip_raw_connect(wl_rawip_raw *sock, const wl_addr *addr, wl_rawip_conn **out);

/**
 * Fixes the peer host (`connect(2)`): `BoundDatagram<D, RawIp>::connect`.
 *
 * Ownership: on success consumes `sock` and writes a new `wl_rawip_conn`
 * to `*out`; on failure `sock` stays valid and owned by the caller and
 * `*out` is untouched. Returns 0, or `-EAFNOSUPPORT`, `-EINVAL`, or the
 * `connect(2)` error.
 *
 * Never returns `-EAGAIN`: the socket is already bound, and a datagram
 * connect never waits.
 */
int wl_rawip_connect(wl_rawip *sock, const wl_addr *addr, wl_rawip_conn **out);

/**
 * Starts listening (`listen(2)`) with up to `backlog` pending connections:
 * `BoundSocket<Unix, SeqPacket>::listen`.
 *
 * Ownership: on success consumes `sock` and writes a new
 * `wl_seqpacket_listener` to `*out`; on failure `sock` stays valid and
 * owned by the caller and `*out` is untouched. Returns 0 or `-errno`
 * (`-EINVAL` for a NULL argument).
 */
int wl_seqpacket_bound_listen(wl_seqpacket_bound *sock,
                              uint32_t backlog,
                              wl_seqpacket_listener **out);

/**
 * Creates a pair of connected Unix seqpacket sockets (`socketpair(2)`,
 * close-on-exec): `ConnectedSeqPacket::pair`. Both are blocking;
 * `wl_seqpacket_pair_flags` makes them non-blocking from birth.
 *
 * Ownership: on success `*a` and `*b` receive new handles the caller
 * owns; on failure neither is written. Returns 0 or `-errno` (`-EINVAL`
 * for a NULL argument, `-EMFILE`).
 */
int wl_seqpacket_pair(wl_seqpacket **a, wl_seqpacket **b);

/**
 * Turns receive-side metadata on or off: `what` is a mask of
 * `WL_META_ECN`, `WL_META_ADDR`, `WL_META_TTL`, `WL_META_TIMESTAMP`,
 * `WL_META_ERRORS`, `WL_META_SOFTWARE_TIMESTAMP` (`set_recv_ecn`,
 * `set_recv_pktinfo`, `set_recv_ttl`, `set_recv_timestamp`,
 * `set_recv_errors`, `set_recv_software_timestamping`). Returns 0, `-EINVAL` for other bits or NULL,
 * `-EAFNOSUPPORT` (Unix), or `-errno`.
 */
int wl_dgram_set_recv_meta(const wl_dgram *sock,
                           uint32_t what,
                           bool on);

/**
 * Receives one datagram into `buf` with its metadata in `*out`
 * (`recv_msg` with a stack control buffer of `RECV_CONTROL_SPACE`
 * bytes). A truncated control buffer shows as `WL_META_CTRUNC` in
 * `out->present`. Returns the bytes received, or `-EAGAIN`, `-EINVAL`
 * (NULL), `-EAFNOSUPPORT` (Unix), `-errno`; `*out` is written only on
 * success.
 *
 * `-EAGAIN`: no datagram is queued, on a non-blocking socket (`WL_NONBLOCK`,
 * `MSG_DONTWAIT`) or after the read timeout (`SO_RCVTIMEO`). Nothing was
 * consumed and the outputs are untouched; retry when `wl_wait` (or your
 * event loop) reports `WL_READABLE`.
 */
ssize_t wl_dgram_recv_meta(const wl_dgram *sock, void *buf, size_t len, wl_udp_recv_meta *out);

/**
 * Reads one queued error from the error queue (`MSG_ERRQUEUE`, after
 * `wl_dgram_set_recv_meta(sock, WL_META_ERRORS, true)`) into `*out`, the
 * offending datagram's payload into `buf` (`len` may be 0). Never waits:
 * an empty queue is `-EAGAIN`. Returns the payload bytes copied, or
 * `-EINVAL` (NULL), `-EAFNOSUPPORT` (Unix), `-errno`; `*out` is written
 * only on success.
 *
 * `-EAGAIN`: the error queue is empty (this call never waits); nothing was
 * consumed and `*out` is untouched. A queued error makes `wl_wait` report
 * `WL_ERROR`.
 */
ssize_t wl_dgram_recv_error(const wl_dgram *sock, void *buf, size_t len, wl_udp_queued_error *out);

/**
 * Reads one queued error of a connected datagram socket (ICMP port
 * unreachable from the peer, ...); as `wl_dgram_recv_error`.
 *
 * `-EAGAIN`: the error queue is empty (this call never waits); nothing was
 * consumed. A queued error makes `wl_wait` report `WL_ERROR`.
 */
ssize_t wl_dgram_conn_recv_error(const wl_dgram_conn *sock,
                                 void *buf,
                                 size_t len,
                                 wl_udp_queued_error *out);

/**
 * Sets the path MTU discovery mode (`IP_MTU_DISCOVER` /
 * `IPV6_MTU_DISCOVER`) to one of `WL_PMTUDISC_*`; set it before
 * `wl_dgram_connect` to keep it on the connected socket. Returns 0, or
 * `-EINVAL` (NULL, an unknown mode), `-EAFNOSUPPORT` (Unix), `-errno`.
 */
int wl_dgram_set_mtu_discover(const wl_dgram *sock, int mode);

/**
 * Writes the path MTU discovery mode (`WL_PMTUDISC_*`) to `*out`.
 * Returns 0, or `-EINVAL` (NULL), `-EAFNOSUPPORT` (Unix), `-errno`.
 */
int wl_dgram_mtu_discover(const wl_dgram *sock, int *out);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* WIRELANE_H */
