#include "card_core/domain/postings.h"

namespace yika {

Result<EntryId> post(StoreTx& tx, const JournalEntry& entry) {
    YIKA_TRY(validateEntry(entry));
    if (auto existing = tx.entryByEventKey(entry.event_key)) return *existing;
    return tx.insertEntry(entry);
}

}  // namespace yika
