# walcast benchmark, the Kafka half: end to end into a real broker, the
# broker's ingest ceiling, and commit-to-Kafka latency, for walcast-relay and
# for Debezium's PostgreSQL connector on Kafka Connect standalone.
#
# Imported by test/bench/run (Python 3 standard library only).  Everything
# runs against one throwaway single-node KRaft broker (test/kafka/kafka.sh)
# and one private PostgreSQL instance; see run's header for the suites.
#
# Measurement rules, for both tools alike:
#   - throughput is a catch-up: each tool's slot is created before the
#     workload (Debezium: the connector is started on the empty table with
#     snapshot.mode=no_data and stopped once its offset is stored), the
#     workload runs, then the tool is started and timed from its start until
#     the topic's high watermark (kcat -Q, offset of timestamp -1) reaches the
#     expected record count, tombstones included;
#   - CPU seconds (utime+stime) and peak RSS (VmHWM) are read from
#     /proc/<pid> of the relay process or the Connect JVM at that moment;
#   - latency is Kafka's CreateTime (set by the producer when the record is
#     handed to it) minus the event's source.ts_ms (the commit time), under
#     pgbench at a fixed rate.

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
KAFKA_SH = os.path.join(ROOT, "test", "kafka", "kafka.sh")
RELAY = os.path.join(ROOT, "relay", "walcast-relay")
CONNECT_LIB = os.path.join(ROOT, "test", "kafka", "lib-connect-4.3.1")
DEBEZIUM_LIB = os.path.join(ROOT, "test", "kafka", "lib-debezium-3.6.3.Final")
CONNECT_HEAP = ["-Xms256M", "-Xmx2G"]       # connect-standalone.sh's default
CLK_TCK = os.sysconf("SC_CLK_TCK")


class BenchError(Exception):
    pass


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def kafka_missing():
    """Why a broker cannot be started here, or None."""
    version = os.environ.get("KAFKA_VERSION", "3.9.1")
    lib = os.environ.get("KAFKA_LIB_DIR",
                         os.path.join(ROOT, "test", "kafka", f"lib-{version}"))
    if not os.path.exists(os.path.join(lib, f"kafka_2.13-{version}.jar")):
        return f"no Kafka {version} jars (run test/kafka/kafka.sh fetch)"
    for tool in ("kcat", "java"):
        if shutil.which(tool) is None:
            return f"{tool} not found"
    if not os.access(RELAY, os.X_OK):
        return "relay/walcast-relay is not built (make relay)"
    return None


def debezium_missing():
    if not os.path.exists(os.path.join(CONNECT_LIB, "connect-runtime-4.3.1.jar")):
        return "no Kafka Connect jars (run test/bench/debezium/fetch)"
    if not os.path.isdir(os.path.join(DEBEZIUM_LIB, "debezium-connector-postgres")):
        return "no Debezium connector plugin (run test/bench/debezium/fetch)"
    return None


# ---- processes ----

def proc_usage(pid):
    """(CPU seconds, peak RSS in KiB) of a process not yet reaped, from
    /proc; a zombie still has its CPU times but no memory (RSS None)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / CLK_TCK
        hwm = None
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
        return cpu, hwm
    except OSError:
        return None, None


class Usage:
    """The latest CPU time and peak RSS seen of one process."""

    def __init__(self, pid):
        self.pid, self.cpu, self.rss = pid, None, None

    def sample(self):
        c, h = proc_usage(self.pid)
        if c is not None:
            self.cpu = c
        if h is not None:
            self.rss = h


def stop_process(p, timeout=30):
    """SIGTERM, then SIGKILL after timeout seconds; returns the exit code."""
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    return p.returncode


class Broker:
    def __init__(self, workdir):
        self.dir = os.path.join(workdir, "kafka")
        self.bootstrap = None

    def start(self):
        env = dict(os.environ, KAFKA_OWNER_PID=str(os.getpid()))
        r = subprocess.run([KAFKA_SH, "start", self.dir], env=env,
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise BenchError(f"broker did not start: {r.stderr.strip()}")
        self.bootstrap = r.stdout.strip().splitlines()[-1]
        return self.bootstrap

    def stop(self):
        if self.bootstrap:
            subprocess.run([KAFKA_SH, "stop", self.dir])
            self.bootstrap = None

    def hwm(self, topic):
        """High watermark of partition 0 of topic (0 if it does not exist)."""
        r = subprocess.run(["kcat", "-b", self.bootstrap, "-Q", "-t",
                            f"{topic}:0:-1"], capture_output=True, text=True)
        m = re.search(r"offset (\d+)", r.stdout)
        return int(m.group(1)) if m else 0

    def wait_hwm(self, topic, count, procs=(), timeout=1800, interval=0.1):
        """Polls until topic holds count records; returns the monotonic time.
        Fails if one of procs exits before."""
        deadline = time.monotonic() + timeout
        while True:
            if self.hwm(topic) >= count:
                return time.monotonic()
            for name, p in procs:
                if p.poll() is not None:
                    raise BenchError(f"{name} exited with status {p.returncode} "
                                     f"before {topic} held {count} records "
                                     f"(it has {self.hwm(topic)})")
            if time.monotonic() > deadline:
                raise BenchError(f"timed out: {topic} holds {self.hwm(topic)} "
                                 f"of {count} records")
            time.sleep(interval)


# ---- walcast-relay ----

def relay_cmd(inst, bootstrap, slot, prefix, compression, endpos=None):
    cmd = [RELAY, "-d", f"dbname=bench host={inst.sockdir} port={inst.port} "
           f"user=postgres", "-S", slot, "-b", bootstrap,
           "-o", f"topic.prefix={prefix}", "-o", "schemas.enable=true",
           "-X", f"compression.type={compression}", "--progress-interval=0"]
    if endpos:
        cmd += ["--endpos", endpos, "--no-loop"]
    return cmd


def relay_create_slot(inst, slot):
    r = subprocess.run([RELAY, "-d", f"dbname=bench host={inst.sockdir} "
                        f"port={inst.port} user=postgres", "-S", slot,
                        "--create-slot"], capture_output=True, text=True)
    if r.returncode != 0:
        raise BenchError(f"walcast-relay --create-slot {slot}: {r.stderr.strip()}")


def run_relay_catchup(inst, broker, slot, prefix, compression, endpos, count,
                      logdir):
    topic = f"{prefix}.public.orders"
    err = open(os.path.join(logdir, f"relay-{slot}.log"), "w")
    t0 = time.monotonic()
    p = subprocess.Popen(relay_cmd(inst, broker.bootstrap, slot, prefix,
                                   compression, endpos),
                         stdin=subprocess.DEVNULL, stdout=err, stderr=err)
    u = Usage(p.pid)
    try:
        # Sampled while running; the last sample is kept.
        deadline = time.monotonic() + 1800
        while True:
            u.sample()
            if broker.hwm(topic) >= count:
                t1 = time.monotonic()
                break
            if p.poll() is not None:
                raise BenchError(f"walcast-relay exited with status "
                                 f"{p.returncode} before {topic} held {count} "
                                 f"records (see {err.name})")
            if time.monotonic() > deadline:
                raise BenchError(f"timed out waiting for {topic}")
            time.sleep(0.1)
        u.sample()
        # --endpos: it exits by itself once everything is acknowledged.
        try:
            p.wait(60)
        except subprocess.TimeoutExpired:
            pass
    finally:
        stop_process(p)
        err.close()
    return {"wall": t1 - t0, "cpu": u.cpu or 0.0, "rss_kib": u.rss or 0,
            "records": count}


# ---- Kafka Connect + Debezium ----

class Connect:
    """One Kafka Connect standalone worker with Debezium connectors."""

    def __init__(self, inst, broker, workdir, name):
        self.inst = inst
        self.broker = broker
        self.dir = os.path.join(workdir, name)
        os.makedirs(self.dir, exist_ok=True)
        self.offsets = os.path.join(self.dir, "offsets.dat")
        self.proc = None
        self.log = os.path.join(self.dir, "connect.log")

    def write_worker(self):
        from socket import socket
        with socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        with open(os.path.join(self.dir, "worker.properties"), "w") as f:
            f.write(f"""bootstrap.servers={self.broker.bootstrap}
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
key.converter.schemas.enable=true
value.converter.schemas.enable=true
offset.storage.file.filename={self.offsets}
offset.flush.interval.ms=1000
plugin.path={DEBEZIUM_LIB}
listeners=http://127.0.0.1:{port}
producer.compression.type=lz4
""")
        with open(os.path.join(self.dir, "log4j2.properties"), "w") as f:
            f.write("""rootLogger.level=WARN
rootLogger.appenderRef.stderr.ref=STDERR
appender.stderr.type=Console
appender.stderr.name=STDERR
appender.stderr.target=SYSTEM_ERR
appender.stderr.layout.type=PatternLayout
appender.stderr.layout.pattern=[%d] %p %m (%c)%n
""")

    def connector(self, name, poll_ms=500, heartbeat_ms=None):
        path = os.path.join(self.dir, f"{name}.properties")
        with open(path, "w") as f:
            f.write(f"""name={name}
connector.class=io.debezium.connector.postgresql.PostgresConnector
tasks.max=1
plugin.name=pgoutput
database.hostname=127.0.0.1
database.port={self.inst.port}
database.user=postgres
database.password=unused
database.dbname=bench
topic.prefix={name}
slot.name={name}
publication.name=dbz_pub
publication.autocreate.mode=disabled
table.include.list=public.orders
snapshot.mode=no_data
poll.interval.ms={poll_ms}
""")
            if heartbeat_ms:
                f.write(f"heartbeat.interval.ms={heartbeat_ms}\n")
        return path

    def start(self, connector_files):
        java = os.environ.get("JAVA") or (
            os.path.join(os.environ["JAVA_HOME"], "bin", "java")
            if os.environ.get("JAVA_HOME") else "java")
        cmd = [java] + CONNECT_HEAP + [
            "-XX:+UseG1GC", "-XX:-UsePerfData", "-Djava.awt.headless=true",
            "-Dlog4j2.configurationFile=" + os.path.join(self.dir, "log4j2.properties"),
            "-cp", os.path.join(CONNECT_LIB, "*"),
            "org.apache.kafka.connect.cli.ConnectStandalone",
            os.path.join(self.dir, "worker.properties")] + connector_files
        self.logf = open(self.log, "a")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=self.logf, stderr=self.logf,
                                     start_new_session=True)
        return self.proc

    def stop(self):
        if self.proc:
            stop_process(self.proc, timeout=60)
            self.proc = None
            self.logf.close()

    def tail(self):
        try:
            with open(self.log) as f:
                return "".join(f.readlines()[-20:])
        except OSError:
            return ""


def wait_slots_active(inst, slots, proc, timeout=180):
    deadline = time.monotonic() + timeout
    names = ",".join("'" + s + "'" for s in slots)
    while True:
        rows = inst.psql(f"SELECT count(*) FROM pg_replication_slots WHERE "
                         f"active AND slot_name IN ({names})")[1]
        if int(rows[0][0]) == len(slots):
            return
        if proc.poll() is not None:
            raise BenchError(f"process exited with status {proc.returncode} "
                             f"before slots {names} were active")
        if time.monotonic() > deadline:
            raise BenchError(f"timed out waiting for slots {names}")
        time.sleep(0.1)


def debezium_setup_slots(inst, broker, workdir, names):
    """Starts one worker running every connector in names on the empty table
    (no_data), waits until each slot streams and each offset is stored,
    then stops it.  Returns the Connect object (its offsets file is kept)."""
    c = Connect(inst, broker, workdir, "connect-setup")
    c.write_worker()
    files = [c.connector(n, heartbeat_ms=200) for n in names]
    c.start(files)
    try:
        wait_slots_active(inst, names, c.proc)
        deadline = time.monotonic() + 120
        while True:
            try:
                with open(c.offsets, "rb") as f:
                    data = f.read()
            except OSError:
                data = b""
            if all(f'"{n}"'.encode() in data for n in names):
                break
            if time.monotonic() > deadline or c.proc.poll() is not None:
                raise BenchError("Debezium stored no offsets during set-up:\n"
                                 + c.tail())
            time.sleep(0.2)
    finally:
        c.stop()
    return c


def run_debezium_catchup(inst, broker, workdir, setup, name, count):
    topic = f"{name}.public.orders"
    c = Connect(inst, broker, workdir, f"connect-{name}")
    c.write_worker()
    shutil.copyfile(setup.offsets, c.offsets)
    f = c.connector(name)
    t0 = time.monotonic()
    p = c.start([f])
    try:
        t1 = broker.wait_hwm(topic, count, procs=[("Kafka Connect", p)],
                             interval=0.1)
        u = Usage(p.pid)
        u.sample()
    except BenchError as e:
        raise BenchError(f"{e}\n{c.tail()}")
    finally:
        c.stop()
    return {"wall": t1 - t0, "cpu": u.cpu or 0.0, "rss_kib": u.rss or 0,
            "records": count}


# ---- broker ingest ceiling ----

def dump_records(broker, topic, path):
    """Writes topic's records as key<TAB>value lines (tombstones: empty)."""
    with open(path, "wb") as out:
        r = subprocess.run(["kcat", "-b", broker.bootstrap, "-C", "-t", topic,
                            "-o", "beginning", "-e", "-q", "-f", "%k\t%s\n"],
                           stdout=out, stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise BenchError(f"kcat could not read {topic}: {r.stderr.decode()}")


def run_kcat_ceiling(broker, path, topic, count):
    """A bare librdkafka producer (kcat, acks=all, idempotent, no
    compression) sends the pre-rendered records."""
    cmd = ["kcat", "-b", broker.bootstrap, "-P", "-t", topic, "-K", "\t",
           "-Z", "-X", "enable.idempotence=true", "-X", "acks=all",
           "-X", "compression.type=none"]
    with open(path, "rb") as inp:
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdin=inp, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
        u = Usage(p.pid)
        while p.poll() is None:
            u.sample()
            if broker.hwm(topic) >= count:
                break
            time.sleep(0.1)
        t1 = broker.wait_hwm(topic, count, timeout=600)
        u.sample()
        _, err = p.communicate()
    if p.returncode != 0:
        raise BenchError(f"kcat -P failed: {err.decode()}")
    return {"wall": t1 - t0, "cpu": u.cpu or 0.0, "rss_kib": u.rss or 0,
            "records": count}


# ---- latency under OLTP ----

PGBENCH_SCRIPT = """\
\\set c random(1, 5000)
BEGIN;
INSERT INTO orders (customer, amount, qty, created_at, shipped_at, note, attrs)
  VALUES ('customer-' || :c, :c * 1.37, 1 + :c % 20, now(), NULL,
          'oltp order', jsonb_build_object('channel', 'web', 'priority', :c % 5))
  RETURNING id AS new_id \\gset
INSERT INTO orders (customer, amount, qty, created_at, shipped_at, note, attrs)
  VALUES ('customer-' || :c, :c * 2.11, 1, now(), NULL, 'oltp order 2',
          jsonb_build_object('channel', 'store', 'priority', 1));
UPDATE orders SET qty = qty + 1, shipped_at = localtimestamp,
                  note = note || ' (shipped)' WHERE id = :new_id;
END;
"""


def run_pgbench(inst, workdir, rate, seconds):
    """pgbench at a fixed rate, 3 changes per transaction; returns the
    number of transactions it processed."""
    script = os.path.join(workdir, "oltp.sql")
    with open(script, "w") as f:
        f.write(PGBENCH_SCRIPT)
    r = subprocess.run([inst.bin("pgbench"), "-n", "-c", "2", "-j", "1",
                        "-R", str(rate), "-T", str(max(1, round(seconds))), "-f", script]
                       + inst.conn_args() + ["bench"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise BenchError(f"pgbench failed: {r.stderr.strip()}")
    m = re.search(r"number of transactions actually processed: (\d+)",
                  r.stdout)
    if not m:
        raise BenchError(f"pgbench printed no transaction count:\n{r.stdout}")
    m2 = re.search(r"number of failed transactions: (\d+)", r.stdout)
    if m2 and int(m2.group(1)) != 0:
        raise BenchError(f"pgbench had failed transactions:\n{r.stdout}")
    return int(m.group(1))


def latencies(broker, topic, since_ms):
    """CreateTime - source.ts_ms in ms for every data record committed at or
    after since_ms."""
    r = subprocess.run(["kcat", "-b", broker.bootstrap, "-C", "-t", topic,
                        "-o", "beginning", "-e", "-q", "-f", "%T\t%s\n"],
                       capture_output=True)
    if r.returncode != 0:
        raise BenchError(f"kcat could not read {topic}: {r.stderr.decode()}")
    out = []
    for line in r.stdout.split(b"\n"):
        if not line:
            continue
        ts, _, value = line.partition(b"\t")
        if not value:
            continue
        v = json.loads(value)
        payload = v.get("payload", v)
        commit = payload["source"]["ts_ms"]
        if commit >= since_ms:
            out.append(int(ts) - commit)
    return out


def percentile(values, q):
    """Nearest-rank percentile."""
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(-(-q * len(s) // 100)) - 1))
    return s[k]


def latency_stats(lat):
    return {"records": len(lat), "p50": percentile(lat, 50),
            "p99": percentile(lat, 99), "max": max(lat)}


def run_latency(inst, broker, workdir, tool, name, rate, seconds, warmup,
                poll_ms=None):
    """Starts the tool streaming on a fresh slot, runs pgbench for warmup +
    seconds, waits for every record, and measures the records committed
    after the warm-up."""
    topic = f"{name}.public.orders"
    if tool == "walcast":
        relay_create_slot(inst, name)
        logf = open(os.path.join(workdir, f"relay-{name}.log"), "w")
        p = subprocess.Popen(relay_cmd(inst, broker.bootstrap, name, name,
                                       "lz4"),
                             stdin=subprocess.DEVNULL, stdout=logf, stderr=logf)
        stop = lambda: (stop_process(p), logf.close())
        tail = lambda: ""
    else:
        c = Connect(inst, broker, workdir, f"connect-{name}")
        c.write_worker()
        p = c.start([c.connector(name, poll_ms=poll_ms)])
        stop = c.stop
        tail = c.tail
    try:
        try:
            wait_slots_active(inst, [name], p)
            # Debezium: the slot is active before its stream loop runs.
            time.sleep(1.0)
            start_ms = int(time.time() * 1000) + int(warmup * 1000)
            tx = run_pgbench(inst, workdir, rate, warmup + seconds)
            broker.wait_hwm(topic, 3 * tx, procs=[(tool, p)], timeout=600)
        except BenchError as e:
            raise BenchError(f"{e}\n{tail()}")
    finally:
        stop()
    inst.psql(f"SELECT pg_drop_replication_slot('{name}')")
    lat = latencies(broker, topic, start_ms)
    if not lat:
        raise BenchError(f"no records after the warm-up in {topic}")
    st = latency_stats(lat)
    st["tx"] = tx
    return st


# ---- the suites ----

E2E_PATHS = [
    # name, what it is
    ("walcast-relay lz4", "walcast-relay, compression.type=lz4 (its default)"),
    ("Debezium lz4", "Debezium 3.6.3 on Kafka Connect 4.3.1, pgoutput, "
                     "producer.compression.type=lz4"),
    ("walcast-relay none", "walcast-relay, compression.type=none"),
    ("kcat none (ceiling)", "bare librdkafka producer (kcat -P) of the relay's "
                            "records, compression.type=none"),
]


def run_suites(args, inst, workdir, workload, n_ins, n_upd, n_del, suites,
               with_dbz):
    """Runs the e2e (catch-up, ceiling) and latency suites on inst (already
    initialised with the orders table, not yet loaded) and a fresh broker.
    Returns {"e2e": {path: [runs]}, "latency": {path: [runs]}, ...}."""
    res = {"e2e": {}, "latency": {}, "notes": []}
    broker = Broker(workdir)
    if args.latency_clock == "append":
        # The broker stamps every record when it appends it (acks=all with
        # one replica: the acknowledgement follows at once), for all topics.
        os.makedirs(broker.dir, exist_ok=True)
        with open(os.path.join(broker.dir, "extra.properties"), "w") as f:
            f.write("log.message.timestamp.type=LogAppendTime\n")
    broker.start()
    log(f"bench: Kafka broker at {broker.bootstrap}")
    R = args.repeat
    try:
        inst.psql("CREATE PUBLICATION dbz_pub FOR TABLE orders")
        if "e2e" in suites:
            count = n_ins + n_upd + 2 * n_del
            res["e2e_records"] = count
            for i in range(1, R + 1):
                relay_create_slot(inst, f"wc_lz4_{i}")
                relay_create_slot(inst, f"wc_none_{i}")
            dbz = [f"dbz_{i}" for i in range(1, R + 1)]
            setup = None
            if with_dbz:
                log("bench: creating Debezium's slots (Connect on the empty table)")
                setup = debezium_setup_slots(inst, broker, workdir, dbz)
            log(f"bench: e2e workload: {n_ins} inserts, {n_upd} updates, "
                f"{n_del} deletes = {count} Kafka records")
            workload(inst, n_ins, n_upd, n_del)
            inst.psql("CHECKPOINT")
            endpos = inst.psql("SELECT pg_current_wal_lsn()")[1][0][0]
            records = os.path.join(workdir, "records.tsv")
            for i in range(1, R + 1):
                def note(path, r):
                    res["e2e"].setdefault(path, []).append(r)
                    log(f"bench: run {i}/{R} {path:<20} {r['wall']:8.3f} s  "
                        f"CPU {r['cpu']:.2f} s  RSS {r['rss_kib'] / 1024:.1f} MiB")
                note("walcast-relay lz4", run_relay_catchup(
                    inst, broker, f"wc_lz4_{i}", f"wc_lz4_{i}", "lz4", endpos,
                    count, workdir))
                if i == 1:
                    dump_records(broker, "wc_lz4_1.public.orders", records)
                note("kcat none (ceiling)", run_kcat_ceiling(
                    broker, records, f"ceiling_{i}", count))
                note("walcast-relay none", run_relay_catchup(
                    inst, broker, f"wc_none_{i}", f"wc_none_{i}", "none",
                    endpos, count, workdir))
                if with_dbz:
                    note("Debezium lz4", run_debezium_catchup(
                        inst, broker, workdir, setup, f"dbz_{i}", count))
            os.unlink(records)
        if "latency" in suites:
            polls = [int(x) for x in args.dbz_poll_ms.split(",") if x]
            res["latency_rate"] = args.oltp_rate
            res["latency_seconds"] = args.oltp_seconds
            for i in range(1, R + 1):
                runs = [("walcast-relay", "walcast", None)]
                if with_dbz:
                    runs += [(f"Debezium poll.interval.ms={ms}", "debezium", ms)
                             for ms in polls]
                for path, tool, ms in runs:
                    name = (f"lat_wc_{i}" if tool == "walcast"
                            else f"lat_dbz{ms}_{i}")
                    r = run_latency(inst, broker, workdir, tool, name,
                                    args.oltp_rate, args.oltp_seconds,
                                    args.oltp_warmup, ms)
                    res["latency"].setdefault(path, []).append(r)
                    log(f"bench: run {i}/{R} latency {path:<32} {r['records']} "
                        f"records  p50 {r['p50']} ms  p99 {r['p99']} ms  "
                        f"max {r['max']} ms")
    finally:
        broker.stop()
    return res
