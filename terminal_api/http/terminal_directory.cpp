#include "terminal_api/http/terminal_directory.h"

#include "card_core/domain/assert.h"

#include <sodium.h>

namespace yika::http {

namespace {

void wipe(TerminalCredentials& credentials) {
    sodium_memzero(credentials.http_key.data(), credentials.http_key.size());
}

}  // namespace

TerminalDirectory::TerminalDirectory(std::unique_ptr<store::Database> reader,
                                     const TerminalKeySource& keys, const Clock& clock,
                                     std::int64_t cached_max, TimestampMs ttl_ms)
    : keys_(keys),
      clock_(clock),
      cached_max_(cached_max),
      ttl_ms_(ttl_ms),
      reader_db_(std::move(reader)),
      reader_(*reader_db_) {
    YIKA_ASSERT(cached_max > 0 && ttl_ms >= 0);
}

TerminalDirectory::~TerminalDirectory() {
    for (auto& [tid, entry] : cache_) wipe(entry.credentials);
}

std::optional<TerminalCredentials> TerminalDirectory::credentialsOf(const Terminal& t) const {
    auto key = keys_.httpKey(t);
    if (!key) return std::nullopt;
    TerminalCredentials c;
    c.id = t.id;
    c.tid = t.tid;
    c.merchant_id = t.merchant_id;
    c.active = t.state == TerminalState::Active;
    c.http_key = *key;
    sodium_memzero(key->data(), key->size());
    return c;
}

void TerminalDirectory::remember(const TerminalCredentials& credentials, TimestampMs now_ms) {
    std::unique_lock lock(cache_mutex_);
    auto it = cache_.find(credentials.tid);
    if (it != cache_.end()) {
        wipe(it->second.credentials);
        it->second = Entry{credentials, now_ms};
        return;
    }
    if (static_cast<std::int64_t>(cache_.size()) >= cached_max_) return;
    cache_.emplace(credentials.tid, Entry{credentials, now_ms});
}

std::int64_t TerminalDirectory::loadAll() {
    std::vector<Terminal> all;
    {
        std::lock_guard lock(reader_mutex_);
        all = reader_.terminals();
    }
    TimestampMs now_ms = clock_.nowMs();
    std::int64_t cached = 0;
    for (const Terminal& t : all) {
        if (cached >= cached_max_) break;
        auto credentials = credentialsOf(t);
        if (!credentials) continue;
        remember(*credentials, now_ms);
        wipe(*credentials);
        cached += 1;
    }
    return cached;
}

std::optional<TerminalCredentials> TerminalDirectory::find(std::string_view tid) {
    TimestampMs now_ms = clock_.nowMs();
    {
        std::shared_lock lock(cache_mutex_);
        auto it = cache_.find(std::string(tid));
        if (it != cache_.end() && now_ms - it->second.loaded_at_ms <= ttl_ms_) {
            return it->second.credentials;
        }
    }
    std::optional<Terminal> row;
    {
        std::lock_guard lock(reader_mutex_);
        row = reader_.terminalByTid(tid);
    }
    if (!row) {
        // Removed terminals are forgotten; unknown TIDs are not cached, so that a client sending
        // random TIDs cannot fill the cache (each costs one indexed read instead).
        std::unique_lock lock(cache_mutex_);
        auto it = cache_.find(std::string(tid));
        if (it != cache_.end()) {
            wipe(it->second.credentials);
            cache_.erase(it);
        }
        return std::nullopt;
    }
    auto credentials = credentialsOf(*row);
    if (credentials) remember(*credentials, now_ms);
    return credentials;
}

}  // namespace yika::http
