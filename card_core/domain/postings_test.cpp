// Posting by event key through the SQLite store (yika_store_test).

#include "card_core/domain/postings.h"

#include "card_core/testing/store_fixture.h"

#include <gtest/gtest.h>

namespace yika {
namespace {

using test::yuan;

class Postings : public test::StoreTest {};

TEST_F(Postings, PostingTheSameEventKeyTwiceYieldsOneEntry) {
    ProductId product = addProduct(anonymousProduct("ANON"));
    ASSERT_EQ(produceAndReceive(product, 2).ids.size(), 2u);
    std::vector<CardId> cards = sell(product, 2, yuan(100), test::anonymousBuyer());
    ASSERT_EQ(cards.size(), 2u);
    OrderId sold = *card(cards[0]).order_id;
    const std::string key = orderEventKey(sold);
    const std::int64_t entries = queryInt("SELECT COUNT(*) FROM journal_entry");
    const std::int64_t lines = queryInt("SELECT COUNT(*) FROM journal_line");
    const EntryId original =
        queryInt("SELECT id FROM journal_entry WHERE event_key = '" + key + "'");

    // The same business event again, even with other lines: the first entry stands.
    auto again = run<EntryId>([&](StoreTx& tx) -> Result<EntryId> {
        auto entry = EntryBuilder("sale", key, tx.businessDate(), tick())
                         .debit(account(AccountCode::ReserveFund), yuan(1))
                         .credit(cardAccount(cards[0]), yuan(1))
                         .build();
        if (!entry) return entry.error();
        return post(tx, *entry);
    });
    ASSERT_OK(again);
    EXPECT_EQ(*again, original);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM journal_entry"), entries);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM journal_line"), lines);
    expectLedgerInvariants();
}

TEST_F(Postings, TwoPostsOfANewEventInOneTransactionWriteOneEntry) {
    const std::int64_t entries_before = queryInt("SELECT COUNT(*) FROM journal_entry");
    std::optional<EntryId> first;
    std::optional<EntryId> second;
    std::optional<EntryId> found;
    // Rolled back at the end (the event is made up), after looking at what the posts did.
    Status s = runStatus([&](StoreTx& tx) -> Status {
        auto entry = EntryBuilder("purchase", "txn:424242", tx.businessDate(), tick())
                         .debit(cardAccount(1), yuan(5))
                         .credit(merchantPending(1), yuan(5))
                         .build();
        if (!entry) return entry.error();
        auto a = post(tx, *entry);
        auto b = post(tx, *entry);
        if (!a || !b) return makeError(ErrorCode::InvalidArgument, "post failed");
        first = *a;
        second = *b;
        found = tx.entryByEventKey("txn:424242");
        return makeError(ErrorCode::InvalidArgument, "roll back the made-up event");
    });
    EXPECT_ERROR(s, ErrorCode::InvalidArgument);
    ASSERT_TRUE(first && second && found);
    EXPECT_EQ(*first, *second);
    EXPECT_EQ(*found, *first);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM journal_entry"), entries_before);
    expectLedgerInvariants();
}

TEST_F(Postings, InvalidEntriesAreNotPosted) {
    Status s = runStatus([&](StoreTx& tx) -> Status {
        JournalEntry e;
        e.event_key = "txn:1";
        e.event_type = "purchase";
        e.business_date = tx.businessDate();
        e.lines = {{cardAccount(1), Side::Debit, yuan(5)},
                   {merchantPending(1), Side::Credit, yuan(4)}};
        auto posted = post(tx, e);
        if (!posted) return posted.error();
        return Ok{};
    });
    EXPECT_ERROR(s, ErrorCode::InvalidArgument);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM journal_entry"), 0);
    expectLedgerInvariants();
}

}  // namespace
}  // namespace yika
