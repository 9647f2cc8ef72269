#!/usr/bin/env python3
"""perf_breakdown.py splits a server's CPU samples into categories of work.

Input on stdin: `perf script -F comm,ip,sym` of a `perf record -e cpu-clock
-g` of the server process (user and kernel stacks, leaf first). Works for
vesta-server (Go symbols) and redis-server (C symbols).
Output: one Markdown table row, the share (%) of samples per category, or
with --header the table header. Used by bench/profile.sh.

Each sample goes to exactly one category:
  1. by any frame of its stack, in this order:
     fsync    fdatasync/fsync (kernel or Go wrapper);
     AOF wr   the AOF write call (Go aof.(*Writer).writeAll, Redis
              flushAppendOnlyFile) including the kernel's write;
     read     socket reads: kernel ksys_read, Go internal/poll.(*FD).Read;
     write    socket writes: kernel ksys_write/sendto, Go (*FD).Write;
     poll     epoll_wait: kernel do_epoll_wait, Go runtime.netpoll, Redis
              aeApiPoll;
     futex    kernel futex calls (Go's thread sleep and wake-up);
     othersys any other system call (nanosleep, clock_gettime fallbacks, ...);
     GC       Go's background mark/sweep/scavenge and mark assists;
  2. otherwise by the frame nearest the leaf that matches (so an allocation
     inside the parser counts as alloc, a clock read in dispatch as clock):
     alloc, clock, lock, sched (Go scheduler), parser, reply, AOF append
     (appending, handing the buffer to the write, the copy kept for fsync
     recovery),
     dispatch (command lookup, checks, call, stats, slowlog), command
     (the command's own work on the keyspace);
  3. otherwise "other".
"""
import re
import sys

STACK_CATS = [
    ("fsync", re.compile(r"__x64_sys_fdatasync|__x64_sys_fsync|do_fsync|^syscall\.Fdatasync|^syscall\.Fsync")),
    ("AOF wr", re.compile(r"aof\.\(\*Writer\)\.writeAll|^flushAppendOnlyFile|^aofWrite")),
    ("read", re.compile(r"^ksys_read$|^__x64_sys_read$|internal/poll\.\(\*FD\)\.Read$")),
    ("write", re.compile(r"^ksys_write$|^__x64_sys_write$|^__sys_sendto$|^__x64_sys_writev$|internal/poll\.\(\*FD\)\.Write$")),
    ("poll", re.compile(r"^do_epoll_wait$|^__x64_sys_epoll_wait$|^__x64_sys_epoll_pwait$|^runtime\.netpoll$|^aeApiPoll$")),
    ("futex", re.compile(r"^__x64_sys_futex$|^do_futex$")),
    ("othersys", re.compile(r"^do_syscall_64$|^entry_SYSCALL_64")),
    ("GC", re.compile(r"^runtime\.(gcBgMarkWorker|bgsweep|bgscavenge|gcAssistAlloc|gcStart|gcMarkDone|gcMarkTermination)")),
]
LEAF_CATS = [
    ("alloc", re.compile(r"^runtime\.(mallocgc|newobject|makeslice|growslice|makemap|mapassign|rawstring|rawbyteslice|concatstring|slicebytetostring|convT|mallocgcSmall|mallocgcTiny)|^(je_|malloc$|free$|zmalloc|zfree|zcalloc|zrealloc|ztrymalloc|tcache_)")),
    ("clock", re.compile(r"^(time\.Now|time\.Since|runtime\.nanotime|time\.now|runtime\.walltime|__vdso_clock_gettime|ustime$|mstime$|monotonicGetTimeMicros)")),
    ("lock", re.compile(r"^(sync\.\(\*Mutex\)|internal/sync\.\(\*Mutex\)|sync\.\(\*RWMutex\)|runtime\.(semacquire|semrelease|lock2|unlock2)|.*server\.\(\*lockWatch\))")),
    ("sched", re.compile(r"^runtime\.(schedule|findRunnable|netpoll|park_m|goready|ready|runqsteal|stealWork|stopm|startm|wakep|notesleep|notewakeup|futex|mcall|gopark|usleep|osyield|exitsyscall|entersyscall|reentersyscall|gosched|goschedImpl|resetspinning|checkTimers|execute|gogo|mPark|handoffp|sysmon|retake|runqget|runqput|injectglist|selectgo|chansend|chanrecv|send|recv|netpollready|netpollblock|casgstatus|mstart)")),
    ("parser", re.compile(r"internal/resp\.\(\*Parser\)|internal/resp\.ParseInt|^processMultibulkBuffer|^processInlineBuffer|^processInputBuffer")),
    ("reply", re.compile(r"internal/resp\.\(\*Writer\)|internal/resp\.Append|^_?addReply|^prepareClientToWrite|^_writeToClient|^writeToClient|^handleClientsWithPendingWrites")),
    ("AOF append", re.compile(r"internal/aof\.\(\*Writer\)\.(Feed|Offset|flushLocked|retain|lead|Err)|internal/aof\.Append|internal/stream\.|internal/engine\.\(\*Engine\)\.DurabilityWait|^feedAppendOnlyFile|^catAppendOnly|^propagate")),
    ("dispatch", re.compile(r"internal/server\.|internal/command\.\(\*Table\)\.Lookup|internal/command\.\(\*Ctx\)\.(Reset|Propagated)|^processCommand$|^call$|^lookupCommand|^slowlogPushEntryIfNeeded|^afterCommand|^resetClient|^commandProcessed")),
    ("command", re.compile(r"internal/(command|keyspace|types|listpack|sds|intset|ziplist|glob)\.|Command$|^dict|^db|^lookupKey|^sds|^lp|^quicklist|^listType|^hashType|^setKey|^setGenericCommand|^siphash|^createObject|^createStringObject|^tryObjectEncoding|^getLongLong|^string2ll|^ll2string")),
]
CATS = [c for c, _ in STACK_CATS] + [c for c, _ in LEAF_CATS] + ["other"]


def parse(lines):
    """Yields the frames (leaf first) of each sample."""
    frames = None
    for line in lines:
        if not line.strip():
            if frames is not None:
                yield frames
            frames = None
            continue
        if not line[0].isspace():
            if frames is not None:
                yield frames
            frames = []
            continue
        parts = line.split(None, 1)
        if frames is not None and len(parts) == 2:
            sym = parts[1].strip()
            sym = re.sub(r"\+0x[0-9a-f]+$", "", sym)
            sym = re.sub(r" \(.*\)$", "", sym)
            frames.append(sym)
    if frames is not None:
        yield frames


def classify(frames):
    for cat, rx in STACK_CATS:
        if any(rx.search(f) for f in frames):
            return cat
    for f in frames:
        for cat, rx in LEAF_CATS:
            if rx.search(f):
                return cat
    return "other"


def main():
    if "--header" in sys.argv:
        print("| mode | -P | test | server | samples | " + " | ".join(CATS) + " |")
        print("|---|---:|---|---|---:|" + "---:|" * len(CATS))
        return
    label = "profile"
    if "--label" in sys.argv:
        label = sys.argv[sys.argv.index("--label") + 1]
    tot = {c: 0 for c in CATS}
    others = {}
    for frames in parse(sys.stdin):
        c = classify(frames)
        tot[c] += 1
        if c == "other" and frames:
            others[frames[0]] = others.get(frames[0], 0) + 1
    n = sum(tot.values())
    s = n or 1
    print(f"| {label} | {n} | " + " | ".join(f"{100 * tot[c] / s:.0f}" for c in CATS) + " |")
    if "--other" in sys.argv:
        # The leaf frames of uncategorised samples, to refine the patterns.
        for f, k in sorted(others.items(), key=lambda kv: -kv[1])[:20]:
            print(f"{k:6d} {f}", file=sys.stderr)


if __name__ == "__main__":
    main()
