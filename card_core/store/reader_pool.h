#pragma once

// Read-only connections, one per request in progress, reused: the portal's and the admin API's
// request threads read beside the single writer (WAL). Thread-safe.
// At most `db.pool_max` connections are open (issue 7: a PostgreSQL server has a connection
// limit shared by every node); a request that finds them all busy waits up to `db.pool_wait_ms`
// for one, then fails with StorageUnavailable (HTTP 503).

#include "card_core/store/sqlite_store.h"
#include "card_core/store/sqlite_store_tx.h"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

namespace yika::store {

class ReaderPool {
  public:
    explicit ReaderPool(SqliteStore& store) : store_(store) {}

    struct Reader {
        std::unique_ptr<Database> db;
        std::unique_ptr<SqliteStoreTx> tx;
    };
    class Lease {
      public:
        Lease(ReaderPool& pool, std::unique_ptr<Reader> reader)
            : pool_(pool), reader_(std::move(reader)) {}
        ~Lease() { pool_.release(std::move(reader_)); }
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        StoreTx& tx() { return *reader_->tx; }
        Database& db() { return *reader_->db; }

      private:
        ReaderPool& pool_;
        std::unique_ptr<Reader> reader_;
    };
    // A reader whose row caches are fresh. Throws StorageError if a connection cannot open.
    Lease acquire();

  private:
    void release(std::unique_ptr<Reader> reader);
    SqliteStore& store_;
    std::mutex mutex_;
    std::condition_variable released_;
    std::size_t open_ = 0;  // connections opened (leased or free)
    std::vector<std::unique_ptr<Reader>> free_;
};

}  // namespace yika::store
