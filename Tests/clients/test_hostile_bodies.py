"""Large bodies from strangers are refused from their head, so they cost the
server nothing; a resident's own large photos still go through, many at once.

Measured on the real binary: its resident memory (VmRSS) while 150 anonymous
connections each declare an 11 MiB photo and send two megabytes of it (more than
a lingering close would discard of an ordinary request: each must still read its 403).
"""

from __future__ import annotations

import socket
import struct
import threading
import zlib

from pages import ApiClient

DECLARED = 11 * 1024 * 1024 - 1


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def stranger(port: int, conversation: str, answers: list[bytes]) -> None:
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        s.sendall((f"POST /api/v1/conversations/{conversation}/photos HTTP/1.1\r\nHost: x\r\n"
                   f"Content-Type: image/png\r\nContent-Length: {DECLARED}\r\n\r\n").encode())
        try:
            for _ in range(32):
                s.sendall(b"\0" * 65536)  # two megabytes of the body, which nobody asked for
        except OSError:
            pass  # the server answered and stopped listening
        answers.append(s.recv(64))
    finally:
        s.close()


def png(padding: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"\0\xff\0\0\xff\0\0" * 2
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"prVt", b"A" * padding) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def queued_resident(server) -> ApiClient:
    resident = ApiClient(server.base)
    status, opened = resident.call("POST", "/api/v1/conversations", {})
    assert status == 201
    resident.id = opened["id"]
    status, _ = resident.call("POST", f"/api/v1/conversations/{resident.id}/pre-questionnaire", {
        "serviceId": "skin", "subject": {"kind": "child", "firstName": "Aino", "ageYears": 5},
        "answers": {"duration": "days", "spreading": False, "breathing": False, "fever": False}})
    assert status == 200
    return resident


def test_150_strangers_declaring_11_mib_photos_cost_the_server_little(server):
    owner = queued_resident(server)
    before = rss_mb(server.proc.pid)
    answers: list[bytes] = []
    threads = [threading.Thread(target=stranger, args=(server.port, owner.id, answers)) for _ in range(150)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    after = rss_mb(server.proc.pid)
    assert len(answers) == 150
    assert all(a.startswith(b"HTTP/1.1 403") for a in answers), set(a[:20] for a in answers)
    assert after < 100, f"server resident memory {after:.0f} MB (was {before:.0f} MB)"


def test_ten_residents_sending_10_mb_photos_at_once_all_succeed(server):
    residents = [queued_resident(server) for _ in range(10)]
    photo = png(10 * 1000 * 1000)
    results: list[int] = []

    def upload(resident: ApiClient) -> None:
        status, _ = resident.call("POST", f"/api/v1/conversations/{resident.id}/photos", raw=photo, content_type="image/png")
        results.append(status)

    threads = [threading.Thread(target=upload, args=(r,)) for r in residents]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sorted(results) == [201] * 10
