#include "card_core/domain/postings.h"

#include "card_core/domain/business_day.h"

namespace yika {

Result<EntryId> post(StoreTx& tx, const JournalEntry& entry) {
    YIKA_TRY(validateEntry(entry));
    if (auto existing = tx.entryByEventKey(entry.event_key)) return *existing;
    YIKA_TRY(checkPostable(tx, entry.business_date));  // issue 5: nothing posts into a closed day
    return tx.insertEntry(entry);
}

Result<EntryId> postNew(StoreTx& tx, const JournalEntry& entry) {
    YIKA_TRY(validateEntry(entry));
    YIKA_TRY(checkPostable(tx, entry.business_date));  // nothing posts into a closed day
    return tx.insertEntry(entry);
}

Result<CardTxn> insertTxnWithEntry(StoreTx& tx, CardTxn txn, std::vector<JournalLine> lines) {
    txn.state = TxnState::Approved;
    txn.id = tx.insertTxn(txn);
    JournalEntry entry;
    entry.event_key = txnEventKey(txn.id);
    entry.event_type = std::string(toString(txn.kind));
    entry.business_date = txn.business_date;
    entry.at_ms = txn.at_ms;
    entry.lines = std::move(lines);
    auto posted = postNew(tx, entry);
    if (!posted) return posted.error();
    txn.entry_id = *posted;
    tx.updateTxn(txn);
    return txn;
}

}  // namespace yika
