#!/usr/bin/env python3
"""serve_hostile.py — `nianbao serve` under hostile use (run by serve_hostile.sh).

    python3 serve_hostile.py NIANBAO_BIN SRCDIR WORKDIR

Every bad request must be refused with the right status, the server must keep serving
after each, no file outside the drafts folder may ever change, and no saved draft may be
lost.  Covered: malformed HTTP (garbage, NUL bytes, no Host, a header without a colon,
headers and paths too long), bodies over 16 MiB (announced, and streamed chunked), wrong
Host (DNS rebinding) and Origin / Sec-Fetch-Site (cross-site POST and PUT), a missing or
wrong token, path tricks in draft names (../, encoded slashes, NUL, dots, spaces, 101
bytes, symbolic links planted in the folder), methods a path does not take, a slow client
(cut after --timeout) and a broken one, 200 concurrent check requests, 25 saves of one
draft (the last 20 kept), start-up refusals (a non-loopback address without a token, a bad
token file), and a clean stop on SIGTERM.
"""
import hashlib
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

BIN, SRC, WORK = sys.argv[1:4]
DRAFTS = os.path.join(WORK, "drafts")
OUTSIDE = os.path.join(WORK, "outside")
SAMPLE = open(os.path.join(SRC, "samples/county-bureau-2021.json"), "rb").read()
ENV = {k: v for k, v in os.environ.items() if "proxy" not in k.lower() and not k.startswith("LC_")}
ENV["LANG"] = "C.UTF-8"  # the server's own locale; the page's messages are Chinese anyway
failures = []


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    failures.append(msg)


def note(msg):
    print("serve_hostile: " + msg, file=sys.stderr)


def start(*args):
    p = subprocess.Popen([BIN, "serve", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=ENV)
    line = p.stdout.readline().decode()
    m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if not m:
        err = p.stderr.read().decode()
        raise SystemExit("FAIL: nianbao serve did not start: %r %s" % (line, err))
    threading.Thread(target=lambda: [sys.stderr.write("[serve] " + l.decode()) for l in p.stderr],
                     daemon=True).start()
    return p, int(m.group(1))


def raw(port, data, read_timeout=10):
    """Sends raw bytes, returns the status code of the answer (0: none, closed)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=read_timeout)
    try:
        s.sendall(data)
        buf = b""
        while b"\r\n" not in buf:
            chunk = s.recv(4096)
            if not chunk:
                break
            buf += chunk
        m = re.match(rb"HTTP/1\.[01] (\d{3})", buf)
        return int(m.group(1)) if m else 0
    except (ConnectionResetError, BrokenPipeError):
        return 0
    finally:
        s.close()


def req(port, method, path, body=None, headers=None, host=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    h = {"Host": host or "127.0.0.1:%d" % port}
    h.update(headers or {})
    c.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    for k, v in h.items():
        c.putheader(k, v)
    if body is not None:
        c.putheader("Content-Length", str(len(body)))
    c.endheaders()
    if body is not None:
        c.send(body)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data, r


def expect(what, got, want):
    ok = got in want if isinstance(want, (set, tuple, list)) else got == want
    if not ok:
        fail("%s: status %s, expected %s" % (what, got, want))
    return ok


def alive(port, what):
    st, body, _ = req(port, "GET", "/api/version")
    if st != 200 or b"nianbao" not in body:
        fail("server not serving after %s (status %s)" % (what, st))


def snapshot(root, skip):
    """path -> sha256 of every file under root, not under skip."""
    out = {}
    for d, dirs, files in os.walk(root):
        if os.path.abspath(d).startswith(os.path.abspath(skip)):
            continue
        for f in files:
            p = os.path.join(d, f)
            if os.path.islink(p):
                out[p] = "link:" + os.readlink(p)
            else:
                out[p] = hashlib.sha256(open(p, "rb").read()).hexdigest()
    return out


def main():
    subprocess.run(["rm", "-rf", DRAFTS, OUTSIDE], check=True)
    os.makedirs(DRAFTS)
    os.makedirs(OUTSIDE)
    with open(os.path.join(OUTSIDE, "x.json"), "w") as f:
        f.write('{"canary": true}\n')
    with open(os.path.join(OUTSIDE, "0001.json"), "w") as f:
        f.write('{"canary": 1}\n')
    # traps planted inside the drafts folder: links that lead outside it
    os.symlink(OUTSIDE, os.path.join(DRAFTS, "trap"))
    os.makedirs(os.path.join(DRAFTS, "linked"))
    os.symlink(os.path.join(OUTSIDE, "0001.json"), os.path.join(DRAFTS, "linked", "0001.json"))
    before = snapshot(WORK, DRAFTS)

    srv, port = start("--listen", "127.0.0.1:0", "--drafts", DRAFTS, "--timeout", "2",
                      "--threads", "4")
    hp = "127.0.0.1:%d" % port
    note("server on port %d" % port)

    # --- malformed HTTP ---------------------------------------------------------------
    bad = [
        ("garbage", b"\x16\x03\x01\x02\x00garbage that is not HTTP\r\n\r\n"),
        ("NUL in the request line", b"GET /\x00../../etc/passwd HTTP/1.1\r\nHost: " + hp.encode() + b"\r\n\r\n"),
        ("no Host (HTTP/1.1)", b"GET / HTTP/1.1\r\n\r\n"),
        ("header without colon", b"GET / HTTP/1.1\r\nHost: " + hp.encode() + b"\r\nNoColonHere\r\n\r\n"),
        ("header of 100 KB", b"GET / HTTP/1.1\r\nHost: " + hp.encode() + b"\r\nX-Big: " + b"a" * 100000 + b"\r\n\r\n"),
        ("bad version", b"GET / HTTP/9.9\r\nHost: " + hp.encode() + b"\r\n\r\n"),
        ("bad Content-Length", b"POST /api/check HTTP/1.1\r\nHost: " + hp.encode() + b"\r\nContent-Length: -5\r\n\r\n"),
        ("bad chunk", b"POST /api/check HTTP/1.1\r\nHost: " + hp.encode() + b"\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\nxx\r\n0\r\n\r\n"),
    ]
    for what, data in bad:
        st = raw(port, data)
        expect("malformed HTTP (%s)" % what, st, {400, 404, 413, 414, 421, 431, 505})
        alive(port, what)
    expect("no Host (HTTP/1.0)", raw(port, b"GET / HTTP/1.0\r\n\r\n"), 421)
    expect("path of 5000 bytes", req(port, "GET", "/" + "a" * 5000)[0], {414, 400})
    note("malformed requests refused")

    # --- oversized bodies -------------------------------------------------------------
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    s.sendall(b"POST /api/check HTTP/1.1\r\nHost: " + hp.encode() +
              b"\r\nContent-Length: 16777217\r\n\r\n")
    resp = s.recv(4096)
    s.close()
    expect("announced 16 MiB + 1 body", int(resp[9:12] or 0), 413)
    st = raw(port, b"PUT /api/drafts/big HTTP/1.1\r\nHost: " + hp.encode() +
             b"\r\nContent-Length: 99999999999999999999\r\n\r\n")
    expect("absurd Content-Length", st, {400, 413})
    # streamed: chunked, 17 MiB, no length announced
    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    s.sendall(b"PUT /api/drafts/big HTTP/1.1\r\nHost: " + hp.encode() +
              b"\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"%x\r\n" % (1 << 20) + b" " * (1 << 20) + b"\r\n"
    try:
        for _ in range(17):
            s.sendall(chunk)
        s.sendall(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass
    resp = b""
    try:
        resp = s.recv(4096)
    except ConnectionResetError:
        pass
    s.close()
    expect("streamed 17 MiB body", int(resp[9:12] or 0), 413)
    if os.path.exists(os.path.join(DRAFTS, "big")) and os.listdir(os.path.join(DRAFTS, "big")):
        fail("an oversized body was saved as a draft")
    alive(port, "oversized bodies")
    note("oversized bodies refused (413)")

    # --- Host and Origin -------------------------------------------------------------
    expect("wrong Host", req(port, "GET", "/", host="evil.example:%d" % port)[0], 421)
    expect("rebinding Host", req(port, "GET", "/api/drafts", host="attacker.example")[0], 421)
    expect("wrong port in Host", req(port, "GET", "/", host="127.0.0.1:1")[0], 421)
    expect("localhost Host", req(port, "GET", "/", host="localhost:%d" % port)[0], 200)
    expect("[::1] Host", req(port, "GET", "/api/version", host="[::1]:%d" % port)[0], 200)
    for origin in ["http://evil.example", "null", "http://127.0.0.1:%d.evil.example" % port,
                   "file://", "http://localhost:1"]:
        expect("POST with Origin %s" % origin,
               req(port, "POST", "/api/check", SAMPLE, {"Origin": origin})[0], 403)
    expect("POST with Sec-Fetch-Site: cross-site",
           req(port, "POST", "/api/check", SAMPLE, {"Sec-Fetch-Site": "cross-site"})[0], 403)
    expect("cross-site PUT", req(port, "PUT", "/api/drafts/csrf", b"{}",
                                 {"Origin": "http://evil.example"})[0], 403)
    if os.path.exists(os.path.join(DRAFTS, "csrf")):
        fail("a cross-site PUT wrote a draft")
    expect("same-origin POST", req(port, "POST", "/api/check", SAMPLE,
                                   {"Origin": "http://%s" % hp, "Sec-Fetch-Site": "same-origin"})[0], 200)
    note("wrong Host (421) and cross-site requests (403) refused")

    # What the editor's page shows is Chinese, though this server runs in the C locale.
    def page_error(what, r, status, words):
        st, body, _ = r
        try:
            err = json.loads(body).get("error", "")
        except ValueError:
            err = ""
        if st != status or words not in err:
            fail("%s: status %s, error %r; expected %s and an error with %r" % (what, st, err, status, words))
    same = {"Origin": "http://%s" % hp, "Sec-Fetch-Site": "same-origin"}
    page_error("a draft that does not exist",
               req(port, "GET", "/api/drafts/" + "".join("%%%02X" % b for b in "无此草稿".encode())),
               404, "没有这个草稿")
    page_error("data that is not JSON", req(port, "POST", "/api/check", b"{\"year\": ", same), 422, "JSON")
    st, body, _ = req(port, "POST", "/api/check", b"{\"year\": ", same)
    if not re.search("[\u4e00-\u9fff]", json.loads(body).get("error", "")):
        fail("the error for data that is not JSON is not in Chinese: %r" % body[:300])
    page_error("a bad draft name", req(port, "PUT", "/api/drafts/a%20b", b"{}", same), 400, "草稿名无效")
    page_error("no token needed, but a wrong Host", req(port, "GET", "/api/drafts", host="evil.example"),
               421, "主机名")
    note("the page's errors are Chinese in a C-locale server")

    # --- draft names -----------------------------------------------------------------
    doc = b'{"edition": "2021", "note": "a draft"}\n'
    for what, path, want in [
        ("../ in the name", "/api/drafts/..%2F..%2Foutside%2Fx", 400),
        ("raw ../", "/api/drafts/../../outside/x", {400, 404}),
        ("dot-dot", "/api/drafts/..", 400),
        ("hidden", "/api/drafts/.hidden", 400),
        ("encoded slash", "/api/drafts/a%2Fb", 400),
        ("encoded NUL", "/api/drafts/a%00b", 400),
        ("bad escape", "/api/drafts/a%zz", 400),
        ("not UTF-8", "/api/drafts/%ff%fe", 400),
        ("space", "/api/drafts/a%20b", 400),
        ("101 bytes", "/api/drafts/" + "a" * 101, 400),
        ("backslash", "/api/drafts/a%5Cb", 400),
        ("link planted to outside", "/api/drafts/trap", 409),
    ]:
        expect("PUT %s" % what, req(port, "PUT", path, doc)[0], want)
    expect("GET through a planted link", req(port, "GET", "/api/drafts/linked")[0], 409)
    expect("GET a version through a link", req(port, "GET", "/api/drafts/linked/versions/1")[0], 409)
    expect("100-byte name", req(port, "PUT", "/api/drafts/" + "b" * 100, doc)[0], 200)
    cjk = "青溪县-2021_年报"
    enc = "".join("%%%02X" % b for b in cjk.encode())
    expect("CJK name", req(port, "PUT", "/api/drafts/" + enc, doc)[0], 200)
    expect("not JSON", req(port, "PUT", "/api/drafts/x1", b"{not json")[0], 400)
    expect("JSON but not an object", req(port, "PUT", "/api/drafts/x1", b"[1,2]")[0], 400)
    if os.path.exists(os.path.join(DRAFTS, "x1")) and os.listdir(os.path.join(DRAFTS, "x1")):
        fail("a malformed body was saved")
    expect("DELETE a draft", req(port, "DELETE", "/api/drafts/x1")[0], 405)
    expect("GET /api/check", req(port, "GET", "/api/check")[0], 405)
    expect("unknown path", req(port, "GET", "/etc/passwd")[0], 404)
    expect("dot file", req(port, "GET", "/.git")[0], 404)
    st, body, _ = req(port, "GET", "/api/drafts/" + enc)
    if st != 200 or body != doc:
        fail("the CJK draft does not read back (status %s)" % st)
    note("draft-name tricks refused (400, 409); good names saved")

    # --- versions: 25 saves, the last 20 kept ----------------------------------------
    for i in range(1, 26):
        st, body, _ = req(port, "PUT", "/api/drafts/many", b'{"save": %d}\n' % i)
        if st != 200:
            fail("save %d: status %s" % (i, st))
    st, body, _ = req(port, "PUT", "/api/drafts/many", b'{"save": 25}\n')
    if json.loads(body).get("unchanged") is not True:
        fail("saving the same bytes again made a new version")
    vers = json.loads(req(port, "GET", "/api/drafts/many/versions")[1])["versions"]
    nums = [v["version"] for v in vers]
    if nums != list(range(6, 26)):
        fail("versions kept: %s, expected 6..25" % nums)
    if req(port, "GET", "/api/drafts/many/versions/5")[0] != 404:
        fail("version 5 should be gone")
    if req(port, "GET", "/api/drafts/many/versions/6")[1] != b'{"save": 6}\n':
        fail("version 6 does not read back")
    if req(port, "GET", "/api/drafts/many")[1] != b'{"save": 25}\n':
        fail("the latest version is not the last saved")
    note("25 saves: versions 6..25 kept, the latest is the last")

    # --- slow and broken clients -----------------------------------------------------
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.sendall(b"GET / HTTP/1.1\r\nHost: " + hp.encode() + b"\r\n")  # never finishes
    t0 = time.time()
    alive(port, "a slow client holding a connection")
    try:
        got = s.recv(100)
    except (ConnectionResetError, socket.timeout):
        got = b""
    waited = time.time() - t0
    s.close()
    if got not in (b"",) and not got.startswith(b"HTTP/1.1 408"):
        fail("a silent client was answered %r instead of being cut" % got[:40])
    note("a silent client was cut after %.1f s (--timeout 2)" % waited)
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(b"POST /api/check HTTP/1.1\r\nHost: " + hp.encode() + b"\r\nContent-Length: 5000\r\n\r\n{\"edi")
    s.close()  # broken: half a body, then gone
    alive(port, "a client that left mid-body")

    # --- 200 concurrent checks -------------------------------------------------------
    want = None
    st, want, _ = req(port, "POST", "/api/check", SAMPLE)
    results = []

    def one():
        try:
            st, body, _ = req(port, "POST", "/api/check", SAMPLE)
            results.append((st, body))
        except Exception as e:  # noqa: BLE001 - every failure is counted
            results.append((0, repr(e).encode()))

    threads = [threading.Thread(target=one) for _ in range(200)]
    t0 = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.time() - t0
    okc = sum(1 for st, b in results if st == 200 and b == want)
    if okc != 200:
        bad = [r for r in results if not (r[0] == 200 and r[1] == want)][:3]
        fail("200 concurrent checks: %d answered right; e.g. %r" % (okc, bad))
    note("200 concurrent checks: all 200 answered the same findings in %.2f s" % took)
    alive(port, "200 concurrent checks")

    # --- nothing outside the drafts folder changed, nothing lost ---------------------
    after = snapshot(WORK, DRAFTS)
    if before != after:
        changed = sorted(set(before.items()) ^ set(after.items()))
        fail("files outside the drafts folder changed: %s" % changed[:5])
    for name in os.listdir(DRAFTS):
        p = os.path.join(DRAFTS, name)
        if name in ("trap", "linked"):
            continue
        if not re.fullmatch(r"[A-Za-z0-9_\-\u3400-\u9fff]+", name) or not os.path.isdir(p):
            fail("unexpected entry in the drafts folder: %r" % name)
    if open(os.path.join(OUTSIDE, "0001.json")).read() != '{"canary": 1}\n':
        fail("the file behind the planted link changed")
    note("no file outside the drafts folder touched")

    # --- token -----------------------------------------------------------------------
    tok = "s3cret-token-" + "x" * 20
    tf = os.path.join(WORK, "token")
    with open(tf, "w") as f:
        f.write(tok + "\n")
    srv2, port2 = start("--listen", "127.0.0.1:0", "--drafts", DRAFTS, "--token-file", tf)
    expect("no token", req(port2, "GET", "/api/version")[0], 401)
    expect("no token on the page", req(port2, "GET", "/")[0], 401)
    expect("wrong token", req(port2, "GET", "/api/version",
                              headers={"Authorization": "Bearer " + tok[:-1] + "y"})[0], 401)
    expect("token of another length", req(port2, "GET", "/api/version",
                                          headers={"Authorization": "Bearer " + tok + "x"})[0], 401)
    expect("right token", req(port2, "GET", "/api/version",
                              headers={"Authorization": "Bearer " + tok})[0], 200)
    expect("right token as cookie", req(port2, "POST", "/api/check", SAMPLE,
                                        headers={"Cookie": "a=b; nianbao_token=" + tok})[0], 200)
    expect("no token on POST", req(port2, "POST", "/api/check", SAMPLE)[0], 401)
    expect("wrong ?token=", req(port2, "GET", "/?token=nope")[0], 401)
    st, _, r = req(port2, "GET", "/?token=" + tok)
    expect("right ?token=", st, 303)
    cookie = r.getheader("Set-Cookie") or ""
    if "nianbao_token=" + tok not in cookie or "HttpOnly" not in cookie or "SameSite=Strict" not in cookie:
        fail("?token= set the cookie %r" % cookie)
    srv2.send_signal(signal.SIGTERM)
    if srv2.wait(timeout=30) != 0:
        fail("the token server did not stop cleanly")
    note("token: missing or wrong refused (401), right one accepted, cookie set")

    # --- start-up refusals ------------------------------------------------------------
    r = subprocess.run([BIN, "serve", "--listen", "0.0.0.0:0", "--drafts", DRAFTS],
                       capture_output=True, env=ENV, timeout=30)
    if r.returncode != 2 or b"--token-file" not in r.stderr:
        fail("listening on 0.0.0.0 without a token: exit %d %s" % (r.returncode, r.stderr[:200]))
    with open(tf, "w") as f:
        f.write("short\n")
    r = subprocess.run([BIN, "serve", "--listen", "127.0.0.1:0", "--token-file", tf, "--drafts", DRAFTS],
                       capture_output=True, env=ENV, timeout=30)
    if r.returncode != 2:
        fail("a 5-character token was accepted (exit %d)" % r.returncode)
    note("no token for a non-loopback address, and a weak token, refused at start (exit 2)")

    srv.send_signal(signal.SIGTERM)
    code = srv.wait(timeout=60)
    if code != 0:
        fail("SIGTERM: exit status %d" % code)
    if failures:
        print("serve_hostile: %d failures" % len(failures), file=sys.stderr)
        return 1
    note("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
