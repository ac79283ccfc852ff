#!/usr/bin/env python3
"""Month end under load (issue 13): a bounded local load generator against a running Minsheng.

1. The yardstick: one submitter alone saves its share ROUNDS times (p50/p99 of a lone save).
2. For each N in COUNTS: N submitters at once, each with a share of its own (indicator × region
   of the provincial plan, November), each saving ROUNDS times: successes, failures (any status
   but 303, by status) and p50/p99.
3. A rating answered while a year's import runs: the office reopens January–October and
   re-imports the whole provincial progress file three times (every row's note changed, so every
   figure is replaced); meanwhile four citizens rate a public page every 100 ms each: the
   ratings' p50, p99 and maximum during the imports, how many took over 1 s, and each import's time.

It prints figures as one JSON object and asserts nothing.
Usage: bench-reporting.py BASE_URL PROGRESS_CSV ROUNDS N [N …]
"""
import http.client
import json
import re
import statistics
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

base, csv_path, rounds, counts = sys.argv[1], sys.argv[2], int(sys.argv[3]), [int(n) for n in sys.argv[4:]]
host = urllib.parse.urlparse(base)
ORIGIN = f"http://{host.hostname}:{host.port}"


class Client:
    """One browser: its own connection and session cookie."""

    def __init__(self):
        self.conn = None
        self.cookie = None
        self.csrf = None

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(host.hostname, host.port, timeout=120)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                for name, value in response.getheaders():
                    if name.lower() == "set-cookie" and value.startswith("minsheng_session="):
                        self.cookie = value.split(";")[0]
                text = data.decode("utf-8", "replace")
                found = re.search(r'name="_csrf" value="([^"]+)"', text)
                if found:
                    self.csrf = found.group(1)
                return response.status, text, dict(response.getheaders())
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 1:
                    return 0, "", {}
        return 0, "", {}

    def form(self, path, fields):
        fields = list(fields) + [("_csrf", self.csrf or "")]
        return self.request("POST", path, urllib.parse.urlencode(fields),
                            {"Content-Type": "application/x-www-form-urlencoded", "Origin": ORIGIN})

    def sign_in(self, username, password):
        status, _, _ = self.request("POST", "/login", urllib.parse.urlencode({"username": username, "password": password}),
                                    {"Content-Type": "application/x-www-form-urlencoded", "Origin": ORIGIN})
        self.request("GET", "/")
        return status


def percentile(values, share):
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, min(len(ordered) - 1, int(round(share * len(ordered) + 0.5)) - 1))] * 1000, 1)


office = Client()
assert office.sign_in("admin", "minsheng2024") == 303, "demo admin could not sign in"
status, page, _ = office.request("GET", "/reporting?month=11")
plan = int(re.search(r'action="/reporting/(\d+)/11"', page).group(1))
shares = sorted({(int(a), int(b)) for a, b in re.findall(r'name="q_(\d+)_(\d+)"', page)})
need = max(counts + [1])
assert len(shares) >= need + 1, f"only {len(shares)} shares on the grid"


def submitter(share, offset):
    client = Client()
    client.cookie, client.csrf = office.cookie, office.csrf  # the office's session, as many tabs
    times, statuses = [], []
    indicator, region = share
    for n in range(rounds):
        start = time.perf_counter()
        # A progress in percent suits every kind of indicator (a quantity one takes it too).
        status, _, _ = client.form(f"/reporting/{plan}/11", [(f"q_{indicator}_{region}", ""),
                                                              (f"p_{indicator}_{region}", str(10 + (offset + n) % 90)),
                                                              (f"n_{indicator}_{region}", f"第 {n + 1} 次报送"), ("action", "submit")])
        times.append(time.perf_counter() - start)
        statuses.append(status)
    return times, statuses


def run(count, first):
    start = time.perf_counter()
    with ThreadPoolExecutor(count) as pool:
        results = list(pool.map(lambda i: submitter(shares[first + i], 1000 * i), range(count)))
    seconds = time.perf_counter() - start
    times = [t for r in results for t in r[0]]
    statuses = [s for r in results for s in r[1]]
    failures = {}
    for s in statuses:
        if s != 303:
            failures[str(s)] = failures.get(str(s), 0) + 1
    return {"submitters": count, "saves": len(statuses), "successes": statuses.count(303), "failures": sum(failures.values()),
            "failures_by_status": failures, "p50_ms": percentile(times, 0.5), "p99_ms": percentile(times, 0.99),
            "seconds": round(seconds, 2)}


report = {"plan": plan, "shares_on_grid": len(shares), "rounds": rounds}
report["alone"] = run(1, 0)
report["concurrent"] = [run(count, 1) for count in counts]

# A year's import while ratings arrive: the whole provincial file IMPORTS times, each with every
# note changed (so every figure is replaced), while RATERS citizens rate a public page every 100 ms.
IMPORTS, RATERS = 3, 4
for month in range(1, 11):
    office.form(f"/reporting/{plan}/{month}/reopen", [("reason", "基准测试：全年数据重新导入")])
with open(csv_path, encoding="utf-8") as f:
    lines = f.read().splitlines()
header, rows = lines[0], lines[1:]


def corrected(line, n):
    """The same row with its note (the last column) changed."""
    mark = f"（更正{n}）"
    return line[:-1] + mark + '"' if line.endswith('"') else line + mark


def rate(client, i):
    start = time.perf_counter()
    status, _, _ = client.request("POST", "/p/1/6/feedback", urllib.parse.urlencode({"rating": "satisfied"}),
                                  {"Content-Type": "application/x-www-form-urlencoded", "Origin": ORIGIN,
                                   "X-Forwarded-For": f"10.{9 + (i >> 16)}.{(i >> 8) & 255}.{i & 255}"})
    return time.perf_counter() - start, status


quiet_client = Client()
quiet = [rate(quiet_client, i) for i in range(20)]
done = threading.Event()
during = []
imports = []


def importer():
    for n in range(1, IMPORTS + 1):
        body = ("\n".join([header] + [corrected(line, n) for line in rows]) + "\n").encode("utf-8")
        start = time.perf_counter()
        status, text, _ = office.request("POST", "/api/imports/progress?region=" + urllib.parse.quote("邵阳市") + "&year=2024",
                                         body, {"Content-Type": "text/csv", "X-CSRF-Token": office.csrf or "", "Accept": "application/json"})
        imports.append({"status": status, "seconds": round(time.perf_counter() - start, 2),
                        "message": json.loads(text).get("message", "") if text.startswith("{") else text[:200]})
    done.set()


def rater(k):
    client, i = Client(), 1000 * (k + 1)
    while not done.is_set():
        during.append(rate(client, i))
        i += 1
        time.sleep(0.1)


threads = [threading.Thread(target=importer)] + [threading.Thread(target=rater, args=(k,)) for k in range(RATERS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
report["import"] = {"rows": len(rows), "runs": imports}
report["rating_quiet"] = {"n": len(quiet), "p50_ms": percentile([t for t, _ in quiet], 0.5), "max_ms": round(max(t for t, _ in quiet) * 1000, 1)}
report["rating_during_import"] = {"n": len(during), "p50_ms": percentile([t for t, _ in during], 0.5),
                                  "p99_ms": percentile([t for t, _ in during], 0.99),
                                  "max_ms": round(max([t for t, _ in during] or [0]) * 1000, 1),
                                  "over_1s": sum(1 for t, _ in during if t > 1), "statuses": sorted({s for _, s in during})}
print(json.dumps(report, ensure_ascii=False))
