// store_crash_writer: writes to a SqliteStore in a loop until it is killed, printing
// "ack <kind> <key> ... syncs=<n>" and flushing only after each call returned success. The store
// test kills it at random points and checks that every acknowledged write survived.
//
//   store_crash_writer <db path> <prefix>
//
// Keys start with <prefix> so that several runs can continue on one file. The sequence of writes
// is deterministic (see crashmodel.h, which the test uses to check the result).
//
// A SIGKILL leaves the kernel's page cache intact, so a kill alone cannot tell a commit that was
// fsynced from one that was only written. The writer therefore runs SQLite through a pass-through
// VFS that counts fsyncs of the WAL file and reports the count with every ack: with
// synchronous=FULL every commit syncs the WAL before returning, so the count grows with every ack;
// with NORMAL or OFF it does not, and the test fails.

#include "core/store/sqlitestore.h"
#include "crashmodel.h"

#include <sqlite3.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

using namespace sy::store;

std::atomic<long> g_walSyncs{0};
sqlite3_vfs* g_realVfs = nullptr;

// ---- pass-through VFS counting WAL fsyncs ----

struct CountingFile {
    sqlite3_file base;
    sqlite3_file* real;
    bool wal;
};

sqlite3_file* real(sqlite3_file* f) {
    return reinterpret_cast<CountingFile*>(f)->real;
}

int xClose(sqlite3_file* f) {
    return real(f)->pMethods->xClose(real(f));
}
int xRead(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
    return real(f)->pMethods->xRead(real(f), buf, n, off);
}
int xWrite(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
    return real(f)->pMethods->xWrite(real(f), buf, n, off);
}
int xTruncate(sqlite3_file* f, sqlite3_int64 size) {
    return real(f)->pMethods->xTruncate(real(f), size);
}
int xSync(sqlite3_file* f, int flags) {
    const int rc = real(f)->pMethods->xSync(real(f), flags);
    if (rc == SQLITE_OK && reinterpret_cast<CountingFile*>(f)->wal) {
        ++g_walSyncs;
    }
    return rc;
}
int xFileSize(sqlite3_file* f, sqlite3_int64* size) {
    return real(f)->pMethods->xFileSize(real(f), size);
}
int xLock(sqlite3_file* f, int level) {
    return real(f)->pMethods->xLock(real(f), level);
}
int xUnlock(sqlite3_file* f, int level) {
    return real(f)->pMethods->xUnlock(real(f), level);
}
int xCheckReservedLock(sqlite3_file* f, int* out) {
    return real(f)->pMethods->xCheckReservedLock(real(f), out);
}
int xFileControl(sqlite3_file* f, int op, void* arg) {
    return real(f)->pMethods->xFileControl(real(f), op, arg);
}
int xSectorSize(sqlite3_file* f) {
    return real(f)->pMethods->xSectorSize(real(f));
}
int xDeviceCharacteristics(sqlite3_file* f) {
    return real(f)->pMethods->xDeviceCharacteristics(real(f));
}
int xShmMap(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
    return real(f)->pMethods->xShmMap(real(f), page, size, extend, out);
}
int xShmLock(sqlite3_file* f, int offset, int n, int flags) {
    return real(f)->pMethods->xShmLock(real(f), offset, n, flags);
}
void xShmBarrier(sqlite3_file* f) {
    real(f)->pMethods->xShmBarrier(real(f));
}
int xShmUnmap(sqlite3_file* f, int deleteFlag) {
    return real(f)->pMethods->xShmUnmap(real(f), deleteFlag);
}

// Version 2: the shared-memory methods WAL needs; no memory-mapped I/O (mmap_size is 0 anyway).
const sqlite3_io_methods kCountingMethods = {2,
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
                                             nullptr,
                                             nullptr};

int xOpen(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* outFlags) {
    auto* file = reinterpret_cast<CountingFile*>(f);
    file->real = reinterpret_cast<sqlite3_file*>(file + 1);
    file->wal = (flags & SQLITE_OPEN_WAL) != 0;
    std::memset(file->real, 0, static_cast<std::size_t>(g_realVfs->szOsFile));
    const int rc = g_realVfs->xOpen(g_realVfs, name, file->real, flags, outFlags);
    // SQLite calls xClose whenever pMethods is set, even after a failed open.
    file->base.pMethods = file->real->pMethods != nullptr ? &kCountingMethods : nullptr;
    return rc;
}

void installCountingVfs() {
    static sqlite3_vfs vfs;
    g_realVfs = sqlite3_vfs_find(nullptr);
    // Every other method of the real VFS works unchanged on a copy of its struct.
    vfs = *g_realVfs;
    vfs.zName = "sy-counting";
    vfs.szOsFile = static_cast<int>(sizeof(CountingFile)) + g_realVfs->szOsFile;
    vfs.xOpen = xOpen;
    sqlite3_vfs_register(&vfs, /*makeDefault=*/1);
}

// ---- the write loop ----

void ack(const std::string& line) {
    std::printf("ack %s syncs=%ld\n", line.c_str(), g_walSyncs.load());
    std::fflush(stdout);
}

[[noreturn]] void die(const std::string& doing, const sy::Error& e) {
    std::fprintf(stderr, "store_crash_writer: %s: %s: %s\n", doing.c_str(), e.code.c_str(),
                 e.message.c_str());
    std::exit(2);
}

template <class T>
T check(sy::Result<T> r, const std::string& doing) {
    if (!r) {
        die(doing, r.error());
    }
    return std::move(r).value();
}

void check(const sy::Result<void>& r, const std::string& doing) {
    if (!r) {
        die(doing, r.error());
    }
}

void writeIteration(SqliteStore& store, const crash::Names& n, int i) {
    const auto group = n.group(i);
    auto put = check(store.putNodeGroup(group, crash::groupDoc(n.prefix, i)), "put " + group);
    ack("group " + group + " " + std::to_string(i) + " " + std::to_string(put.version));

    const auto guid = n.provision(i);
    auto prov = check(store.createProvision(group, guid, crash::provisionDoc(i)), "prov " + guid);
    ack("provision " + group + " " + guid + " " + std::to_string(prov.version));

    const auto token = n.token(i);
    check(store.beginIntent(crash::intentRequest(n, i)), "begin " + token);
    ack("begin " + token);
    const auto state = crash::completionState(i);
    check(store.completeIntent(token, state, crash::completionDetail(i)), "complete " + token);
    ack("complete " + token + " " + std::string(toString(state)));

    if (crash::isBatchIteration(i)) {
        check(store.transact([&](Tx& tx) { return crash::writeBatch(tx, n, i); }), "batch");
        ack("batch " + n.batchGroup(i));
        if (const int old = crash::batchDeletedAt(i); old >= 0) {
            check(store.deleteNodeGroup(n.batchGroup(old)), "delete " + n.batchGroup(old));
            ack("delete " + n.batchGroup(old));
        }
    }
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: store_crash_writer <db path> <prefix>\n");
        return 1;
    }
    installCountingVfs();
    auto store = SqliteStore::open(argv[1]);
    if (!store) {
        die("open", store.error());
    }
    const crash::Names names{argv[2]};
    std::printf("ready\n");
    std::fflush(stdout);
    // Bounded so that a writer orphaned by a crashed test does not run forever.
    for (int i = 0; i < crash::kMaxIterations; ++i) {
        writeIteration(**store, names, i);
    }
    return 0;
}
