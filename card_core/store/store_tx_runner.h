#pragma once

// TxRunner (card_core/domain/day_close.h) over a SqliteStore (issue 5): writes go through the
// single writer's commit queue, reads run in one read transaction (a snapshot) on this
// runner's own read-only connection. One runner per thread.

#include "card_core/domain/day_close.h"
#include "card_core/store/sqlite_store.h"
#include "card_core/store/sqlite_store_tx.h"

#include <memory>

namespace yika::store {

class StoreTxRunner final : public TxRunner {
  public:
    explicit StoreTxRunner(SqliteStore& store);
    Status write(const std::function<Status(StoreTx&)>& work) override;
    // StorageUnavailable when the database fails; the snapshot ends before it returns.
    Status read(const std::function<Status(StoreTx&)>& work) override;

  private:
    SqliteStore& store_;
    std::unique_ptr<Database> reader_db_;
    std::unique_ptr<SqliteStoreTx> reader_;
};

}  // namespace yika::store
