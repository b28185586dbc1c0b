#include "card_core/store/store_tx_runner.h"

namespace yika::store {

namespace {
constexpr std::int64_t kReaderMmapBytes = std::int64_t{1} << 30;
constexpr std::int64_t kReaderCacheKib = 64 * 1024;
}  // namespace

StoreTxRunner::StoreTxRunner(SqliteStore& store)
    : store_(store),
      reader_db_(store.openReader()),
      reader_(std::make_unique<SqliteStoreTx>(*reader_db_)) {
    // The close reads a whole day of journal lines (about 100 MB for 1,000,000 purchases):
    // mapped pages spare a copy per page read, a larger cache keeps the day's index and lines.
    reader_db_->exec("PRAGMA mmap_size=" + std::to_string(kReaderMmapBytes));
    reader_db_->exec("PRAGMA cache_size=-" + std::to_string(kReaderCacheKib));
}

Status StoreTxRunner::write(const std::function<Status(StoreTx&)>& work) {
    return store_.writer().runStatus([&work](StoreTx& tx) { return work(tx); });
}

Status StoreTxRunner::read(const std::function<Status(StoreTx&)>& work) {
    try {
        reader_db_->exec("BEGIN");
        // The caches are the writer's; a reader must see the writer's latest commits.
        reader_->resetCaches();
        Status status = work(*reader_);
        reader_db_->exec("COMMIT");
        return status;
    } catch (const StorageError& e) {
        try {
            reader_db_->exec("ROLLBACK");
        } catch (const StorageError&) {
            // No transaction was open (BEGIN itself failed); nothing to undo.
        }
        return makeError(e.code(), e.what());
    }
}

}  // namespace yika::store
