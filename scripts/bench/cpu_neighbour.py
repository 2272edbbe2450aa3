#!/usr/bin/env python3
"""A neighbour that only uses CPU: busy for BURST_MS of every PERIOD_MS milliseconds, until killed.

    cpu_neighbour.py BURST_MS [PERIOD_MS]   (PERIOD_MS defaults to 90)

Integer arithmetic in a loop, touching no memory to speak of, so that what it does to another process's latency
is its CPU time alone. Run it under `chrt --idle 0` to give it only time no other process wants.
"""
import sys
import time


def main():
    burst = float(sys.argv[1]) / 1000
    period = float(sys.argv[2]) / 1000 if len(sys.argv) > 2 else 0.09
    value = 1
    while True:
        start = time.monotonic()
        while time.monotonic() - start < burst:
            for _ in range(200):
                value = (value * 6364136223846793005 + 1) & 0xFFFFFFFFFFFFFFFF
        rest = period - (time.monotonic() - start)
        if rest > 0:
            time.sleep(rest)


if __name__ == "__main__":
    main()
