#!/usr/bin/python3
"""Dependency graph of an sfw tree: file-level call graph (nm of the built
objects, plus the bodies of static inline functions and function-like macros
in headers), include graph, skeleton includers, module-level graph.

usage: depgraph.py TREE [--map MODULES] [--obj DIR] [--why] [--check] [--known CYCLE]...
  run `make` in TREE first (objects under TREE/build/obj, or --obj DIR).
  --map FILE  module map: lines `module: folder... | deps: m1 m2 | public: h1.h h2.h`
              (`make -s modules-map` prints sfw's); without it a module is a top folder.
  --known C   a call cycle already known (its files, space-separated, as printed):
              reported, not counted by --check; one that is gone is reported too, so
              the list only shrinks. A new cycle always fails the check.
  --why       print the symbols behind every edge of a cycle.
  --edges P   list every call edge from units whose path starts with P.
  --check     exit 1 on any file cycle (call or include), module cycle or map violation.

Nodes of the call graph are units: X.c and X.h in one folder are one unit (a
header's inline code belongs to its implementation); a header without a .c is
its own unit. A call reaching file Y from X through an inline function or macro
of header H (the symbol does not appear in X's own text) is an edge X->H->Y.
"""
import subprocess, sys, os, re, collections, glob

args = sys.argv[1:]
root = args[0]; why = '--why' in args; check = '--check' in args
mapfile = args[args.index('--map') + 1] if '--map' in args else None
build = args[args.index('--obj') + 1] if '--obj' in args else os.path.join(root, 'build/obj')
known = {' '.join(sorted(args[i + 1].split())) for i, a in enumerate(args) if a == '--known'}
# build trees (build/, and SANITIZE=1's build-san/, make fuzz's build-fuzz/)
# hold generated and linked copies of the sources, not modules
SKIP = ('build/', 'build-', 'vmlinux/', '.git/')
PROD_EXCL = ('tests/', 'bench/', 'scripts/')

def rel(p): return os.path.relpath(p, root)
allfiles = sorted(r for r in (rel(p) for p in glob.glob(root + '/**/*.[ch]', recursive=True))
                  if not r.startswith(SKIP))
prod = [f for f in allfiles if not f.startswith(PROD_EXCL)]
text = {f: open(os.path.join(root, f), errors='replace').read() for f in allfiles}
def unit(f): return f[:-2]

# ---------- include graph (resolved like cc: includer's folder, then -I list, then unique suffix)
INC_DIRS = ['include', 'bpf', 'util', 'conf', 'loader', 'cli', 'tests/lib']
byname = collections.defaultdict(list)
for f in allfiles: byname[os.path.basename(f)].append(f)
inc = collections.defaultdict(set); generated = collections.defaultdict(set); ambiguous = []
def resolve(f, name):
    cand = os.path.normpath(os.path.join(os.path.dirname(f), name))
    if cand in text: return cand
    for d in INC_DIRS:
        c = os.path.normpath(os.path.join(d, name))
        if c in text: return c
    m = [g for g in byname.get(os.path.basename(name), []) if g.endswith('/' + name) or g == name]
    if len(m) > 1: ambiguous.append((f, name, m))
    return m[0] if m else None
for f in allfiles:
    for m in re.finditer(r'^\s*#\s*include\s+"([^"]+)"', text[f], re.M):
        t = resolve(f, m.group(1))
        if t: inc[f].add(t)
        elif m.group(1).endswith(('.skel.h', 'vmlinux.h')): generated[f].add(m.group(1))
def closure(f, seen=None):
    seen = set() if seen is None else seen
    for t in inc.get(f, ()):
        if t not in seen: seen.add(t); closure(t, seen)
    return seen

# ---------- module map
mods = []   # (name, folders, deps, public)
if mapfile:
    for line in open(mapfile):
        line = line.split('#')[0].strip()
        if not line: continue
        parts = [p.strip() for p in line.split('|')]
        name, folders = parts[0].split(':', 1)
        d = {k.strip(): v.split() for k, v in (p.split(':', 1) for p in parts[1:])}
        mods.append((name.strip(), folders.split(), d.get('deps', []), d.get('public', [])))
def module(f):
    best = None
    for name, folders, _, _ in mods:
        for fo in folders:
            if (f.startswith(fo.rstrip('/') + '/') or f == fo) and (not best or len(fo) > best[1]):
                best = (name, len(fo))
    if best: return best[0]
    parts = f.split('/')
    return '/'.join(parts[:2]) if parts[0] == 'tests' else parts[0]

# ---------- call graph
defs = {}; undefs = collections.defaultdict(set)
objs = [o for o in glob.glob(build + '/**/*.o', recursive=True) if '/tests/' not in o]
for o in objs:
    src = os.path.relpath(o, build)[:-2] + '.c'
    if src not in text: continue      # left over from a file since moved or removed
    for line in subprocess.run(['nm', o], capture_output=True, text=True).stdout.splitlines():
        p = line.split()
        if len(p) == 3 and p[1] in 'TDBRCGSVW': defs[p[2]] = src
        elif len(p) == 2 and p[0] == 'U': undefs[src].add(p[1])
# header bodies: static inline functions and function-like macros
hbody = collections.defaultdict(dict)      # header -> {name: set(symbols)}
ident = re.compile(r'[A-Za-z_]\w*')
for h in (f for f in prod if f.endswith('.h')):
    t = text[h]
    for m in re.finditer(r'static\s+(?:__always_inline\s+|inline\s+)+[^;{(]*?\b(\w+)\s*\(', t):
        i = t.find('{', m.end()); depth = 0; j = i
        if i < 0 or ';' in t[m.end():i]: continue
        while j < len(t):
            depth += (t[j] == '{') - (t[j] == '}'); j += 1
            if depth == 0: break
        hbody[h][m.group(1)] = {s for s in ident.findall(t[i:j]) if s in defs}
    for m in re.finditer(r'^\s*#\s*define\s+(\w+)\(([^)]*)\)((?:.*\\\n)*.*)$', t, re.M):
        hbody[h][m.group(1)] = {s for s in ident.findall(m.group(3)) if s in defs}
node_of = {}
for f in prod: node_of[f] = unit(f)
call = collections.defaultdict(lambda: collections.defaultdict(set))   # a -> b -> symbols
def add(a, b, s):
    if a != b: call[a][b].add(s)
for f, us in undefs.items():
    own = set(ident.findall(text.get(f, '')))
    hs = [h for h in closure(f) if h in hbody]
    for u in us:
        if u not in defs: continue
        if u in own: add(unit(f), unit(defs[u]), u); continue
        via = [h for h in hs for fn, syms in hbody[h].items() if u in syms and fn in own]
        for h in via: add(unit(f), unit(h), u)
        if not via: add(unit(f), unit(defs[u]), u)    # reached some other way: keep it direct
for h, fns in hbody.items():
    for fn, syms in fns.items():
        for s in syms: add(unit(h), unit(defs[s]), s + ' (from ' + fn + ')')

def sccs(g, nodes):
    idx = {}; low = {}; st = []; on = set(); out = []; c = [0]
    sys.setrecursionlimit(10000)
    def strong(v):
        idx[v] = low[v] = c[0]; c[0] += 1; st.append(v); on.add(v)
        for w in g.get(v, ()):
            if w not in idx: strong(w); low[v] = min(low[v], low[w])
            elif w in on: low[v] = min(low[v], idx[w])
        if low[v] == idx[v]:
            comp = []
            while True:
                w = st.pop(); on.discard(w); comp.append(w)
                if w == v: break
            if len(comp) > 1: out.append(sorted(comp))
    for v in nodes:
        if v not in idx: strong(v)
    return out
def label(u):
    return u + '.c' if u + '.c' in text else u + '.h'
nodes = set(call) | {d for s in call.values() for d in s}
cc = sccs(call, sorted(nodes))
bad = 0
print('call graph: units', len(nodes), 'edges', sum(len(s) for s in call.values()),
      'cyclic groups', len(cc), 'units in cycles', sum(len(c) for c in cc))
seen_known = set()
for c in cc:
    names = ' '.join(label(u) for u in c)
    if names in known:
        seen_known.add(names); print('  known cycle:', names)
    else:
        bad += 1; print('  cycle:', names)
    if why:
        for a in c:
            for b in c:
                if b in call.get(a, {}):
                    print('     %s -> %s: %s' % (label(a), label(b), ' '.join(sorted(call[a][b]))))

for k in sorted(known - seen_known): print('  known cycle gone (drop it from the list):', k)

# ---------- include graph numbers
ic = sccs(inc, sorted(prod))
cross = collections.Counter()
for f in prod:
    for t in inc.get(f, ()):
        if t in prod and module(t) != module(f) and module(t) != 'include': cross[(module(f), module(t))] += 1
print('include graph: files', len(prod), 'cross-module includes (not include/)', sum(cross.values()),
      'cycles', len(ic))
for c in ic: bad += 1; print('  cycle:', ' '.join(c))
for (a, b), n in sorted(cross.items()): print('  %s -> %s: %d' % (a, b, n))
for f, name, m in ambiguous: print('  ambiguous include in %s: "%s" could be %s' % (f, name, ' '.join(m)))
cnt = collections.Counter(os.path.dirname(f) for f in prod)
print('files per folder:', dict(sorted(cnt.items())))
big = [(len(text[f].splitlines()), f) for f in prod if len(text[f].splitlines()) > 400]
print('files over 400 lines:', ' '.join('%s(%d)' % (f, n) for n, f in sorted(big, reverse=True)) or 'none')

# ---------- skeletons
def skel(f): return any(g.endswith('.skel.h') for g in generated.get(f, ()))
direct = sorted(f for f in allfiles if skel(f))
via = sorted(f for f in allfiles if f.endswith('.c') and any(skel(h) for h in closure(f) | {f}))
print('skeleton includers: direct', ' '.join(direct))
print('  .c files that see a skeleton (directly or through headers):', len(via), ' '.join(via))

# ---------- module graph (calls + includes)
medge = collections.defaultdict(lambda: [0, 0])     # (a,b) -> [calls, includes]
for a, bs in call.items():
    for b, syms in bs.items():
        ma, mb = module(label(a)), module(label(b))
        if ma != mb: medge[(ma, mb)][0] += len(syms)
for f in prod:
    for t in inc.get(f, ()):
        if t in prod and module(f) != module(t): medge[(module(f), module(t))][1] += 1
mg = collections.defaultdict(set)
for a, b in medge: mg[a].add(b)
mc = sccs(mg, sorted({m for e in medge for m in e}))
print('module graph: modules', len({m for e in medge for m in e}), 'edges', len(medge), 'cycles', len(mc))
for (a, b), (nc, ni) in sorted(medge.items()): print('  %s -> %s: %d symbols, %d includes' % (a, b, nc, ni))
for c in mc: bad += 1; print('  module cycle:', ' '.join(c))

# ---------- map rules: allowed dependencies, public headers (production, tests, benches)
if mods:
    allowed = {n: set(d) for n, _, d, _ in mods}
    public = {n: set(p) for n, _, _, p in mods}
    def closure_deps(m, seen=None):
        seen = set() if seen is None else seen
        for d in allowed.get(m, ()):
            if d not in seen: seen.add(d); closure_deps(d, seen)
        return seen
    viol = []
    # production only: tests and benches test internals (the build gives
    # them every module's headers); production objects cannot reach a
    # private header anyway (the build fails), this says which and why
    for f in prod:
        mf = module(f)
        for t in inc.get(f, ()):
            mt = module(t)
            if mt == mf: continue
            if mf in allowed and mt not in closure_deps(mf):
                viol.append('%s includes %s (%s may not depend on %s)' % (f, t, mf, mt))
            elif public.get(mt) and os.path.basename(t) not in public[mt]:
                viol.append('%s includes private %s' % (f, t))
    for (a, b), (nc, ni) in medge.items():
        if a in allowed and b not in closure_deps(a) and nc:
            viol.append('%s calls %s (%d symbols)' % (a, b, nc))
    print('map violations:', len(viol))
    for v in viol: print('  ' + v)
    bad += len(viol)
if '--edges' in args:
    pre = args[args.index('--edges') + 1]
    print('edges from units under', pre)
    for a in sorted(call):
        if a.startswith(pre):
            print('  %s -> %s' % (label(a), ', '.join('%s(%d)' % (label(b), len(call[a][b])) for b in sorted(call[a]))))
sys.exit(1 if check and bad else 0)
