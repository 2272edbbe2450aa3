// policy-bench: decisions per second and per-decision latency of the policy engine, in process,
// on one thread, over the ladon conformance fixtures. Run through scripts/bench/policy.sh.
#if canImport(Glibc)
import Glibc
#endif
import CHeapStats
import Foundation
import PolicyEngine
import PolicyTool

struct Options {
    var fixtures = "../shared/fixtures/ladon-conformance"
    var sizes = [10, 100, 1000, 10000]
    var seconds = 1.0
    var runs = 5
    var latencySamples = 200_000
    /// When set: run exactly this many decisions per size and print nothing else (for callgrind).
    var fixedDecisions: Int?

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--fixtures": fixtures = iterator.next() ?? fixtures
            case "--sizes": sizes = (iterator.next() ?? "").split(separator: ",").compactMap { Int($0) }
            case "--seconds": seconds = Double(iterator.next() ?? "") ?? seconds
            case "--runs": runs = Int(iterator.next() ?? "") ?? runs
            case "--latency-samples": latencySamples = Int(iterator.next() ?? "") ?? latencySamples
            case "--fixed-decisions": fixedDecisions = Int(iterator.next() ?? "")
            default:
                print("usage: policy-bench [--fixtures DIR] [--sizes 10,100] [--seconds S] [--runs N] [--latency-samples N]")
                exit(2)
            }
        }
    }
}

@inline(__always)
func nanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

func heapBytesInUse() -> Int { Int(heap_bytes_in_use()) }

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// Decisions per second over `seconds`, cycling through the requests.
func throughput(_ set: PolicySet, _ requests: [AccessRequest], seconds: Double) -> (Double, Int) {
    var allowed = 0
    var decisions = 0
    let start = nanoseconds()
    let budget = UInt64(seconds * 1e9)
    var elapsed: UInt64 = 0
    while elapsed < budget {
        for index in requests.indices where set.decide(requests[index]).allowed { allowed += 1 }
        decisions += requests.count
        elapsed = nanoseconds() - start
    }
    return (Double(decisions) / (Double(elapsed) / 1e9), allowed)
}

/// Per-decision latency percentiles in microseconds (clock overhead included, about 20 ns).
func latency(_ set: PolicySet, _ requests: [AccessRequest], samples: Int) -> (p50: Double, p99: Double, max: Double) {
    var durations = [UInt64](repeating: 0, count: samples)
    var allowed = 0
    for index in 0..<samples {
        let request = requests[index % requests.count]
        let start = nanoseconds()
        if set.decide(request).allowed { allowed += 1 }
        durations[index] = nanoseconds() - start
    }
    durations.sort()
    if allowed < 0 { print(allowed) }
    func micro(_ fraction: Double) -> Double { Double(durations[min(samples - 1, Int(Double(samples) * fraction))]) / 1000 }
    return (micro(0.50), micro(0.99), Double(durations[samples - 1]) / 1000)
}

/// Median time to rebuild `set` after one change, as the change feed does: a new policy first, reusing what
/// `set` compiled (see `PolicySet.init(_:reusing:)`).
func oneChangeMilliseconds(_ set: PolicySet, runs: Int) -> Double {
    var times: [Double] = []
    var current = set
    for run in 0..<max(runs, 5) {
        let added = Policy(id: "bench-change-\(run)", subjects: ["users:<.*>"], effect: "allow",
                           resources: ["resources:bench-change:\(run)"], actions: ["read"])
        let start = nanoseconds()
        current = PolicySet([added] + current.policies, reusing: current)
        times.append(Double(nanoseconds() - start) / 1e6)
    }
    return median(times)
}

let options = Options(CommandLine.arguments)
print("| policies | requests | decisions/s (median of \(options.runs)) | min..max | p50 µs | p99 µs | max µs | compiled set heap MiB | compile ms | one change ms | candidates mean / p99 / max |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for size in options.sizes {
    let policiesFile = "\(options.fixtures)/policies-full-\(size).json"
    let requestsFile = "\(options.fixtures)/requests-full-\(size).json"
    do {
        let requests = try JSONDocumentLoader.requests(JSONDocumentLoader.read(requestsFile), file: requestsFile)
        let policies = try JSONDocumentLoader.policies(JSONDocumentLoader.read(policiesFile), file: policiesFile)
        if let fixed = options.fixedDecisions {
            let set = PolicySet(policies)
            var allowed = 0
            for index in 0..<fixed where set.decide(requests[index % requests.count]).allowed { allowed += 1 }
            print("\(size): \(fixed) decisions, \(allowed) allowed")
            continue
        }
        let heapBefore = heapBytesInUse()
        let compileStart = nanoseconds()
        let set = PolicySet(policies)
        let compileMs = Double(nanoseconds() - compileStart) / 1e6
        // The set keeps its own copy of each policy; what the heap grew by is the compiled form plus that copy.
        let heapMiB = Double(heapBytesInUse() - heapBefore) / 1_048_576
        let changeMs = oneChangeMilliseconds(set, runs: options.runs)
        _ = throughput(set, requests, seconds: min(0.3, options.seconds))  // warm-up
        var rates: [Double] = []
        for _ in 0..<options.runs { rates.append(throughput(set, requests, seconds: options.seconds).0) }
        let (p50, p99, maximum) = latency(set, requests, samples: options.latencySamples)
        let candidates = requests.map { set.candidateCount($0) }.sorted()
        let candidateSummary = "\(candidates.reduce(0, +) / candidates.count) / \(candidates[candidates.count * 99 / 100]) / \(candidates.last!)"
        let row = [
            "\(size)", "\(requests.count)", String(format: "%.0f", median(rates)),
            String(format: "%.0f..%.0f", rates.min()!, rates.max()!),
            String(format: "%.2f", p50), String(format: "%.2f", p99), String(format: "%.1f", maximum),
            String(format: "%.1f", heapMiB), String(format: "%.0f", compileMs),
            String(format: "%.2f", changeMs), candidateSummary,
        ]
        print("| " + row.joined(separator: " | ") + " |")
    } catch {
        print("policy-bench: \(error)")
        exit(2)
    }
}
