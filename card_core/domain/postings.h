#pragma once

// Posting to the ledger through a StoreTx: idempotent by event key.

#include "card_core/domain/ledger.h"
#include "card_core/domain/store.h"

namespace yika {

// Writes `entry` unless an entry with its event key exists; returns the entry id either way.
Result<EntryId> post(StoreTx& tx, const JournalEntry& entry);

}  // namespace yika
