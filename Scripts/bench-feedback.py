#!/usr/bin/env python3
"""亮码评价 under load (issue 6): a bounded local load generator.

Sends N ratings and opinions to a running Minsheng's public page while other threads keep reading
that page, then reports what was accepted and refused, and the page's latency before (the
yardstick) and during the burst. Most senders are distinct citizens (their own address through
X-Forwarded-For, which the server trusts from 127.0.0.1 when MINSHENG_TRUSTED_PROXIES says so);
one in twenty shares one of a few busy addresses, so limits and challenges are met too.

It prints figures and asserts nothing; the shell wrapper compares the database's counts.
Usage: bench-feedback.py BASE_URL PATH N WORKERS READERS
"""
import http.client
import json
import random
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

base, path, total, workers, readers = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
host = urllib.parse.urlparse(base)
local = threading.local()


def connection():
    if getattr(local, "conn", None) is None:
        local.conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    return local.conn


def request(method, url, body=None, headers=None):
    for attempt in range(2):
        conn = connection()
        try:
            conn.request(method, url, body=body, headers=headers or {})
            response = conn.getresponse()
            response.read()
            return response.status
        except (http.client.HTTPException, OSError):
            conn.close()
            local.conn = None
            if attempt == 1:
                return 0
    return 0


RATINGS = ["satisfied", "satisfied", "satisfied", "basic", "unsatisfied"]


def send(i):
    rng = random.Random(i)
    busy = i % 20 == 0
    address = f"192.0.2.{i % 4}" if busy else f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"
    kind = i % 3  # 0 rating only, 1 opinion only, 2 both
    fields = {}
    if kind != 1:
        fields["rating"] = rng.choice(RATINGS)
    if kind != 0:
        fields["text"] = f"第{i}号意见：建议延长开放时间，增加服务点位。"
    body = urllib.parse.urlencode(fields)
    status = request("POST", path + "/feedback", body, {"Content-Type": "application/x-www-form-urlencoded",
                                                        "X-Forwarded-For": address})
    return kind, status


def read_loop(stop, latencies):
    while not stop.is_set():
        start = time.perf_counter()
        status = request("GET", path)
        if status == 200:
            latencies.append(time.perf_counter() - start)


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def measure_reads(seconds):
    stop, latencies, threads = threading.Event(), [], []
    for _ in range(readers):
        t = threading.Thread(target=read_loop, args=(stop, latencies))
        t.start()
        threads.append(t)
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    return latencies


# The yardstick: the page read alone, by the same readers, for three seconds.
quiet = measure_reads(3)

stop, during, threads = threading.Event(), [], []
for _ in range(readers):
    t = threading.Thread(target=read_loop, args=(stop, during))
    t.start()
    threads.append(t)
started = time.perf_counter()
with ThreadPoolExecutor(max_workers=workers) as pool:
    results = list(pool.map(send, range(total)))
elapsed = time.perf_counter() - started
stop.set()
for t in threads:
    t.join()

accepted = {"ratings": 0, "opinions": 0, "all": 0}
statuses = {}
for kind, status in results:
    statuses[status] = statuses.get(status, 0) + 1
    if status == 303:  # accepted: back to the page (post/redirect/get)
        accepted["all"] += 1
        if kind != 1:
            accepted["ratings"] += 1
        if kind != 0:
            accepted["opinions"] += 1
print(json.dumps({
    "sent": total, "seconds": round(elapsed, 2), "per_second": round(total / elapsed, 1),
    "statuses": {str(k): v for k, v in sorted(statuses.items())}, "accepted": accepted,
    "page_quiet": {"reads": len(quiet), "p50_ms": round(percentile(quiet, 50) * 1000, 2), "p99_ms": round(percentile(quiet, 99) * 1000, 2)},
    "page_during": {"reads": len(during), "p50_ms": round(percentile(during, 50) * 1000, 2), "p99_ms": round(percentile(during, 99) * 1000, 2)},
}, ensure_ascii=False))
