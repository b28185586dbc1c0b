#pragma once

// The double-entry ledger of design section 7.
//
// A JournalEntry is two or more lines whose debits equal their credits, written once and never
// changed (the store refuses UPDATE and DELETE); a mistake is corrected by a new reversing
// entry. Every entry names the business event that caused it by a unique event key
// ("order:12", "txn:345"), so posting the same event twice yields one entry.
//
// Sub-accounts: 2201 has one per card (sub = card id), 2202 and 2203 one per merchant
// (sub = merchant id); other accounts use sub 0. Card balance = credits - debits of 2201/card.

#include "card_core/domain/money.h"
#include "card_core/domain/result.h"
#include "card_core/domain/time.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace yika {

enum class AccountCode : std::uint16_t {
    ReserveFund = 1001,      // 备付金 bank account (asset)
    BuyerReceivable = 1122,  // receivable from card buyers (asset)
    FeeReceivable = 1131,    // fee receivable from merchants, 外收 (asset)
    CardStoredValue = 2201,  // 预付卡负债, per card (liability)
    MerchantPending = 2202,  // 待清算, per merchant (liability)
    MerchantPayable = 2203,  // 应付结算款, per merchant (liability)
    BuyerDeposits = 2204,    // unapplied receipts (liability)
    FeeIncome = 6001,        // merchant fee income (income)
    BreakageIncome = 6002,   // expired balances recognised (income)
    SalesDiscount = 6401,    // card sales discount (expense)
};

enum class AccountType : std::uint8_t { Asset, Liability, Income, Expense };

AccountType accountType(AccountCode code);
std::string_view accountName(AccountCode code);
bool isKnownAccount(std::uint16_t code);
// Every account of the chart, in code order.
const std::vector<AccountCode>& chartOfAccounts();

struct AccountRef {
    AccountCode code;
    std::int64_t sub = 0;  // card id, merchant id, or 0
    friend bool operator==(const AccountRef&, const AccountRef&) = default;
};

enum class Side : std::uint8_t { Debit, Credit };

struct JournalLine {
    AccountRef account;
    Side side;
    Money amount;  // positive
};

using EntryId = std::int64_t;

struct JournalEntry {
    EntryId id = 0;          // assigned by the store
    std::string event_key;   // unique business event, e.g. "txn:345"
    std::string event_type;  // "sale", "purchase", ...
    Date business_date;
    TimestampMs at_ms = 0;
    std::string memo;
    std::vector<JournalLine> lines;
};

// Balanced, at least two lines, every amount positive and in one currency, known accounts.
Status validateEntry(const JournalEntry& entry);

// Builds entries; each returns the lines of one posting of design section 7's table.
class EntryBuilder {
  public:
    EntryBuilder(std::string event_type, std::string event_key, Date business_date,
                 TimestampMs at_ms);
    EntryBuilder& debit(AccountRef account, Money amount);
    EntryBuilder& credit(AccountRef account, Money amount);
    EntryBuilder& memo(std::string text);
    // Drops zero-amount lines (a sale without discount has no 6401 line) and validates.
    Result<JournalEntry> build();  // moves the entry out: call once

  private:
    JournalEntry entry_;
};

inline AccountRef cardAccount(std::int64_t card_id) {
    return {AccountCode::CardStoredValue, card_id};
}
inline AccountRef merchantPending(std::int64_t merchant_id) {
    return {AccountCode::MerchantPending, merchant_id};
}
inline AccountRef merchantPayable(std::int64_t merchant_id) {
    return {AccountCode::MerchantPayable, merchant_id};
}
inline AccountRef account(AccountCode code) { return {code, 0}; }

// The lines of `original` with sides swapped: a reversing entry.
std::vector<JournalLine> reversedLines(const std::vector<JournalLine>& original);

}  // namespace yika
