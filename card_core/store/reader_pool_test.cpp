// The read-connection pool's bound (issue 7, db.pool_max / db.pool_wait_ms), on both engines.

#include "card_core/store/reader_pool.h"

#include "card_core/testing/store_fixture.h"

#include <string>

namespace yika {
namespace {

class ReaderPoolTest : public test::StoreTest {
  protected:
    // A store of the test's engine with a pool of at most two connections and no waiting.
    std::unique_ptr<store::SqliteStore> boundedStore() {
        store::SqliteStoreOptions options = store_->options();
        options.pool_max = 2;
        options.pool_wait_ms = 0;
        return std::make_unique<store::SqliteStore>(options);
    }
};

TEST_F(ReaderPoolTest, AtMostPoolMaxConnectionsThenRefusalUntilOneIsReleased) {
    auto bounded = boundedStore();
    store::ReaderPool pool(*bounded);
    store::ReaderPool::Lease first = pool.acquire();
    EXPECT_EQ(first.tx().businessDate(), businessDate());
    {
        store::ReaderPool::Lease second = pool.acquire();
        // Both connections are leased: a third request is refused (HTTP 503), not queued forever.
        try {
            pool.acquire();
            ADD_FAILURE() << "a third connection was opened beyond db.pool_max = 2";
        } catch (const StorageError& e) {
            EXPECT_EQ(e.code(), ErrorCode::StorageUnavailable);
            EXPECT_NE(std::string(e.what()).find("all 2 database connections are busy"),
                      std::string::npos)
                << e.what();
        }
    }
    // The released connection serves the next request.
    store::ReaderPool::Lease third = pool.acquire();
    EXPECT_EQ(third.tx().businessDate(), businessDate());
}

}  // namespace
}  // namespace yika
