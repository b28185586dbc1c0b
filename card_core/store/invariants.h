#pragma once

// The ledger invariants of design section 7, checked against the database by SQL. Used by
// `yikad verify` and at the end of every test that moves money.
//
//   V1  every journal entry has at least two lines and its debits equal its credits
//   V2  every line is one-sided with a positive amount, on a known account, of a known entry
//   V3  total debits = total credits
//   V4  each card's balance = its 2201 sub-account; no 2201 sub-account without a card
//   V5  0 <= held <= balance <= product cap for every card
//   V6  cards that hold no value (PRODUCED, IN_STOCK, CLOSED, DESTROYED) have balance 0
//   V7  the sum of card balances = the 2201 control total
//   V8  every approved transaction has exactly its one entry; declined ones have none
//   V9  every entry has its business event (an approved transaction, a paid order, an
//       executed manual-adjustment request, a clearing record or a paid payout)
//   V10 every paid sales order has its entry

#include "card_core/store/sqlite_db.h"

#include <string>
#include <vector>

namespace yika::store {

struct Violation {
    std::string invariant;  // "V4"
    std::string detail;     // names the row; never a card number or secret
};

struct InvariantReport {
    std::vector<Violation> violations;
    bool ok() const { return violations.empty(); }
    std::string summary() const;  // one line per violation
};

// Runs every check; at most `per_check_max` violations are listed per invariant.
InvariantReport checkInvariants(Database& db, int per_check_max = 20);

}  // namespace yika::store
