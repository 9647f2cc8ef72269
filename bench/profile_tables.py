#!/usr/bin/env python3
"""profile_tables.py condenses two bench/profile.sh summaries (before and
after a change) into the tables of docs/BENCHMARKS.md, "Where the CPU goes".

  bench/profile_tables.py BEFORE/summary.md AFTER/summary.md sys
      per row: system calls, writes and fdatasyncs per request (Redis /
      Vesta before / Vesta after) and Vesta's CPU per request over Redis's
      in the same run, before -> after
  bench/profile_tables.py BEFORE/summary.md AFTER/summary.md br
      AFTER's CPU breakdown per mode and depth, the seven tests pooled
      (sample-weighted), categories grouped
"""
import sys, statistics as st
def load(path):
    rows, br = {}, {}
    sec = 0
    for l in open(path):
        if l.startswith("CPU samples"): sec = 1
        if not l.startswith("| ") or "---" in l or l.startswith("| mode"): continue
        c = [x.strip() for x in l.strip().strip("|").split("|")]
        key = (c[0], c[1], c[2], c[3])
        if sec == 0: rows[key] = [float(x) for x in c[4:]]
        else: br[key] = [float(x) for x in c[4:]]
    return rows, br
base, _ = load(sys.argv[1])
after, br = load(sys.argv[2])
tests = ["set","get","incr","lpush","hset","mset","lrange_100"]
what = sys.argv[3]
if what == "sys":
    print("| mode | -P | test | syscalls R / before / after | write R / before / after | fdatasync R / before / after | CPU vs Redis before → after |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for m in ["off","everysec","always"]:
        for p in ["1","16"]:
            for t in tests:
                r, b, a = after.get((m,p,t,"redis")), base.get((m,p,t,"vesta")), after.get((m,p,t,"vesta"))
                rb = base.get((m,p,t,"redis"))
                if not (r and b and a and rb): continue
                f = lambda i: f"{r[i]:.3f} / {b[i]:.3f} / **{a[i]:.3f}**"
                print(f"| {m} | {p} | {t.upper()} | {f(0)} | {f(2)} | {f(6)} | {b[8]/rb[8]:.2f} → **{a[8]/r[8]:.2f}** |")
elif what == "br":
    cats = "fsync AOF_wr read write poll futex othersys GC alloc clock lock sched parser reply AOF_append dispatch command other".split()
    groups = [("socket read", ["read"]), ("socket write", ["write"]), ("AOF write + fsync", ["AOF_wr","fsync"]),
              ("epoll/netpoll", ["poll"]), ("futex + other syscalls", ["futex","othersys"]),
              ("Go scheduler", ["sched"]), ("GC + alloc", ["GC","alloc"]), ("lock + clock", ["lock","clock"]),
              ("parser + reply", ["parser","reply"]), ("dispatch", ["dispatch"]), ("AOF append", ["AOF_append"]),
              ("command", ["command"]), ("other", ["other"])]
    print("| mode | -P | server | samples | " + " | ".join(g for g, _ in groups) + " |")
    print("|---|---:|---|---:|" + "---:|" * len(groups))
    for m in ["off","everysec","always"]:
        for p in ["1","16"]:
            for s in ["vesta","redis"]:
                vals = [br[(m,p,t,s)] for t in tests if (m,p,t,s) in br]
                if not vals: continue
                n = sum(v[0] for v in vals)
                # sample-weighted mean share per category
                share = {c: sum(v[0]*v[1+i] for v in vals)/n for i, c in enumerate(cats)}
                print(f"| {m} | {p} | {s} | {int(n)} | " + " | ".join(f"{sum(share[c] for c in cs):.0f}" for _, cs in groups) + " |")
