#!/usr/bin/env python3
"""Requests one at a time on one keep-alive connection: the server's CPU and thread switches per request.

    one_by_one.py PID URL COUNT [SETTLE_SECONDS]

CPU is user + system of every thread of PID (/proc/PID/task/*/stat), switches are the voluntary and involuntary
context switches of those threads (/proc/PID/task/*/status), both taken from before the first request until
SETTLE_SECONDS (default 11) after the last, so that work a request leaves behind (a timer that expires later) is
counted too. Prints "CPU_MICROSECONDS_PER_REQUEST SWITCHES_PER_REQUEST". The server is idle between requests, as
the apiserver is between an authz server's audit batches: each request wakes it.
"""
import http.client
import os
import sys
import time
import urllib.parse

TICK = os.sysconf("SC_CLK_TCK")


def usage(pid):
    cpu, switches = 0, 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/task/{task}/status") as status:
                for line in status:
                    if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                        switches += int(line.split()[1])
        except OSError:  # a thread that ended meanwhile
            continue
        cpu += int(fields[11]) + int(fields[12])
    return cpu / TICK, switches


def main():
    pid, url, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    settle = float(sys.argv[4]) if len(sys.argv) > 4 else 11
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    cpu_before, switches_before = usage(pid)
    for _ in range(count):
        connection.request("GET", parts.path or "/")
        answer = connection.getresponse()
        answer.read()
        if answer.status != 200:
            sys.exit(f"one_by_one.py: {url} answered {answer.status}")
    connection.close()
    time.sleep(settle)
    cpu_after, switches_after = usage(pid)
    print(f"{(cpu_after - cpu_before) * 1e6 / count:.0f} {(switches_after - switches_before) / count:.1f}")


if __name__ == "__main__":
    main()
