#pragma once

// A SQLite VFS shim for fault-injection tests (issue 9): it forwards every call to the default
// VFS ("unix") and, when told to, fails writes with SQLITE_FULL (the disk is full) or fsyncs with
// SQLITE_IOERR_FSYNC (the disk lost what it was given). installFaultVfs() makes it the default
// VFS of the process, so every connection opened afterwards goes through it; with no fault
// switched on it changes nothing.

#include <atomic>

namespace yika::test {

struct FaultSwitches {
    std::atomic<bool> disk_full{false};    // every xWrite answers SQLITE_FULL
    std::atomic<bool> fsync_fails{false};  // every xSync answers SQLITE_IOERR_FSYNC
    std::atomic<long> writes_refused{0};
    std::atomic<long> syncs_seen{0};
};

FaultSwitches& faults();

// Registers the shim as the default VFS (once per process; later calls do nothing).
void installFaultVfs();

}  // namespace yika::test
