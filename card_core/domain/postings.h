#pragma once

// Posting to the ledger through a StoreTx: idempotent by event key.

#include "card_core/domain/ledger.h"
#include "card_core/domain/store.h"
#include "card_core/domain/txn.h"

namespace yika {

// Writes `entry` unless an entry with its event key exists; returns the entry id either way.
Result<EntryId> post(StoreTx& tx, const JournalEntry& entry);
// Writes `entry` whose event key cannot exist yet ("txn:<id>" of a transaction inserted in this
// same StoreTx), without looking for it first: one query less on every purchase. The unique
// index on the event key still refuses a duplicate (StorageError, the operation rolls back).
Result<EntryId> postNew(StoreTx& tx, const JournalEntry& entry);

// Records `txn` as approved, posts `lines` as its entry (event key "txn:<id>", event type its
// kind, its business date and time) and links the two. Returns the stored transaction.
Result<CardTxn> insertTxnWithEntry(StoreTx& tx, CardTxn txn, std::vector<JournalLine> lines);

inline JournalLine debitLine(AccountRef account, Money amount) {
    return {account, Side::Debit, amount};
}
inline JournalLine creditLine(AccountRef account, Money amount) {
    return {account, Side::Credit, amount};
}

}  // namespace yika
