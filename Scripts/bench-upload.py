#!/usr/bin/env python3
"""Evidence upload benchmark (issue 4): uploads N files of M MB over HTTP to a Minsheng server
started here, one file a request, and prints the throughput and the server's peak memory growth
(VmHWM after minus VmRSS before, the peak reset first), beside the disk's own write speed for the
same bytes measured in the same run. A benchmark: it prints figures and asserts nothing.

Usage: Scripts/bench-upload.py [--files 100] [--size-mb 5] [--binary .build/release/minsheng]
"""
import argparse
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def proc_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


class Client:
    def __init__(self, port):
        self.port = port
        self.cookie = ""

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        h = dict(headers or {})
        if self.cookie:
            h["Cookie"] = self.cookie
        conn.request(method, path, body=body, headers=h)
        resp = conn.getresponse()
        data = resp.read()
        for k, v in resp.getheaders():
            if k.lower() == "set-cookie" and v.startswith("minsheng_session="):
                self.cookie = v.split(";")[0]
        conn.close()
        return resp.status, data.decode("utf-8", "replace"), dict(resp.getheaders())

    @staticmethod
    def token(html):
        m = re.search(r'name="_csrf" value="([^"]*)"', html)
        return m.group(1) if m else ""


def chunks(prefix, size, suffix, block):
    """The multipart body, generated as it is sent (the client holds one block at a time)."""
    yield prefix
    sent = 0
    while sent < size:
        n = min(len(block), size - sent)
        yield block[:n]
        sent += n
    yield suffix


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--size-mb", type=float, default=5)
    parser.add_argument("--binary", default=".build/release/minsheng")
    args = parser.parse_args()
    size = int(args.size_mb * 1024 * 1024)
    data_dir = tempfile.mkdtemp(prefix="minsheng-upload-bench-")
    port = free_port()
    server = subprocess.Popen([args.binary, "serve", "--demo", "--port", str(port), "--data-dir", data_dir],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        client = Client(port)
        for _ in range(600):
            try:
                if client.request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        status, html, _ = client.request("GET", "/login")
        form = urllib.parse.urlencode({"_csrf": Client.token(html), "username": "reporter", "password": "minsheng2024"})
        client.request("POST", "/login", form, {"Content-Type": "application/x-www-form-urlencoded"})
        status, html, _ = client.request("GET", "/reporting?plan=1&month=10")
        m = re.search(r"/evidence/new\?indicator=(\d+)&amp;region=(\d+)&amp;month=10", html)
        if not m:
            print("没有找到可上传佐证的指标（填报员登录失败？）", file=sys.stderr)
            return 1
        indicator, region = m.group(1), m.group(2)
        status, html, _ = client.request("GET", f"/evidence/new?indicator={indicator}&region={region}&month=10")
        token = Client.token(html)

        block = bytes([0xFF, 0xD8, 0xFF, 0xE0]) + os.urandom(1024 * 1024 - 4)
        boundary = "----minsheng-bench"
        fields = [("_csrf", token), ("indicator", indicator), ("region", region), ("month", "10"),
                  ("quantity", "100"), ("description", "基准测试：现场照片")]

        # The yardstick: writing the same bytes to the same disk, in this run.
        start = time.time()
        with open(os.path.join(data_dir, "yardstick.bin"), "wb") as f:
            for _ in range(args.files):
                written = 0
                while written < size:
                    n = min(len(block), size - written)
                    f.write(block[:n])
                    written += n
            f.flush()
            os.fsync(f.fileno())
        disk_seconds = time.time() - start
        os.remove(os.path.join(data_dir, "yardstick.bin"))

        with open(f"/proc/{server.pid}/clear_refs", "w") as f:
            f.write("5")  # resets the peak resident size (VmHWM) to the current one
        rss_before = proc_kb(server.pid, "VmRSS")
        start = time.time()
        accepted = 0
        for i in range(args.files):
            # each file different (the store keeps identical files once)
            first = bytes([0xFF, 0xD8, 0xFF, 0xE0]) + i.to_bytes(4, "big") + block[8:]
            prefix = b"".join(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n".encode() for k, v in fields)
            prefix += f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"现场照片{i + 1}.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n".encode()
            suffix = f"\r\n--{boundary}--\r\n".encode()
            length = len(prefix) + size + len(suffix)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            conn.putrequest("POST", "/evidence/upload")
            conn.putheader("Cookie", client.cookie)
            conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
            conn.putheader("Content-Length", str(length))
            conn.endheaders()
            for piece in chunks(prefix, size, suffix, first):
                conn.send(piece)
            resp = conn.getresponse()
            resp.read()
            conn.close()
            if resp.status == 303:
                accepted += 1
        seconds = time.time() - start
        peak = proc_kb(server.pid, "VmHWM")
        total_mb = args.files * size / 1024 / 1024
        print(f"上传：{args.files} 个文件 × {args.size_mb:g} MB = {total_mb:.0f} MB，成功 {accepted} 个，用时 {seconds:.2f} 秒，"
              f"吞吐 {total_mb / seconds:.1f} MB/s")
        print(f"参照：同一块磁盘直接写入同样 {total_mb:.0f} MB 用时 {disk_seconds:.2f} 秒（{total_mb / disk_seconds:.1f} MB/s）")
        print(f"服务器内存：上传前常驻 {rss_before / 1024:.1f} MB，上传期间峰值 {peak / 1024:.1f} MB，"
              f"增长 {(peak - rss_before) / 1024:.1f} MB（目标 < 50 MB）")
        return 0
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
