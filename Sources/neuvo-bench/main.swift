import Foundation
import Glibc

let benchUsage = """
    usage: neuvo-bench parked [--connections N] [--clients K] [--hold S]
           neuvo-bench wake   [--parked N] [--watched W] [--rate R] [--seconds S] [--clients K] [--pool P]
           neuvo-bench writes [--seconds S] [--concurrency C] [--only http|store]
           neuvo-bench queue  [--waiting N] [--queues Q] [--picks-per-second R] [--picks P]
           neuvo-bench stats  [--conversations N] [--repeats R]

    parked  N parked long polls (default 19800) held by K worker processes (default ceil(N/9000));
            reports the server's resident memory per parked request; --hold S keeps holding S s more
            (through the 30 s poll timeouts and their re-issue) and reads the memory again.
    wake    N background parked polls (default 10000) in worker processes, W watched polls (default 1000)
            in the driver, and messages posted at R/s (default 1000) for S s (default 10) to random watched
            conversations over P keep-alive connections (default 32); reports post→wake latency.
    writes  (a) C keep-alive connections (default 256) posting messages for S s (default 10);
            (b) C tasks writing to a Store in this process for S s; durable writes/s and latency.
    queue   N residents (default 1000) waiting in Q work queues (1 or 2), each in a session of their own holding
            the resident page's long poll with the position and estimate it last saw, while a nurse picks the
            next case R times a second (default 1) P times (default 20); reports the pick's latency, server CPU
            per pick, and how soon every waiting resident saw their new position.
    stats   a year of N conversations (default 300000) over the demo catalog's six queues with a weekly and daily
            rhythm, written straight into a database; then the managers' statistics requests for a month and
            for the year, each R times (default 7) over HTTP: min, median and max milliseconds.
    Runs `neuvo` found beside this binary on a temporary database; everything is on 127.0.0.1.
    """

signal(SIGPIPE, SIG_IGN)
let argv = CommandLine.arguments
do {
    guard argv.count >= 2 else { throw BenchError(benchUsage) }
    let rest = argv[2...]
    switch argv[1] {
    case "parked":
        try runParked(Arguments(rest, allowed: ["connections", "clients", "hold"]))
    case "wake":
        try runWake(Arguments(rest, allowed: ["parked", "watched", "rate", "seconds", "clients", "pool"]))
    case "writes":
        try runWrites(Arguments(rest, allowed: ["seconds", "concurrency", "only"]))
    case "queue":
        try runQueue(Arguments(rest, allowed: ["waiting", "queues", "picks-per-second", "picks"]))
    case "stats":
        try runStatistics(Arguments(rest, allowed: ["conversations", "repeats"]))
    case "_worker":
        try runWorker(Arguments(rest, allowed: ["port", "cookie", "ids", "from", "count", "wait", "max-seconds", "burst"]))
    case "-h", "--help", "help":
        say(benchUsage)
    default:
        throw BenchError(benchUsage)
    }
} catch {
    FileHandle.standardError.write(Data("neuvo-bench: \(error)\n".utf8))
    exit(1)
}
