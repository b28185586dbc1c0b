#include "card_core/domain/ledger.h"

#include "card_core/testing/assertions.h"

#include <gtest/gtest.h>

#include <limits>
#include <set>

namespace yika {
namespace {

Money cny(std::int64_t minor) { return Money::fromMinor(minor, Currency::Cny); }
const Date kDay = *Date::fromYmd(2026, 3, 2);

JournalEntry entryOf(std::vector<JournalLine> lines) {
    JournalEntry e;
    e.event_key = "txn:1";
    e.event_type = "purchase";
    e.business_date = kDay;
    e.lines = std::move(lines);
    return e;
}

TEST(LedgerEntry, BalancedTwoLineEntryIsValid) {
    EXPECT_OK(validateEntry(entryOf({{cardAccount(5), Side::Debit, cny(1250)},
                                     {merchantPending(2), Side::Credit, cny(1250)}})));
}

TEST(LedgerEntry, UnbalancedRefused) {
    EXPECT_ERROR(validateEntry(entryOf({{cardAccount(5), Side::Debit, cny(1250)},
                                        {merchantPending(2), Side::Credit, cny(1249)}})),
                 ErrorCode::InvalidArgument);
    // Balanced in absolute terms but both on one side.
    EXPECT_ERROR(validateEntry(entryOf({{cardAccount(5), Side::Debit, cny(100)},
                                        {merchantPending(2), Side::Debit, cny(100)}})),
                 ErrorCode::InvalidArgument);
}

TEST(LedgerEntry, OneLineRefused) {
    EXPECT_ERROR(validateEntry(entryOf({{cardAccount(5), Side::Debit, cny(1250)}})),
                 ErrorCode::InvalidArgument);
    EXPECT_ERROR(validateEntry(entryOf({})), ErrorCode::InvalidArgument);
}

TEST(LedgerEntry, ZeroOrNegativeAmountRefused) {
    EXPECT_ERROR(validateEntry(entryOf({{cardAccount(5), Side::Debit, cny(0)},
                                        {merchantPending(2), Side::Credit, cny(0)}})),
                 ErrorCode::InvalidAmount);
    // -100 debit and -100 credit balance, but negative amounts are never allowed.
    EXPECT_ERROR(validateEntry(entryOf({{cardAccount(5), Side::Debit, cny(-100)},
                                        {merchantPending(2), Side::Credit, cny(-100)}})),
                 ErrorCode::InvalidAmount);
}

TEST(LedgerEntry, MixedCurrencyRefused) {
    EXPECT_ERROR(validateEntry(entryOf(
                     {{cardAccount(5), Side::Debit, cny(100)},
                      {merchantPending(2), Side::Credit, Money::fromMinor(100, Currency::Usd)}})),
                 ErrorCode::CurrencyMismatch);
}

TEST(LedgerEntry, UnknownAccountRefused) {
    EXPECT_ERROR(
        validateEntry(entryOf({{cardAccount(5), Side::Debit, cny(100)},
                               {{static_cast<AccountCode>(9999), 0}, Side::Credit, cny(100)}})),
        ErrorCode::InvalidArgument);
}

TEST(LedgerEntry, EventKeyAndTypeRequired) {
    JournalEntry e = entryOf(
        {{cardAccount(5), Side::Debit, cny(100)}, {merchantPending(2), Side::Credit, cny(100)}});
    e.event_key.clear();
    EXPECT_ERROR(validateEntry(e), ErrorCode::InvalidArgument);
    e.event_key = "txn:1";
    e.event_type.clear();
    EXPECT_ERROR(validateEntry(e), ErrorCode::InvalidArgument);
}

TEST(LedgerEntry, BalanceIsCheckedWithoutOverflow) {
    // Two debits of int64 max would wrap a 64-bit sum; they must not balance one credit line.
    const std::int64_t max = std::numeric_limits<std::int64_t>::max();
    EXPECT_ERROR(validateEntry(entryOf({{cardAccount(5), Side::Debit, cny(max)},
                                        {cardAccount(6), Side::Debit, cny(max)},
                                        {merchantPending(2), Side::Credit, cny(max)},
                                        {merchantPending(3), Side::Credit, cny(max - 1)}})),
                 ErrorCode::InvalidArgument);
}

TEST(EntryBuilder, BuildsTheSalePostingAndDropsZeroLines) {
    // Sale of two cards of 500.00 paid in full: no discount line.
    auto entry = EntryBuilder("sale", "order:9", kDay, 77)
                     .debit(account(AccountCode::ReserveFund), cny(100000))
                     .debit(account(AccountCode::SalesDiscount), cny(0))
                     .credit(cardAccount(11), cny(50000))
                     .credit(cardAccount(12), cny(50000))
                     .memo("sales order 9")
                     .build();
    ASSERT_OK(entry);
    EXPECT_EQ(entry->event_key, "order:9");
    EXPECT_EQ(entry->event_type, "sale");
    EXPECT_EQ(entry->business_date, kDay);
    EXPECT_EQ(entry->at_ms, 77);
    EXPECT_EQ(entry->memo, "sales order 9");
    ASSERT_EQ(entry->lines.size(), 3u);
    for (const JournalLine& line : entry->lines) {
        EXPECT_FALSE(line.account.code == AccountCode::SalesDiscount);
    }
}

TEST(EntryBuilder, RefusesUnbalancedEntries) {
    EXPECT_ERROR(EntryBuilder("purchase", "txn:3", kDay, 0)
                     .debit(cardAccount(1), cny(100))
                     .credit(merchantPending(1), cny(99))
                     .build(),
                 ErrorCode::InvalidArgument);
}

TEST(EntryBuilder, RefusesAnEntryLeftWithOneLineAfterDroppingZeros) {
    EXPECT_ERROR(EntryBuilder("purchase", "txn:3", kDay, 0)
                     .debit(cardAccount(1), cny(0))
                     .credit(merchantPending(1), cny(0))
                     .build(),
                 ErrorCode::InvalidArgument);
}

TEST(EntryBuilder, RefusesMixedCurrencies) {
    EXPECT_ERROR(EntryBuilder("purchase", "txn:3", kDay, 0)
                     .debit(cardAccount(1), cny(100))
                     .credit(merchantPending(1), Money::fromMinor(100, Currency::Usd))
                     .build(),
                 ErrorCode::CurrencyMismatch);
}

TEST(LedgerEntry, ReversedLinesSwapSidesOnly) {
    std::vector<JournalLine> original = {{cardAccount(5), Side::Debit, cny(1250)},
                                         {merchantPending(2), Side::Credit, cny(1250)}};
    auto reversed = reversedLines(original);
    ASSERT_EQ(reversed.size(), 2u);
    EXPECT_EQ(reversed[0].side, Side::Credit);
    EXPECT_EQ(reversed[1].side, Side::Debit);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(reversed[i].account, original[i].account);
        EXPECT_EQ(reversed[i].amount, original[i].amount);
    }
    EXPECT_OK(validateEntry(entryOf(reversed)));
}

TEST(ChartOfAccounts, TypesFollowTheCodeRanges) {
    EXPECT_EQ(accountType(AccountCode::ReserveFund), AccountType::Asset);
    EXPECT_EQ(accountType(AccountCode::BuyerReceivable), AccountType::Asset);
    EXPECT_EQ(accountType(AccountCode::FeeReceivable), AccountType::Asset);
    EXPECT_EQ(accountType(AccountCode::CardStoredValue), AccountType::Liability);
    EXPECT_EQ(accountType(AccountCode::MerchantPending), AccountType::Liability);
    EXPECT_EQ(accountType(AccountCode::MerchantPayable), AccountType::Liability);
    EXPECT_EQ(accountType(AccountCode::BuyerDeposits), AccountType::Liability);
    EXPECT_EQ(accountType(AccountCode::FeeIncome), AccountType::Income);
    EXPECT_EQ(accountType(AccountCode::BreakageIncome), AccountType::Income);
    EXPECT_EQ(accountType(AccountCode::SalesDiscount), AccountType::Expense);
}

TEST(ChartOfAccounts, HoldsTheTenAccountsOfTheDesign) {
    const std::set<std::uint16_t> design = {1001, 1122, 1131, 2201, 2202,
                                            2203, 2204, 6001, 6002, 6401};
    std::set<std::uint16_t> chart;
    for (AccountCode code : chartOfAccounts()) {
        chart.insert(static_cast<std::uint16_t>(code));
        EXPECT_FALSE(accountName(code).empty());
        EXPECT_NE(accountName(code), "?");
    }
    EXPECT_EQ(chart, design);
    for (std::uint16_t code : design) EXPECT_TRUE(isKnownAccount(code));
    for (std::uint16_t code : std::initializer_list<std::uint16_t>{0, 1000, 2200, 6400, 9999})
        EXPECT_FALSE(isKnownAccount(code));
}

}  // namespace
}  // namespace yika
