//! The comparison driver: options, the run over every workload, output.

use std::fs;
use std::io;
use std::time::{SystemTime, UNIX_EPOCH};

use super::prepare::{self, Layout, Peer};
use super::probes;
use super::report::{self, Row, Run};
use super::runner::{Launch, run_workload};
use super::workloads::{self, BIG_FILE_MIB, FILE_MIB, Impl};

const USAGE: &str = "\
usage: cargo run --release --example compare -- [options]
  --rounds N       measured rounds per workload (default 31)
  --warmup N       discarded rounds first (default 1)
  --scale F        multiply every workload's operation count by F (default 1)
  --big            256 MiB file for the sendfile/copy rows (default 32 MiB)
  --file-mib N     file size in MiB for the sendfile/copy rows
  --only A,B       only these workloads (names as in the table)
  --impls A,B      only these columns: raw_c,wirelane,std,c_abi,py_binding,py_ctypes,
                   py_stdlib,tokio_wirelane,tokio_net (the tokio ones need --features tokio)
  --exact          also count user-space instructions (valgrind callgrind) and
                   heap allocations (valgrind memcheck) per operation; slow
  --no-probes      skip the exact per-operation counts altogether (by default
                   the send syscalls per operation are counted with strace -c)
  --json PATH      also write every sample, median and ratio as JSON
  --cpu N          run every client and the peer's echo threads on CPU N
                   (default 0); the sinks stay unpinned
  --no-pin         let the scheduler place the peer and the clients
";

struct Options {
    rounds: usize,
    warmup: usize,
    scale: f64,
    file_mib: u64,
    only: Option<Vec<String>>,
    impls: Vec<Impl>,
    strace: bool,
    callgrind: bool,
    json: Option<String>,
    cpu: Option<usize>,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        rounds: 31,
        warmup: 1,
        scale: 1.0,
        file_mib: FILE_MIB,
        only: None,
        impls: Impl::ALL.to_vec(),
        strace: true,
        callgrind: false,
        json: None,
        cpu: Some(0),
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut val = |name: &str| it.next().cloned().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            "--rounds" => o.rounds = val(a)?.parse().map_err(|e| format!("--rounds: {e}"))?,
            "--warmup" => o.warmup = val(a)?.parse().map_err(|e| format!("--warmup: {e}"))?,
            "--scale" => o.scale = val(a)?.parse().map_err(|e| format!("--scale: {e}"))?,
            "--big" => o.file_mib = BIG_FILE_MIB,
            "--file-mib" => o.file_mib = val(a)?.parse().map_err(|e| format!("--file-mib: {e}"))?,
            "--only" => o.only = Some(val(a)?.split(',').map(str::to_string).collect()),
            "--impls" => {
                let v = val(a)?;
                o.impls = Vec::new();
                for k in v.split(',') {
                    let imp = Impl::ALL
                        .iter()
                        .find(|i| i.key() == k)
                        .ok_or(format!("unknown implementation {k}"))?;
                    o.impls.push(*imp);
                }
            }
            "--no-probes" => {
                o.strace = false;
                o.callgrind = false;
            }
            "--exact" => o.callgrind = true,
            "--json" => o.json = Some(val(a)?),
            "--cpu" => o.cpu = Some(val(a)?.parse().map_err(|e| format!("--cpu: {e}"))?),
            "--no-pin" => o.cpu = None,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown option {other}")),
        }
    }
    if o.rounds == 0 || o.scale <= 0.0 || o.file_mib == 0 {
        return Err("--rounds, --scale and --file-mib must be positive".into());
    }
    Ok(o)
}

fn read_trimmed(path: &str) -> String {
    fs::read_to_string(path)
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

fn host_description() -> String {
    let cpu = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    // Online CPUs of the machine (not this process's affinity mask).
    // SAFETY: sysconf takes an integer and has no other effect.
    let cpus = unsafe { libc::sysconf(libc::_SC_NPROCESSORS_ONLN) };
    format!(
        "Linux {}, {cpus} CPUs ({cpu})",
        read_trimmed("/proc/sys/kernel/osrelease")
    )
}

/// Today's date and time in UTC, ISO 8601 (civil-from-days, no crates).
fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0) as i64;
    let (days, rem) = (secs.div_euclid(86400), secs.rem_euclid(86400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02} UTC", rem / 3600, (rem % 3600) / 60)
}

/// Pins this process, and so every process it starts from now on (the
/// clients and their tracers), to one CPU (`sched_setaffinity(2)`); the
/// peer's echo threads are on the same CPU (see `peer.c`).
///
/// Why: on a VM a round trip between processes on two vCPUs pays two
/// cross-CPU wake-ups, which cost tens of microseconds when the other vCPU
/// is idle, and where the scheduler happens to put a client decides which
/// of two speeds it gets for the whole run. On one CPU every client pays
/// the same two context switches per round trip.
fn pin_to(cpu: usize) -> io::Result<()> {
    // SAFETY: a zeroed cpu_set_t is the empty set; CPU_SET and
    // sched_setaffinity get a valid pointer and the set's size.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        if libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

pub fn main(args: &[String]) -> io::Result<()> {
    let o = match parse(args) {
        Ok(o) => o,
        // --help: the usage on stdout, success; a bad option: the error
        // and the usage on stderr, exit status 2.
        Err(e) if e.is_empty() => {
            print!("{USAGE}");
            std::process::exit(0);
        }
        Err(e) => {
            eprintln!("compare: {e}");
            eprint!("{USAGE}");
            std::process::exit(2);
        }
    };
    let layout = Layout::new()?;
    eprintln!("compare: building the C peer and clients into {}", layout.out.display());
    let built = prepare::build(&layout, &o.impls)?;
    for (k, why) in &built.missing {
        eprintln!("compare: column {k} unavailable: {why}");
    }
    let file_bytes = o.file_mib << 20;
    let mut wls = workloads::all(file_bytes);
    if let Some(only) = &o.only {
        wls.retain(|w| only.iter().any(|n| n == w.name));
    }
    for w in &mut wls {
        if w.unit != "MiB" {
            let count = ((w.count as f64 * o.scale).round() as u64).max(1);
            w.units_per_round = w.units_per_round / w.count * count;
            w.expect = w.expect / w.count * count;
            w.count = count;
        }
    }
    let (file, _resident) = if wls.iter().any(|w| w.unit == "MiB") {
        let path = prepare::data_file(&layout, file_bytes)?;
        let resident = prepare::Resident::lock(&path)?;
        (path.display().to_string(), Some(resident))
    } else {
        ("-".into(), None)
    };
    // The peer starts unpinned (its sinks stay free to run anywhere) and
    // pins its echo threads itself; then this process, and so every
    // client started from now on, moves to the same CPU.
    let peer = Peer::start(&built.peer, o.cpu)?;
    if let Some(cpu) = o.cpu {
        pin_to(cpu)?;
    }
    let no_env = Vec::new();
    let launches: Vec<Launch<'_>> = o
        .impls
        .iter()
        .filter_map(|&imp| {
            built.commands.get(imp.key()).map(|c| Launch {
                imp,
                command: c,
                env: built.envs.get(imp.key()).unwrap_or(&no_env),
            })
        })
        .collect();

    let load_before = read_trimmed("/proc/loadavg");
    let mut rows = Vec::new();
    for w in &wls {
        eprintln!(
            "compare: {} ({} + {} rounds x {} clients)",
            w.name,
            o.warmup,
            o.rounds,
            launches.len()
        );
        let cols = run_workload(w, peer.port(w.service), &file, &launches, o.warmup, o.rounds);
        for c in &cols {
            if let Some(e) = &c.error {
                eprintln!("compare:   {}: {e}", c.imp.title());
            }
        }
        rows.push(Row { w: w.clone(), cols });
    }
    let mut probe_rows = Vec::new();
    let mut ops = std::collections::BTreeMap::new();
    if o.strace || o.callgrind {
        for w in workloads::all(file_bytes).iter() {
            let Some(op) = probes::op_name(w) else { continue };
            if o.only.as_ref().is_some_and(|only| !only.iter().any(|n| n == w.name)) {
                continue;
            }
            ops.insert(w.name, op);
            eprintln!(
                "compare: counting syscalls, instructions and allocations per op of {}",
                w.name
            );
            let counts = probes::Counts {
                strace: o.strace,
                callgrind: o.callgrind,
                memcheck: o.callgrind,
            };
            probe_rows.extend(probes::probe(w, peer.port(w.service), &launches, &layout.out, counts));
        }
    }
    let load_after = read_trimmed("/proc/loadavg");
    drop(peer);

    let mut command = String::from("cargo run --release --example compare");
    if !args.is_empty() {
        command.push_str(" -- ");
        command.push_str(&args.join(" "));
    }
    let run = Run {
        rows,
        impls: o.impls.clone(),
        missing: built.missing,
        rounds: o.rounds,
        warmup: o.warmup,
        file_mib: o.file_mib,
        probes: probe_rows,
        date: utc_now(),
        host: host_description(),
        load_before,
        load_after,
        command,
    };
    println!("# Wirelane comparison, {}", run.date);
    println!();
    println!("`{}`", run.command);
    println!();
    println!(
        "{}; load average before {} / after {}. Medians of {} interleaved rounds ({} warm-up discarded); \
         ratios are median / median of raw libc C (lower is faster).",
        run.host, run.load_before, run.load_after, run.rounds, run.warmup
    );
    println!();
    match o.cpu {
        Some(c) => println!(
            "Every client and the peer's echo threads ran on CPU {c}; the sinks ran wherever the scheduler put \
             them (`--cpu`; `--no-pin` lets the scheduler place everything)."
        ),
        None => println!("The scheduler placed the peer and the clients (`--no-pin`)."),
    }
    println!();
    print!("{}", report::table(&run));
    println!();
    println!("## Targets");
    println!();
    print!("{}", report::targets_table(&run));
    if !run.probes.is_empty() {
        println!();
        println!("## Per operation, exact (difference of a 250-op and a 50-op run, divided by 200)");
        println!();
        print!("{}", probes::table(&run.probes, &ops));
    }
    if let Some(path) = &o.json {
        fs::write(path, report::json(&run))?;
        eprintln!("compare: wrote {path}");
    }
    Ok(())
}
