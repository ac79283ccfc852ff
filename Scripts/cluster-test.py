#!/usr/bin/env python3
"""Checks what must hold when several Minsheng servers share one database (run by
Scripts/cluster-test.sh, which starts two servers A and B, PostgreSQL and nginx in front):

1. an opinion with a rating sent through A is listed and counted through B;
2. a challenge question answered through A is refused when the same answer is sent through B;
3. a unit's reply made through A shows on the public page served by B within two seconds;
4. B is killed with SIGKILL during a burst of 1,000 ratings through nginx: every rating that was
   answered with a redirect (stored) is in the database.

Prints its counts; exits 1 when a check fails. Standard library only (and the psql client)."""
import argparse
import hashlib
import hmac
import http.client
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


class Browser:
    """One client with its own cookies; never follows redirects."""

    def __init__(self, base, address=None):
        self.base = urllib.parse.urlsplit(base)
        self.cookies = {}
        self.address = address
        self.csrf = None

    def request(self, method, path, fields=None, headers=None):
        connection = http.client.HTTPConnection(self.base.hostname, self.base.port, timeout=30)
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.address:
            sent["X-Forwarded-For"] = self.address
            sent["X-Test-Client"] = self.address
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";")[0]
        match = re.search(r'name="_csrf" value="([^"]+)"', text)
        if match:
            self.csrf = match.group(1)
        connection.close()
        return response.status, dict((k.lower(), v) for k, v in response.getheaders()), text

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, fields):
        if self.csrf:
            fields = list(fields) + [("_csrf", self.csrf)]
        return self.request("POST", path, fields)

    def sign_in(self, username, password="minsheng2024"):
        self.get("/login")
        status, headers, _ = self.post("/login", [("username", username), ("password", password)])
        if status == 303:
            self.get(headers.get("location", "/"))
        return status


def psql(url, query):
    out = subprocess.run(["psql", url, "-At", "-c", query], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def sender_hash(secret, address):
    # InstanceSecret.hash(address, purpose: "feedback"): HMAC-SHA256 keyed with the secret's bytes.
    return hmac.new(secret.encode(), ("feedback:" + address).encode(), hashlib.sha256).hexdigest()


NUMERALS = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]


def chinese_number(text):
    if text in NUMERALS:
        return NUMERALS.index(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (NUMERALS.index(tens) if tens else 1) * 10 + (NUMERALS.index(ones) if ones else 0)
    raise ValueError(text)


def challenge_in(html):
    question = re.search(r"([零一二三四五六七八九十]+)加([零一二三四五六七八九十]+)等于几", html)
    token = re.search(r'name="challenge" value="([^"]+)"', html)
    if not question or not token:
        return None, None
    return token.group(1), chinese_number(question.group(1)) + chinese_number(question.group(2))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--a", required=True)
    parser.add_argument("--b", required=True)
    parser.add_argument("--front", required=True)
    parser.add_argument("--pg", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--kill-pid", type=int, required=True)
    parser.add_argument("--burst", type=int, default=1000)
    args = parser.parse_args()
    pg = args.pg.split("?")[0]

    shaodong = psql(pg, "SELECT id FROM regions WHERE name = '邵东市'")
    # A project with a share of 邵东市 whose unit has a reporter (the demo's "reporter").
    project = psql(pg, f"""
        SELECT n.project_id FROM targets t JOIN indicators n ON n.id = t.indicator_id
        JOIN accounts a ON a.unit_id = t.responsible_unit_id AND a.username = 'reporter'
        WHERE t.region_id = {shaodong} ORDER BY n.project_id LIMIT 1""")
    page = f"/p/{project}/{shaodong}"
    print(f"project page {page}")

    # 1. An opinion with a rating through A, counted through B.
    office_b = Browser(args.b)
    check(office_b.sign_in("admin") == 303, "the office signs in through B")
    marker = f"集群测试意见 {int(time.time())}"

    def counted(browser):
        status, _, html = browser.get(f"/feedback?q={urllib.parse.quote(marker)}")
        match = re.search(r"共 ([\d,]+) 条", html)
        return status, int(match.group(1).replace(",", "")) if match else (1 if marker in html else 0)

    before = counted(office_b)[1]
    citizen = Browser(args.a, address="10.20.0.1")
    citizen.get(page)
    status, _, _ = citizen.request("POST", page + "/feedback", [("rating", "satisfied"), ("text", marker), ("phone", "")])
    check(status == 303, f"the opinion is taken through A ({status})")
    after = counted(office_b)[1]
    check(after == before + 1, f"B lists and counts it: {before} before, {after} after")

    # 2. A challenge asked through A and answered through A is refused through B.
    burst_address = "10.20.0.2"
    token = answer = None
    for n in range(6):
        sender = Browser(args.a, address=burst_address)
        status, _, html = sender.request("POST", page + "/feedback", [("rating", ""), ("text", f"集群测试连续提交 {n} {time.time()}")])
        if status == 429:
            token, answer = challenge_in(html)
            if token:
                break
    check(token is not None, "a burst from one address is asked a question")
    if token:
        fields = [("rating", ""), ("text", f"集群测试答题 {time.time()}"), ("challenge", token), ("answer", str(answer))]
        first, _, _ = Browser(args.a, address=burst_address).request("POST", page + "/feedback", fields)
        fields[1] = ("text", f"集群测试重放 {time.time()}")
        again, _, _ = Browser(args.b, address=burst_address).request("POST", page + "/feedback", fields)
        check(first == 303, f"the right answer is accepted through A ({first})")
        check(again == 429, f"the same token is refused through B ({again})")

    # 3. A reply through A shows on B's public page within two seconds.
    opinion_text = f"集群测试待答复 {time.time()}"
    Browser(args.b, address="10.20.0.3").request("POST", page + "/feedback", [("rating", ""), ("text", opinion_text)])
    B_page_before = Browser(args.b).get(page)[2]  # B renders (and caches) the page before the reply
    unit_a = Browser(args.a)
    check(unit_a.sign_in("reporter") == 303, "the unit's reporter signs in through A")
    _, _, inbox = unit_a.get(f"/feedback?q={urllib.parse.quote(opinion_text)}")
    match = re.search(r'action="/feedback/(\d+)/reply"', inbox)
    check(match is not None, "the reporter finds the opinion in its inbox")
    if match:
        reply = f"集群测试答复 {time.time()}"
        status, _, _ = unit_a.post(f"/feedback/{match.group(1)}/reply", [("reply", reply)])
        check(status == 303, f"the reply is saved through A ({status})")
        replied = time.monotonic()
        seen = None
        while time.monotonic() - replied < 5:
            if reply in Browser(args.b).get(page)[2]:
                seen = time.monotonic() - replied
                break
            time.sleep(0.05)
        check(reply not in B_page_before and seen is not None and seen <= 2.0,
              f"B's public page shows the reply after {seen if seen is None else round(seen, 2)} s (at most 2 s)")

    # 4. Kill B during a burst of ratings through nginx: none answered with a redirect is lost.
    total = args.burst
    answered, refused, failed = [], [], []
    lock = threading.Lock()
    counter = iter(range(total))

    def worker():
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            address = f"10.{30 + n // 65025}.{(n // 255) % 255}.{n % 255 + 1}"
            try:
                status, _, _ = Browser(args.front, address=address).request("POST", page + "/feedback", [("rating", "satisfied"), ("text", "")])
            except Exception:
                status = 0
            with lock:
                (answered if status == 303 else refused if status in (422, 429) else failed).append((address, status))

    stored_before = int(psql(pg, f"SELECT COUNT(*) FROM feedback WHERE project_id = {project}"))
    threads = [threading.Thread(target=worker) for _ in range(16)]
    for thread in threads:
        thread.start()
    while True:
        with lock:
            done = len(answered) + len(refused) + len(failed)
        if done >= total // 4:
            break
        time.sleep(0.01)
    os.kill(args.kill_pid, signal.SIGKILL)
    print(f"server B killed with SIGKILL after {done} answers")
    for thread in threads:
        thread.join()
    stored_after = int(psql(pg, f"SELECT COUNT(*) FROM feedback WHERE project_id = {project}"))
    hashes = set(psql(pg, f"SELECT address_hash FROM feedback WHERE project_id = {project}").split())
    lost = [a for a, _ in answered if sender_hash(args.secret, a) not in hashes]
    print(f"burst: {total} sent, {len(answered)} answered with a redirect, {len(refused)} refused, "
          f"{len(failed)} failed (cut off with the server), {stored_after - stored_before} stored")
    check(len(answered) + len(refused) + len(failed) == total, "every rating of the burst got an answer or an error")
    check(len(answered) >= total // 2, f"most ratings were taken ({len(answered)} of {total})")
    check(not lost, f"no rating answered with a redirect is lost ({len(lost)} missing)")
    check(stored_after - stored_before >= len(answered), "the database holds at least every answered rating")

    print(f"cluster: {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
