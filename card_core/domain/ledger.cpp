#include "card_core/domain/ledger.h"

namespace yika {

AccountType accountType(AccountCode code) {
    auto c = static_cast<std::uint16_t>(code);
    if (c < 2000) return AccountType::Asset;
    if (c < 3000) return AccountType::Liability;
    if (c < 6400) return AccountType::Income;
    return AccountType::Expense;
}

std::string_view accountName(AccountCode code) {
    switch (code) {
        case AccountCode::ReserveFund:
            return "Reserve fund bank account (备付金)";
        case AccountCode::BuyerReceivable:
            return "Receivable from card buyers";
        case AccountCode::FeeReceivable:
            return "Fee receivable from merchants (外收)";
        case AccountCode::CardStoredValue:
            return "Card stored value (预付卡负债)";
        case AccountCode::MerchantPending:
            return "Merchant pending settlement (待清算)";
        case AccountCode::MerchantPayable:
            return "Merchant settlement payable (应付结算款)";
        case AccountCode::BuyerDeposits:
            return "Buyer deposits / unapplied receipts";
        case AccountCode::FeeIncome:
            return "Merchant fee income";
        case AccountCode::BreakageIncome:
            return "Breakage income";
        case AccountCode::SalesDiscount:
            return "Card sales discount";
    }
    return "?";
}

const std::vector<AccountCode>& chartOfAccounts() {
    static const std::vector<AccountCode> kChart = {
        AccountCode::ReserveFund,     AccountCode::BuyerReceivable, AccountCode::FeeReceivable,
        AccountCode::CardStoredValue, AccountCode::MerchantPending, AccountCode::MerchantPayable,
        AccountCode::BuyerDeposits,   AccountCode::FeeIncome,       AccountCode::BreakageIncome,
        AccountCode::SalesDiscount};
    return kChart;
}

bool isKnownAccount(std::uint16_t code) {
    for (AccountCode c : chartOfAccounts()) {
        if (static_cast<std::uint16_t>(c) == code) return true;
    }
    return false;
}

Status validateEntry(const JournalEntry& entry) {
    if (entry.event_key.empty() || entry.event_type.empty()) {
        return makeError(ErrorCode::InvalidArgument, "entry needs an event key and type");
    }
    if (entry.lines.size() < 2)
        return makeError(ErrorCode::InvalidArgument, "entry needs two lines");
    Currency currency = entry.lines.front().amount.currency();
    __int128 debits = 0;
    __int128 credits = 0;
    for (const JournalLine& line : entry.lines) {
        if (!line.amount.isPositive()) {
            return makeError(ErrorCode::InvalidAmount, "entry line amounts must be positive");
        }
        if (line.amount.currency() != currency) {
            return makeError(ErrorCode::CurrencyMismatch, "entry lines in two currencies");
        }
        if (!isKnownAccount(static_cast<std::uint16_t>(line.account.code))) {
            return makeError(ErrorCode::InvalidArgument, "unknown account");
        }
        (line.side == Side::Debit ? debits : credits) += line.amount.minor();
    }
    if (debits != credits) return makeError(ErrorCode::InvalidArgument, "entry does not balance");
    return Ok{};
}

EntryBuilder::EntryBuilder(std::string event_type, std::string event_key, Date business_date,
                           TimestampMs at_ms) {
    entry_.event_type = std::move(event_type);
    entry_.event_key = std::move(event_key);
    entry_.business_date = business_date;
    entry_.at_ms = at_ms;
}

EntryBuilder& EntryBuilder::debit(AccountRef account, Money amount) {
    YIKA_ASSERT(!amount.isNegative());
    entry_.lines.push_back({account, Side::Debit, amount});
    return *this;
}

EntryBuilder& EntryBuilder::credit(AccountRef account, Money amount) {
    YIKA_ASSERT(!amount.isNegative());
    entry_.lines.push_back({account, Side::Credit, amount});
    return *this;
}

EntryBuilder& EntryBuilder::memo(std::string text) {
    entry_.memo = std::move(text);
    return *this;
}

Result<JournalEntry> EntryBuilder::build() {
    std::erase_if(entry_.lines, [](const JournalLine& l) { return l.amount.isZero(); });
    YIKA_TRY(validateEntry(entry_));
    return std::move(entry_);
}

std::vector<JournalLine> reversedLines(const std::vector<JournalLine>& original) {
    std::vector<JournalLine> out = original;
    for (JournalLine& line : out) line.side = line.side == Side::Debit ? Side::Credit : Side::Debit;
    return out;
}

}  // namespace yika
