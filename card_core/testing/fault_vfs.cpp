#include "card_core/testing/fault_vfs.h"

#include <sqlite3.h>

#include <cstring>
#include <mutex>

namespace yika::test {

namespace {

sqlite3_vfs* g_parent = nullptr;
sqlite3_vfs g_vfs{};

// Our file object; the parent's file object follows it in the same allocation (szOsFile).
struct FaultFile {
    sqlite3_file base;
    sqlite3_file* real;
};

sqlite3_file* real(sqlite3_file* f) { return reinterpret_cast<FaultFile*>(f)->real; }

int xClose(sqlite3_file* f) { return real(f)->pMethods->xClose(real(f)); }
int xRead(sqlite3_file* f, void* buf, int n, sqlite3_int64 offset) {
    return real(f)->pMethods->xRead(real(f), buf, n, offset);
}
int xWrite(sqlite3_file* f, const void* buf, int n, sqlite3_int64 offset) {
    if (faults().disk_full.load()) {
        faults().writes_refused.fetch_add(1);
        return SQLITE_FULL;
    }
    return real(f)->pMethods->xWrite(real(f), buf, n, offset);
}
int xTruncate(sqlite3_file* f, sqlite3_int64 size) {
    return real(f)->pMethods->xTruncate(real(f), size);
}
int xSync(sqlite3_file* f, int flags) {
    faults().syncs_seen.fetch_add(1);
    if (faults().fsync_fails.load()) return SQLITE_IOERR_FSYNC;
    return real(f)->pMethods->xSync(real(f), flags);
}
int xFileSize(sqlite3_file* f, sqlite3_int64* size) {
    return real(f)->pMethods->xFileSize(real(f), size);
}
int xLock(sqlite3_file* f, int level) { return real(f)->pMethods->xLock(real(f), level); }
int xUnlock(sqlite3_file* f, int level) { return real(f)->pMethods->xUnlock(real(f), level); }
int xCheckReservedLock(sqlite3_file* f, int* out) {
    return real(f)->pMethods->xCheckReservedLock(real(f), out);
}
int xFileControl(sqlite3_file* f, int op, void* arg) {
    return real(f)->pMethods->xFileControl(real(f), op, arg);
}
int xSectorSize(sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); }
int xDeviceCharacteristics(sqlite3_file* f) {
    return real(f)->pMethods->xDeviceCharacteristics(real(f));
}
int xShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
    return real(f)->pMethods->xShmMap(real(f), region, size, extend, out);
}
int xShmLock(sqlite3_file* f, int offset, int n, int flags) {
    return real(f)->pMethods->xShmLock(real(f), offset, n, flags);
}
void xShmBarrier(sqlite3_file* f) { real(f)->pMethods->xShmBarrier(real(f)); }
int xShmUnmap(sqlite3_file* f, int delete_flag) {
    return real(f)->pMethods->xShmUnmap(real(f), delete_flag);
}
int xFetch(sqlite3_file* f, sqlite3_int64 offset, int n, void** out) {
    return real(f)->pMethods->xFetch(real(f), offset, n, out);
}
int xUnfetch(sqlite3_file* f, sqlite3_int64 offset, void* p) {
    return real(f)->pMethods->xUnfetch(real(f), offset, p);
}

const sqlite3_io_methods kMethods = {3,
                                     xClose,
                                     xRead,
                                     xWrite,
                                     xTruncate,
                                     xSync,
                                     xFileSize,
                                     xLock,
                                     xUnlock,
                                     xCheckReservedLock,
                                     xFileControl,
                                     xSectorSize,
                                     xDeviceCharacteristics,
                                     xShmMap,
                                     xShmLock,
                                     xShmBarrier,
                                     xShmUnmap,
                                     xFetch,
                                     xUnfetch};

int xOpen(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
    auto* ff = reinterpret_cast<FaultFile*>(file);
    ff->real = reinterpret_cast<sqlite3_file*>(ff + 1);
    int rc = g_parent->xOpen(g_parent, name, ff->real, flags, out_flags);
    // The unix VFS's files are all of version 3 (WAL needs the shared-memory methods).
    file->pMethods = rc == SQLITE_OK && ff->real->pMethods != nullptr ? &kMethods : nullptr;
    return rc;
}
int xDelete(sqlite3_vfs*, const char* name, int sync_dir) {
    return g_parent->xDelete(g_parent, name, sync_dir);
}
int xAccess(sqlite3_vfs*, const char* name, int flags, int* out) {
    return g_parent->xAccess(g_parent, name, flags, out);
}
int xFullPathname(sqlite3_vfs*, const char* name, int n, char* out) {
    return g_parent->xFullPathname(g_parent, name, n, out);
}

}  // namespace

FaultSwitches& faults() {
    static FaultSwitches switches;
    return switches;
}

void installFaultVfs() {
    static std::once_flag once;
    std::call_once(once, [] {
        g_parent = sqlite3_vfs_find(nullptr);
        g_vfs = *g_parent;  // the remaining methods (time, randomness, sleep) are the parent's
        g_vfs.pNext = nullptr;
        g_vfs.zName = "yika-fault";
        g_vfs.szOsFile = static_cast<int>(sizeof(FaultFile)) + g_parent->szOsFile;
        g_vfs.xOpen = xOpen;
        g_vfs.xDelete = xDelete;
        g_vfs.xAccess = xAccess;
        g_vfs.xFullPathname = xFullPathname;
        sqlite3_vfs_register(&g_vfs, 1);
    });
}

}  // namespace yika::test
