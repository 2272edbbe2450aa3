#!/usr/bin/env python3
"""POST /internal/v1/audit: the apiserver's and PostgreSQL's CPU per queued audit record, for one or more apiservers.

    audit_intake.py TOKEN BATCHES ROUNDS LABEL=URL=PID=POSTMASTER_PID [LABEL=URL=PID=POSTMASTER_PID ...]

Each round sends every apiserver BATCHES batches of 2,000 records shaped like authz's (AuditLine: the request and the
deciding policies as escaped JSON strings), each batch new (its own record ids), one after the other on one
keep-alive connection, as authz's shipper does; the apiservers take turns. CPU is user + system of the whole process
from /proc/PID/task/*/stat around the batches; PostgreSQL's is that of the postmaster and all its children (the
backend that inserts, the WAL writer…), with its minor page faults. Prints a Markdown table of medians over the rounds.
"""
import http.client
import json
import os
import statistics
import sys
import time
import urllib.parse

TICK = os.sysconf("SC_CLK_TCK")
RECORDS = 2000


def cpu_seconds(pid):
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / TICK


def postgres_processes(postmaster):
    """The postmaster and its children."""
    pids = [postmaster]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if stat.read().rsplit(")", 1)[1].split()[1] == postmaster:
                        pids.append(entry)
            except OSError:
                pass
    return pids


def postgres_usage(postmaster):
    """CPU seconds and minor page faults of the postmaster and its children (a child that exited is not counted)."""
    cpu, faults = 0.0, 0
    for pid in postgres_processes(postmaster):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        cpu += (int(fields[11]) + int(fields[12])) / TICK
        faults += int(fields[7])
    return cpu, faults


def record(n):
    request = {"resource": f"resources:articles:{n * 7919 % 100000}", "action": "delete", "subject": f"users:u{n % 1000}",
               "context": {"remoteIPAddress": f"10.{n % 250}.{n * 13 % 250}.1", "username": "big"}}
    policy = {"id": f"p{n % 997}", "description": "", "subjects": ["users:<.*>"], "effect": "allow",
              "resources": ["resources:articles:<.*>"], "actions": ["delete"], "conditions": {}, "meta": None}
    compact = {"separators": (",", ":")}
    return {"timestamp": 1796154137 + n // 50000, "username": "big", "effect": "allow",
            "conclusion": f"policies p{n % 997} allow access", "request": json.dumps(request, **compact),
            "policies": "", "deciders": json.dumps([policy], **compact), "expireAt": "2126-11-07T19:42:17Z"}


def body(prefix, batch):
    records = [{"id": f"{prefix}-{batch}-{i}", "record": record(batch * RECORDS + i)} for i in range(RECORDS)]
    return json.dumps({"records": records}, separators=(",", ":")).encode()


def send(url, token, bodies):
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    for payload in bodies:
        connection.request("POST", "/internal/v1/audit", payload, headers)
        answer = connection.getresponse()
        text = answer.read()
        if answer.status != 200 or json.loads(text).get("queued") != RECORDS:
            sys.exit(f"audit_intake.py: {url} answered {answer.status} {text[:200]!r}")
    connection.close()


def main():
    token, batches, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    servers = [argument.split("=", 3) for argument in sys.argv[4:]]
    samples = {label: [] for label, _, _, _ in servers}
    for round_number in range(rounds):
        for label, url, pid, postmaster in servers:
            bodies = [body(f"r{round_number}{label[:8]}", batch) for batch in range(batches)]
            send(url, token, bodies[:1])  # connection and first-batch costs outside the measurement
            before, (pg_before, faults_before), start = cpu_seconds(pid), postgres_usage(postmaster), time.monotonic()
            send(url, token, bodies[1:])
            cpu, wall = cpu_seconds(pid) - before, time.monotonic() - start
            pg_cpu, faults = (now - then for now, then in zip(postgres_usage(postmaster), (pg_before, faults_before)))
            records = (batches - 1) * RECORDS
            samples[label].append((cpu * 1e6 / records, (batches - 1) / wall, pg_cpu * 1e6 / records, faults / (batches - 1)))
    first = statistics.median(sample[0] for sample in samples[servers[0][0]])
    print("| apiserver | batches/s | apiserver CPU µs per record | vs the first | PostgreSQL CPU µs per record "
          "| PostgreSQL page faults per batch |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, _, _, _ in servers:
        cpu, rate, pg_cpu, faults = (statistics.median(sample[i] for sample in samples[label]) for i in range(4))
        print(f"| {label} | {rate:.1f} | {cpu:.2f} | {cpu / first:.2f} | {pg_cpu:.2f} | {faults:.0f} |")


if __name__ == "__main__":
    main()
