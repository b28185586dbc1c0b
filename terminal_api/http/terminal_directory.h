#pragma once

// The terminals the HTTP API serves, cached with their HTTP keys. Loaded at start from a
// read-only connection and refreshed from it on a miss or when an entry is older than the TTL,
// so a new terminal works at once and a disabled one stops within the TTL; no read goes through
// the single writer.
//
// Keys live in ordinary memory (std::array), wiped when an entry is replaced or the directory is
// destroyed. Ten thousand terminals in SecureBuffers would cost ten thousand guard-paged
// mappings (see crypto/terminal_keys.h); one locked arena, as terminal_api/pos does, is the
// better home once this cache and the POS registry share one.
//
// Thread-safe: lookups take a shared lock; loads serialise on the reader connection's mutex.

#include "card_core/domain/time.h"
#include "card_core/store/sqlite_db.h"
#include "card_core/store/sqlite_store_tx.h"
#include "terminal_api/http/service_context.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace yika::http {

class TerminalDirectory {
  public:
    // Takes a read-only connection (SqliteStore::openReader()). `keys` and `clock` must outlive
    // the directory. At most `cached_max` terminals are cached; beyond that, lookups of the
    // others read the database every time.
    TerminalDirectory(std::unique_ptr<store::Database> reader, const TerminalKeySource& keys,
                      const Clock& clock, std::int64_t cached_max, TimestampMs ttl_ms);
    ~TerminalDirectory();
    TerminalDirectory(const TerminalDirectory&) = delete;
    TerminalDirectory& operator=(const TerminalDirectory&) = delete;

    // Loads every terminal (up to cached_max). Returns how many were cached. Throws
    // StorageError.
    std::int64_t loadAll();

    // The terminal `tid`, from the cache when fresh, else from the database. Empty if unknown
    // or its key does not unwrap. Throws StorageError.
    std::optional<TerminalCredentials> find(std::string_view tid);

  private:
    struct Entry {
        TerminalCredentials credentials;
        TimestampMs loaded_at_ms = 0;
    };
    std::optional<TerminalCredentials> credentialsOf(const Terminal& terminal) const;
    void remember(const TerminalCredentials& credentials, TimestampMs now_ms);

    const TerminalKeySource& keys_;
    const Clock& clock_;
    const std::int64_t cached_max_;
    const TimestampMs ttl_ms_;

    std::mutex reader_mutex_;
    std::unique_ptr<store::Database> reader_db_;  // GUARDED_BY(reader_mutex_)
    store::SqliteStoreTx reader_;                 // GUARDED_BY(reader_mutex_)

    mutable std::shared_mutex cache_mutex_;
    std::unordered_map<std::string, Entry> cache_;  // GUARDED_BY(cache_mutex_)
};

}  // namespace yika::http
