#!/usr/bin/env python3
"""Generates the NULL matrix for the Wirelane C ABI from include/wirelane.h.

For every function the header declares and every pointer parameter it
takes, the generated C program calls the function once with that one
parameter NULL and every other argument valid (fresh handles, buffers,
addresses), then checks:

- nothing crashes (the program also runs under ASan+UBSan and valgrind);
- a parameter the function's documentation does not call optional
  ("if not NULL", "NULL or zero-initialized", ...) is refused with -EINVAL
  and a message, and a handle passed alongside is not consumed;
- an optional one may be accepted; either way nothing leaks (descriptors
  are counted around every call; ASan/valgrind count memory).

Every handle parameter also gets a call with a live handle of another
type in its place (a C cast): it must be refused with -EBADF and a
message naming both types ("expected wl_listener, got wl_conn"), and
neither handle may be consumed or freed (issue 15, handle tags).

A new function in the header is covered automatically. A parameter type
the generator does not know how to fill stops generation with an error
naming it: nothing is ever skipped silently.

Usage: gen_null_matrix.py include/wirelane.h OUT.c
"""

import re
import sys

HANDLES = {
    "wl_raw": "mk_raw()",
    "wl_bound": "mk_bound()",
    "wl_listener": "mk_listener()",
    "wl_conn": "mk_conn()",
    "wl_pending": "mk_pending()",
    "wl_dgram": "mk_dgram()",
    "wl_dgram_conn": "mk_dgram_conn()",
    "wl_send_batch": "mk_send_batch()",
    "wl_recv_batch": "mk_recv_batch()",
    "wl_recv_slots": "mk_recv_slots()",
    "wl_pipe": "mk_pipe()",
    "wl_inherited": "mk_inherited()",
    "wl_handover": "mk_handover()",
    "wl_connector": "mk_connector()",
    # Socket kinds (kinds_handles.h).
    "wl_seqpacket_raw": "mk_seqpacket_raw()",
    "wl_seqpacket_bound": "mk_seqpacket_bound()",
    "wl_seqpacket_listener": "mk_seqpacket_listener()",
    "wl_seqpacket": "mk_seqpacket()",
    "wl_icmp_raw": "mk_icmp_raw()",
    "wl_icmp": "mk_icmp()",
    "wl_icmp_conn": "mk_icmp_conn()",
    "wl_rawip_raw": "mk_rawip_raw()",
    "wl_rawip": "mk_rawip()",
    "wl_rawip_conn": "mk_rawip_conn()",
}

# Functions that take ownership of a (non-const) handle argument when they
# succeed; everything else only borrows it.
CONSUMING = re.compile(
    r"_free$|_into_fds?$|^wl_raw_(bind|connect)|^wl_bound_listen$|^wl_pending_finish$|^wl_dgram_connect$"
    r"|^wl_connector_(step|wait)$"
    r"|^wl_(seqpacket|icmp|rawip)_raw_(bind|connect)$|^wl_seqpacket_bound_listen$|^wl_(icmp|rawip)_connect$"
)

# Plain-data structs passed by pointer (in or out): a zeroed value is valid
# (configs: all defaults).
STRUCTS = {
    "wl_ucred", "wl_recv_msg", "wl_segmented_send", "wl_gro_recv", "wl_tcp_info",
    "wl_zerocopy_completion", "wl_listener_config", "wl_connector_config",
    "wl_datagram_config", "wl_reuse_config", "wl_buffer_config",
    "wl_keepalive_config", "wl_tcp_config",
    "wl_connect_opts", "wl_connect_failure",
    "wl_udp_recv_meta", "wl_udp_send_meta", "wl_udp_queued_error",
    "wl_cmsg", "wl_cmsg_recv",
    "wl_echo_reply",
}

SCALAR_ARRAYS = {"int", "size_t", "uint64_t", "uint32_t", "uint16_t", "uint8_t", "bool", "int64_t", "pid_t"}


def parse_header(text):
    """Yields (name, return type, [(type, name)], doc) for each function."""
    doc = ""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("/**"):
            block = [line]
            while not lines[i].rstrip().endswith("*/"):
                i += 1
                block.append(lines[i])
            doc = "\n".join(block)
            i += 1
            continue
        m = re.match(r"^([a-z][\w ]*?[\s*]+)(wl_\w+)\(", line)
        if m and not line.startswith("typedef"):
            proto = line
            while not proto.rstrip().endswith(");"):
                i += 1
                proto += " " + lines[i].strip()
            ret = m.group(1).strip()
            name = m.group(2)
            args = proto[proto.index("(") + 1 : proto.rindex(")")].strip()
            params = []
            if args != "void":
                for a in args.split(","):
                    a = a.strip()
                    pm = re.match(r"^(.*?)(\w+)$", a)
                    params.append((pm.group(1).strip(), pm.group(2)))
            yield name, ret, params, doc
            doc = ""
        elif line.strip() and not line.startswith((" ", "*", "#", "/", "typedef", "}")):
            doc = ""
        i += 1


# Pointers the implementation accepts as NULL (defaults / no-op) although
# the header does not say so: documentation gaps reported to the C ABI's
# owner. Each stays optional here only until its doc says so; any other
# NULL the docs do not allow must be refused with -EINVAL.
UNDOCUMENTED_OPTIONAL = {
    ("wl_datagram_bind", "cfg"),
    ("wl_datagram_connect", "cfg"),
    ("wl_buffer_config_apply", "cfg"),
    ("wl_keepalive_config_apply", "cfg"),
    ("wl_tcp_config_apply", "cfg"),
}


def sentences(doc):
    flat = re.sub(r"\s*\n\s*\*\s*", " ", doc)
    flat = re.sub(r"^/\*\*|\*/$", "", flat.strip())
    return re.split(r"(?<=[.;])\s+", flat)


def documented_optional(doc, p):
    """Whether the documentation says parameter `p` may be NULL."""
    q = r"`" + re.escape(p) + r"`"
    starred = r"`\*" + re.escape(p) + r"`"
    either = r"`\*?" + re.escape(p) + r"`"
    for sen in sentences(doc):
        if not re.search(either, sen) and not (p.startswith("off") and "offset" in sen):
            continue
        at = sen.find("if not NULL,")
        if at >= 0 and re.search(starred, sen[at:]):
            return True  # "if not NULL, `*transferred` receives ... and `*in_pipe` ..."
        pats = [
            either + r",?\s*\(if not NULL\)",
            either + r",?\s+if not NULL",
            r"[Ii]f " + either + r" is not NULL",
            r"[Ww]ith " + either + r" not NULL",
            either + r"\s*\(NULL or",
            r"when " + either + r" is NULL",
            either + r" may be NULL",
        ]
        if p.startswith("off"):
            pats.append(r"offset \(not NULL\)")
        if any(re.search(x, sen) for x in pats):
            return True
        # "`interface` NULL removes the binding", "`cfg` NULL does nothing";
        # but not "-EINVAL if `sock` is NULL".
        if re.search(q + r"\s+(?:is\s+)?NULL\b", sen) and "EINVAL" not in sen:
            return True
    return False


def optional(fn, doc, p, docs):
    """Documented optional, directly or through the function the doc
    defers to ("as in `wl_x`", "as `wl_x`", "`wl_x` to ...")."""
    if (fn, p) in UNDOCUMENTED_OPTIONAL or documented_optional(doc, p):
        return True
    for ref in re.findall(r"`(wl_\w+)`", doc):
        if ref != fn and ref in docs and documented_optional(docs[ref], p):
            return True
    return False


def base_of(ctype):
    t = ctype.replace("const", "").replace("struct", "").strip()
    depth = t.count("*")
    return t.replace("*", "").strip(), depth


class Gen:
    def __init__(self):
        self.decls = []
        self.cleanup = []
        self.n = 0

    def var(self, decl_fmt, cleanup=None):
        name = "v%d" % self.n
        self.n += 1
        self.decls.append(decl_fmt.format(v=name))
        if cleanup:
            self.cleanup.append(cleanup.format(v=name))
        return name


def scalar(fn, ctype, p):
    """A valid value for a non-pointer parameter."""
    t, _ = base_of(ctype)
    by_name = {
        "domain": "AF_INET",
        "type": "SOCK_STREAM",
        "flags": "0",
        "timeout_ms": "0",
        "how": "SHUT_RDWR",
        "interest": "WL_READABLE",
        "err": "0",
        "capacity": "4",
        "count": "4",
        "slot_size": "64",
        "index": "0",
        "n": "1",
        "nfds": "1",
        "max_fds": "4",
        "iovcnt": "1",
        "backlog": "4",
        "segment_size": "100",
        "port": "0",
        "flowinfo": "0",
        "scope_id": "0",
        "millis": "0",
        "seconds": "0",
        "enable": "false",
        "nonblocking": "true",
        "value": "1",
        "bytes": "65536",
        "size": "0",
        "interface": "0",
        "unset_environment": "false",
        "what": "WL_META_ECN",
        "on": "true",
        "mode": "WL_PMTUDISC_WANT",
        "cmsg_level": "IPPROTO_IP",
        "cmsg_type": "IP_TOS",
        "data_len": "4",
        "control_len": "16",
        "control_capacity": "64",
        "seq": "1",
        # Raw IP wants a real protocol number (253: for experiments,
        # RFC 3692); wl_raw_open takes 0 (the kind's default).
        "protocol": "253" if fn.startswith("wl_rawip_") else "0",
        "sockets": "3",
        "cap": "WL_BPF_STEER_LEN",
        "ifindex": "0",
    }
    if t == "socklen_t":
        return "(socklen_t)sizeof(struct sockaddr_in)"
    if p in ("len", "term_len", "max_len"):
        return "64"
    if fn in ("wl_splice", "wl_tee") and p == "flags":
        return "WL_SPLICE_F_NONBLOCK"
    if p in by_name:
        return by_name[p]
    if t == "int" and p in ("fd", "file_fd", "fd_in", "fd_out", "pipe_in", "pipe_out", "from", "to"):
        return None  # a descriptor: made by fd_arg
    raise SystemExit(f"gen_null_matrix: no value for scalar parameter `{ctype} {p}` of {fn}; teach scalar()")


def fd_arg(g, fn, p):
    """A descriptor argument suited to the function."""
    if p in ("fd_in", "pipe_in", "from"):
        return g.var("int {v} = mk_eof_pipe();", "close({v});")
    if p in ("fd_out", "pipe_out"):
        return g.var("int {v}_pair[2]; int {v} = mk_pipe_writer({v}_pair);", "close({v}_pair[0]); close({v});")
    if p == "to":
        return g.var("int {v} = open(\"/dev/null\", O_WRONLY | O_CLOEXEC);", "close({v});")
    if p == "file_fd":
        # A regular file (sendfile refuses /dev/null with EINVAL, which
        # would pass for a NULL check).
        return g.var("int {v} = open(\"/proc/self/exe\", O_RDONLY | O_CLOEXEC);", "close({v});")
    if re.search(r"passcred", fn):
        return g.var("int {v} = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);", "close({v});")
    family = "AF_INET6" if re.search(r"_v6$|only_v6|tclass|hops_v6|multicast_v6", fn) else "AF_INET"
    kind = "SOCK_DGRAM" if re.search(r"udp|multicast|broadcast", fn) else "SOCK_STREAM"
    return g.var(f"int {{v}} = socket({family}, {kind} | SOCK_CLOEXEC, 0);", "close({v});")


def pointer(g, fn, ctype, p):
    """A valid, non-NULL value for pointer parameter `p`."""
    t, depth = base_of(ctype)
    if t in HANDLES and depth == 1:
        v = g.var(f"{t} *{{v}} = {HANDLES[t]};")
        return v, t
    if t in HANDLES and depth == 2:
        v = g.var(f"{t} *{{v}} = NULL;", f"{t}_free({{v}});")
        return "&" + v, None
    if t == "char" and depth == 2 and ctype.count("const") == 2:
        # argv: a NULL-terminated array of strings.
        return g.var('const char *{v}[] = {{"x", NULL}};'), None
    if t == "uint8_t" and depth == 2:
        # An out-parameter for a pointer into the library's memory.
        return "&" + g.var("const uint8_t *{v} = NULL;"), None
    if depth != 1:
        raise SystemExit(f"gen_null_matrix: `{ctype} {p}` of {fn}: unexpected pointer depth")
    if t == "wl_addr":
        return "&" + g.var("wl_addr {v} = wl_parse(\"127.0.0.1:9\");"), None
    if t == "char" and "const" in ctype:
        text = {"path": "\"/tmp/wl-hard-null.sock\"", "interface": "\"lo\"", "algorithm": "\"cubic\""}.get(
            p, "\"127.0.0.1:9\""
        )
        return text, None
    if t == "char":
        return g.var("char {v}[512] = {{0}};"), None
    if t == "void":
        if p == "cancel":
            return "&" + g.var("_Atomic bool {v} = false;"), None
        return g.var("unsigned char {v}[512] = {{0}};"), None
    if t == "uint8_t" and "const" in ctype:
        return g.var("uint8_t {v}[128] = {{127, 0, 0, 1}};"), None
    if t == "sockaddr":
        return "(const struct sockaddr *)&" + g.var(
            "struct sockaddr_in {v} = {{.sin_family = AF_INET, .sin_port = htons(9), "
            ".sin_addr.s_addr = htonl(INADDR_LOOPBACK)}};"
        ), None
    if t == "iovec":
        buf = g.var("unsigned char {v}[512] = {{0}};")
        return g.var("struct iovec {v}[1] = {{{{.iov_base = " + buf + ", .iov_len = 64}}}};"), None
    if t == "wl_mmsg":
        buf = g.var("unsigned char {v}[64] = {{0}};")
        to = g.var("wl_addr {v} = wl_parse(\"127.0.0.1:9\");")
        return g.var("wl_mmsg {v}[1] = {{{{.buf = " + buf + ", .len = 8, .to = &" + to + "}}}};"), None
    if t == "int" and "const" in ctype:
        return g.var("int {v}[4] = {{g_devnull, g_devnull, g_devnull, g_devnull}};"), None
    if t in SCALAR_ARRAYS:
        return g.var(f"{t} {{v}}[256]; memset({{v}}, 0, sizeof {{v}});"), None
    if t == "wl_bpf_insn":
        # Programs: room for any length the generator passes (len is 64).
        return g.var("wl_bpf_insn {v}[64]; memset({v}, 0, sizeof {v});"), None
    if t in STRUCTS:
        return "&" + g.var(f"{t} {{v}}; memset(&{{v}}, 0, sizeof {{v}});"), None
    raise SystemExit(f"gen_null_matrix: no value for pointer parameter `{ctype} {p}` of {fn}; teach pointer()")


LENGTHS = {"len", "term_len", "max_len", "n", "nfds", "iovcnt", "max_fds"}


def length_of(params, k):
    """The index of the length parameter right after pointer k, if any."""
    if k + 1 < len(params):
        ctype, p = params[k + 1]
        if p in LENGTHS and "*" not in ctype:
            return k + 1
    return None


def case(fn, ret, params, doc, k, docs, zero_len=False):
    """The C test calling `fn` with parameter k NULL (and, with zero_len,
    the length after it 0: "NULL with length 0" must not crash, whatever
    the function answers)."""
    g = Gen()
    args = []
    handle_vars = []  # (var, type) of handles passed by pointer
    for i, (ctype, p) in enumerate(params):
        t, depth = base_of(ctype)
        if i == k:
            args.append("NULL")
            continue
        if zero_len and i == length_of(params, k):
            args.append("0")
            continue
        if depth == 0:
            v = scalar(fn, ctype, p)
            args.append(v if v is not None else fd_arg(g, fn, p))
            continue
        v, handle_type = pointer(g, fn, ctype, p)
        args.append(v)
        if handle_type:
            handle_vars.append((v, handle_type, "const" in ctype))
    ptype, pname = params[k]
    opt = zero_len or optional(fn, doc, pname, docs)
    call = f"{fn}({', '.join(args)})"
    body = ["    errno = 0;"]
    body += ["    " + d for d in g.decls]
    if ret == "void":
        # The free functions: "NULL is a no-op".
        body.append(f"    {call};")
        body.append("    long rc = 0;")
        body.append(f"    null_optional_seen(\"{fn}\", \"{pname}\", rc);")
    elif ret.endswith("*"):
        body.append(f"    long rc = ({call}) != NULL ? 0 : -EINVAL;")
    else:
        body.append(f"    long rc = (long){call};")
    consuming = bool(CONSUMING.search(fn))
    if ret != "void":
        if opt:
            body.append(f"    null_optional_seen(\"{fn}\", \"{pname}\", rc);")
        else:
            body.append(f"    null_expect_einval(\"{fn}\", \"{pname}\", rc);")
    for v, t, is_const in handle_vars:
        if consuming and not is_const:
            # Consumed only by a successful call (possible only when the
            # NULL parameter is optional); a refusal leaves it ours.
            body.append(f"    if (rc < 0) {t}_free({v});")
            if fn.endswith("_into_fd"):
                body.append("    if (rc >= 0) close((int)rc);")
        else:
            body.append(f"    {t}_free({v});")
    body += ["    " + c for c in g.cleanup]
    tname = f"null{'0' if zero_len else ''}_{fn}__{pname}"
    return tname, opt, "static void %s(void) {\n%s\n}\n" % (tname, "\n".join(body))


# The handle passed in place of a parameter of type T: any other type.
def other_handle(t):
    return "wl_listener" if t == "wl_conn" else "wl_conn"


def wrong_type_case(fn, ret, params, k):
    """The C test calling `fn` with handle parameter k replaced by a live
    handle of another type, through a cast."""
    g = Gen()
    args = []
    handle_vars = []
    expected, _ = base_of(params[k][0])
    actual = other_handle(expected)
    wrong = g.var(f"{actual} *{{v}} = {HANDLES[actual]};")
    for i, (ctype, p) in enumerate(params):
        t, depth = base_of(ctype)
        if i == k:
            args.append(f"(void *){wrong}")
            continue
        if depth == 0:
            v = scalar(fn, ctype, p)
            args.append(v if v is not None else fd_arg(g, fn, p))
            continue
        v, handle_type = pointer(g, fn, ctype, p)
        args.append(v)
        if handle_type:
            handle_vars.append((v, handle_type))
    pname = params[k][1]
    call = f"{fn}({', '.join(args)})"
    body = ["    errno = 0;"]
    body += ["    " + d for d in g.decls]
    if ret == "void":
        body.append(f"    {call};")
        body.append("    long rc = -EBADF; /* a void call: the message tells */")
    elif ret.endswith("*"):
        raise SystemExit(f"gen_null_matrix: {fn} returns a pointer and takes a handle; teach wrong_type_case()")
    else:
        body.append(f"    long rc = (long){call};")
    body.append(f'    wrong_type_expect("{fn}", "{pname}", rc, "{expected}", "{actual}");')
    # Refused before anything happened: every handle is still ours.
    body.append(f"    CHECK({actual}_fd({wrong}) >= 0);")
    body.append(f"    {actual}_free({wrong});")
    for v, t in handle_vars:
        body.append(f"    {t}_free({v});")
    body += ["    " + c for c in g.cleanup]
    tname = f"wrongtype_{fn}__{pname}"
    return tname, "static void %s(void) {\n%s\n}\n" % (tname, "\n".join(body))


def main():
    header, out = sys.argv[1], sys.argv[2]
    with open(header) as f:
        funcs = list(parse_header(f.read()))
    if len(funcs) < 100:
        raise SystemExit(f"gen_null_matrix: only {len(funcs)} functions parsed from {header}")
    tests, table = [], []
    docs = {fn: doc for fn, _, _, doc in funcs}
    for fn, ret, params, doc in funcs:
        for k, (ctype, p) in enumerate(params):
            if "*" not in ctype:
                continue
            name, opt, src = case(fn, ret, params, doc, k, docs)
            tests.append((name, src))
            table.append(f"/*   {fn:42} {p:14} {'optional' if opt else 'required -> -EINVAL'} */")
            if length_of(params, k) is not None:
                name, _, src = case(fn, ret, params, doc, k, docs, zero_len=True)
                tests.append((name, src))
                table.append(f"/*   {fn:42} {p:14} NULL with length 0: must not crash */")
            t, depth = base_of(ctype)
            if t in HANDLES and depth == 1:
                name, src = wrong_type_case(fn, ret, params, k)
                tests.append((name, src))
                table.append(f"/*   {fn:42} {p:14} another handle type -> -EBADF */")
    with open(out, "w") as f:
        f.write("/* GENERATED by ffi-tests/hardening/gen_null_matrix.py from include/wirelane.h.\n")
        f.write(f" * {len(funcs)} functions, {len(tests)} NULL and wrong-type cases. Do not edit. */\n")
        f.write("\n".join(table) + "\n\n")
        f.write('#include "hardening.h"\n')
        f.write('#include "kinds_handles.h"\n\n')
        for _, src in tests:
            f.write(src + "\n")
        f.write("int main(void) {\n    wl_test_start(120);\n    hard_setup();\n")
        for name, _ in tests:
            f.write(f"    RUN({name});\n")
        f.write("    hard_teardown();\n")
        f.write(
            f'    printf("null matrix: %d calls over {len(funcs)} header functions ('
            f'%d refused with -EINVAL, %d optional or zero-length, %d wrong handle types refused with -EBADF)\\n", '
            "null_calls, null_refused, null_optional, wrong_type_refused);\n"
        )
        f.write("    if (null_failures > 0) {\n        fprintf(stderr, \"%d NULL cases failed\\n\", null_failures);\n        return 1;\n    }\n")
        f.write('    return wl_test_end("null_matrix");\n}\n')
    print(f"gen_null_matrix: {len(funcs)} functions, {len(tests)} NULL and wrong-type cases -> {out}")


if __name__ == "__main__":
    main()
