#!/usr/bin/python3
"""Talks to sfw's metrics endpoint and to a Prometheus server over HTTP
(tests/e2e/test_metrics.sh), inside the namespace it runs in.

  prom.py scrape URL             print the exposition sfw serves
  prom.py value URL EXPR         print the value of a PromQL expression
                                 (one series; nothing when it has none)
  prom.py wait URL EXPR WANT S   poll EXPR until it equals WANT, at most S s
"""
import json
import sys
import time
import urllib.parse
import urllib.request


def get(url, timeout=3):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read().decode()


def value(base, expr):
    q = urllib.parse.urlencode({"query": expr})
    doc = json.loads(get(f"{base}/api/v1/query?{q}"))
    if doc.get("status") != "success":
        raise SystemExit(f"query {expr!r}: {doc}")
    res = doc["data"]["result"]
    if doc["data"]["resultType"] == "scalar":
        return res[1]
    if len(res) > 1:
        raise SystemExit(f"query {expr!r}: {len(res)} series, want one")
    return res[0]["value"][1] if res else None


def main():
    cmd, base = sys.argv[1], sys.argv[2]
    if cmd == "scrape":
        sys.stdout.write(get(base))
        return 0
    if cmd == "value":
        v = value(base, sys.argv[3])
        if v is not None:
            print(v)
        return 0
    expr, want, secs = sys.argv[3], sys.argv[4], float(sys.argv[5])
    deadline = time.monotonic() + secs
    last = None
    while time.monotonic() < deadline:
        try:
            last = value(base, expr)
        except OSError as e:
            last = f"({e})"
        if last is not None and last == want:
            return 0
        time.sleep(0.2)
    print(f"{expr}: {last}, want {want}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
