// Production batches through the real services and the SQLite store (yika_store_test).

#include "card_core/domain/issuance.h"

#include "card_core/domain/card_number.h"
#include "card_core/testing/store_fixture.h"

#include <gtest/gtest.h>

#include <set>

namespace yika {
namespace {

using test::ProducedCards;

// "YYMM" of a date, from its ISO form.
std::string yymm(Date d) {
    std::string iso = d.toIso();
    return iso.substr(2, 2) + iso.substr(5, 2);
}

class Issuance : public test::StoreTest {
  protected:
    // A generated card as stored, against its manufacturer record.
    void expectProducedCard(const CardProduct& product, const ProductionBatch& b,
                            const test::ManufacturerRecord& r) {
        Card c = card(r.serial);
        EXPECT_EQ(c.state, CardState::Produced);
        EXPECT_EQ(c.product_id, product.id);
        EXPECT_EQ(c.batch_id, b.id);
        EXPECT_TRUE(c.balance.isZero());  // production creates no liability
        EXPECT_TRUE(c.held.isZero());
        EXPECT_FALSE(c.order_id);
        // The number: the product's BIN and length, Luhn-valid, stored only encrypted.
        EXPECT_OK(validatePanForProduct(r.pan, product.bin, product.pan_length));
        EXPECT_EQ(vault_.decrypt(c.pan_encrypted), r.pan);
        EXPECT_EQ(c.pan_lookup, vault_.lookupHash(r.pan));
        EXPECT_EQ(c.pan_masked, maskPan(r.pan));
        // The PIN: 6 digits that verify against the stored PVV, and nothing else does.
        ASSERT_EQ(r.pin.size(), 6u);
        EXPECT_TRUE(isAllDigits(r.pin)) << r.pin;
        EXPECT_TRUE(pins_.verifyPin(c.id, r.pin, c.pvv));
        std::string wrong = r.pin;
        wrong[5] = wrong[5] == '9' ? '0' : static_cast<char>(wrong[5] + 1);
        EXPECT_FALSE(pins_.verifyPin(c.id, wrong, c.pvv));
        EXPECT_FALSE(pins_.verifyPin(c.id + 1, r.pin, c.pvv));
        // Track 2 and the printed expiry.
        EXPECT_EQ(r.expiry_yymm, yymm(b.card_expiry));
        EXPECT_EQ(r.track2, r.pan + "=" + yymm(b.card_expiry) + "50100000");
    }
};

TEST_F(Issuance, ProductionBatchEndToEnd) {
    CardProduct product = namedProduct("GIFT500");
    product.id = addProduct(product);
    constexpr std::int64_t kCards = 40;
    ProducedCards produced = produceBatch(product.id, kCards);
    ASSERT_EQ(produced.ids.size(), static_cast<std::size_t>(kCards));

    ProductionBatch b = batch(produced.batch);
    EXPECT_EQ(b.state, BatchState::Exported);
    EXPECT_EQ(b.requested_by, "op.maker");
    EXPECT_EQ(b.approved_by, "op.checker");
    EXPECT_EQ(b.quantity, kCards);
    EXPECT_EQ(b.last_card_id - b.first_card_id + 1, kCards);
    // The plastic carries the date: production + validity (10 years for named cards) + shelf life.
    EXPECT_EQ(b.card_expiry, businessDate().plusMonths(120 + policies_.card_shelf_months));

    std::set<std::string> numbers;
    for (std::size_t i = 0; i < produced.ids.size(); ++i) {
        CardId id = produced.ids[i];
        EXPECT_EQ(id, b.first_card_id + static_cast<CardId>(i));  // consecutive serials
        expectProducedCard(product, b, produced.records[id]);
        numbers.insert(produced.records[id].pan);
    }
    EXPECT_EQ(numbers.size(), static_cast<std::size_t>(kCards));  // unique numbers
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM journal_entry"), 0);

    // Receiving moves every card into stock at the batch location, still without value.
    TimestampMs at = tick();
    auto received = run<std::int64_t>(
        [&](StoreTx& tx) { return receiveBatch(tx, produced.batch, operator_, at); });
    ASSERT_OK(received);
    EXPECT_EQ(*received, kCards);
    EXPECT_EQ(batch(produced.batch).state, BatchState::Received);
    for (CardId id : produced.ids) {
        Card c = card(id);
        EXPECT_EQ(c.state, CardState::InStock);
        EXPECT_EQ(c.location, kLocation);
        EXPECT_TRUE(c.balance.isZero());
        std::vector<CardEvent> events = cardEvents(id);
        ASSERT_EQ(events.size(), 1u);
        EXPECT_EQ(events[0].from, CardState::Produced);
        EXPECT_EQ(events[0].to, CardState::InStock);
        EXPECT_EQ(events[0].reason, reason::kReceived);
        EXPECT_EQ(events[0].actor.id, operator_.id);
        EXPECT_EQ(events[0].at_ms, at);
    }
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM journal_entry"), 0);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM card_txn"), 0);
    expectLedgerInvariants();
}

TEST_F(Issuance, ManufacturerFileHeaderNamesTheRecordFields) {
    EXPECT_EQ(manufacturerFileHeader(), "serial,card_number,pin,track2,expiry_yymm");
}

TEST_F(Issuance, SameOperatorApprovingRefusedAndNothingChanges) {
    ProductId product = addProduct(namedProduct("GIFT500"));
    ProductionBatch request;
    request.product_id = product;
    request.quantity = 10;
    request.requested_by = "op.maker";
    request.location = std::string(kLocation);
    TimestampMs at = tick();
    auto id = run<BatchId>([&](StoreTx& tx) { return requestBatch(tx, request, policies_, at); });
    ASSERT_OK(id);
    ProductionBatch before = batch(*id);
    EXPECT_EQ(before.state, BatchState::Requested);
    EXPECT_EQ(before.requested_at_ms, at);

    EXPECT_ERROR(runStatus([&](StoreTx& tx) { return approveBatch(tx, *id, "op.maker", tick()); }),
                 ErrorCode::MakerCheckerViolation);
    ProductionBatch after = batch(*id);
    EXPECT_EQ(after.state, BatchState::Requested);
    EXPECT_EQ(after.approved_by, "");
    EXPECT_EQ(after.approved_at_ms, 0);
    // Generation needs an approved batch.
    EXPECT_ERROR(run<CardId>([&](StoreTx& tx) {
                     return beginGeneration(tx, *id, policies_, tx.businessDate());
                 }),
                 ErrorCode::IllegalTransition);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM card"), 0);

    EXPECT_OK(runStatus([&](StoreTx& tx) { return approveBatch(tx, *id, "op.checker", tick()); }));
    EXPECT_EQ(batch(*id).state, BatchState::Approved);
    // Approving twice is refused.
    EXPECT_ERROR(runStatus([&](StoreTx& tx) { return approveBatch(tx, *id, "op.third", tick()); }),
                 ErrorCode::IllegalTransition);
    EXPECT_EQ(batch(*id).approved_by, "op.checker");
}

TEST_F(Issuance, RequestChecksProductAndQuantity) {
    ProductId product = addProduct(namedProduct("GIFT500"));
    ProductionBatch request;
    request.product_id = product + 100;
    request.quantity = 10;
    request.requested_by = "op.maker";
    request.location = std::string(kLocation);
    EXPECT_ERROR(run<BatchId>([&](StoreTx& tx) { return requestBatch(tx, request, policies_, 1); }),
                 ErrorCode::NotFound);
    request.product_id = product;
    request.quantity = policies_.batch_cards_max + 1;
    EXPECT_ERROR(run<BatchId>([&](StoreTx& tx) { return requestBatch(tx, request, policies_, 1); }),
                 ErrorCode::InvalidArgument);
    EXPECT_ERROR(runStatus([&](StoreTx& tx) { return approveBatch(tx, 999, "op.checker", 1); }),
                 ErrorCode::NotFound);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM production_batch"), 0);
}

TEST_F(Issuance, StagesRunOnlyInOrder) {
    ProductId product = addProduct(namedProduct("GIFT500"));
    ProductionBatch request;
    request.product_id = product;
    request.quantity = 3;
    request.requested_by = "op.maker";
    request.location = std::string(kLocation);
    auto id =
        run<BatchId>([&](StoreTx& tx) { return requestBatch(tx, request, policies_, tick()); });
    ASSERT_OK(id);
    EXPECT_ERROR(runStatus([&](StoreTx& tx) { return markExported(tx, *id); }),
                 ErrorCode::IllegalTransition);
    EXPECT_ERROR(
        run<std::int64_t>([&](StoreTx& tx) { return receiveBatch(tx, *id, operator_, 1); }),
        ErrorCode::IllegalTransition);
    ASSERT_OK(runStatus([&](StoreTx& tx) { return approveBatch(tx, *id, "op.checker", tick()); }));
    auto first = run<CardId>(
        [&](StoreTx& tx) { return beginGeneration(tx, *id, policies_, tx.businessDate()); });
    ASSERT_OK(first);
    test::MemorySink sink;
    GenerationDeps deps{random_, pins_, vault_};
    ASSERT_OK(runStatus([&](StoreTx& tx) {
        return generateCards(tx, *tx.batch(*id), *tx.product(product), *first, 3, deps, sink);
    }));
    // Cards exist but the batch is not exported: receiving is refused and leaves them PRODUCED.
    EXPECT_ERROR(
        run<std::int64_t>([&](StoreTx& tx) { return receiveBatch(tx, *id, operator_, 1); }),
        ErrorCode::IllegalTransition);
    ASSERT_OK(runStatus([&](StoreTx& tx) {
        return finishGeneration(tx, *id, *first, *first + 2, "b.csv.sealed", tick());
    }));
    EXPECT_ERROR(runStatus([&](StoreTx& tx) {
                     return finishGeneration(tx, *id, *first, *first + 2, "b.csv.sealed", tick());
                 }),
                 ErrorCode::IllegalTransition);
    EXPECT_ERROR(
        run<std::int64_t>([&](StoreTx& tx) { return receiveBatch(tx, *id, operator_, 1); }),
        ErrorCode::IllegalTransition);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM card WHERE state = 'PRODUCED'"), 3);
    ASSERT_OK(runStatus([&](StoreTx& tx) { return markExported(tx, *id); }));
    EXPECT_ERROR(runStatus([&](StoreTx& tx) { return markExported(tx, *id); }),
                 ErrorCode::IllegalTransition);
    EXPECT_OK(run<std::int64_t>([&](StoreTx& tx) { return receiveBatch(tx, *id, operator_, 1); }));
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM card WHERE state = 'IN_STOCK'"), 3);
    expectLedgerInvariants();
}

TEST_F(Issuance, RestartedGenerationDiscardsTheInterruptedCards) {
    ProductId product = addProduct(namedProduct("GIFT500"));
    ProductionBatch request;
    request.product_id = product;
    request.quantity = 8;
    request.requested_by = "op.maker";
    request.location = std::string(kLocation);
    auto id =
        run<BatchId>([&](StoreTx& tx) { return requestBatch(tx, request, policies_, tick()); });
    ASSERT_OK(id);
    ASSERT_OK(runStatus([&](StoreTx& tx) { return approveBatch(tx, *id, "op.checker", tick()); }));
    auto begin = [&] {
        return run<CardId>(
            [&](StoreTx& tx) { return beginGeneration(tx, *id, policies_, tx.businessDate()); });
    };
    auto first = begin();
    ASSERT_OK(first);
    test::MemorySink interrupted;
    GenerationDeps deps{random_, pins_, vault_};
    ASSERT_OK(runStatus([&](StoreTx& tx) {
        return generateCards(tx, *tx.batch(*id), *tx.product(product), *first, 5, deps,
                             interrupted);
    }));
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM card"), 5);
    // The run stops here (crash); a new run starts from scratch with the same serials.
    auto again = begin();
    ASSERT_OK(again);
    EXPECT_EQ(*again, *first);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM card"), 0);
    test::MemorySink sink;
    ASSERT_OK(runStatus([&](StoreTx& tx) {
        return generateCards(tx, *tx.batch(*id), *tx.product(product), *again, 8, deps, sink);
    }));
    EXPECT_EQ(sink.lines.size(), 8u);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM card"), 8);
    EXPECT_EQ(queryInt("SELECT MIN(id) FROM card"), *first);
}

TEST_F(Issuance, ExhaustedNumberSpaceFailsAndStoresNothing) {
    ProductId product = addProduct(namedProduct("GIFT500"));
    ProductionBatch request;
    request.product_id = product;
    request.quantity = 2;
    request.requested_by = "op.maker";
    request.location = std::string(kLocation);
    auto id =
        run<BatchId>([&](StoreTx& tx) { return requestBatch(tx, request, policies_, tick()); });
    ASSERT_OK(id);
    ASSERT_OK(runStatus([&](StoreTx& tx) { return approveBatch(tx, *id, "op.checker", tick()); }));
    auto first = run<CardId>(
        [&](StoreTx& tx) { return beginGeneration(tx, *id, policies_, tx.businessDate()); });
    ASSERT_OK(first);
    // A source that always draws the same number: the second card can never get a new one.
    test::ConstantRandom constant(4);
    test::MemorySink sink;
    GenerationDeps deps{constant, pins_, vault_};
    EXPECT_ERROR(runStatus([&](StoreTx& tx) {
                     return generateCards(tx, *tx.batch(*id), *tx.product(product), *first, 2, deps,
                                          sink);
                 }),
                 ErrorCode::RuleViolation);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM card"), 0);  // the chunk was rolled back
    EXPECT_EQ(batch(*id).state, BatchState::Approved);
}

TEST_F(Issuance, CreateProductRefusesDuplicatesAndInvalidProducts) {
    addProduct(namedProduct("GIFT500"));
    EXPECT_ERROR(run<ProductId>([&](StoreTx& tx) {
                     return createProduct(tx, namedProduct("GIFT500"), policies_);
                 }),
                 ErrorCode::Duplicate);
    CardProduct reloadable_anonymous = anonymousProduct("ANON");
    reloadable_anonymous.reloadable = true;
    EXPECT_ERROR(run<ProductId>([&](StoreTx& tx) {
                     return createProduct(tx, reloadable_anonymous, policies_);
                 }),
                 ErrorCode::RuleViolation);
    EXPECT_EQ(queryInt("SELECT COUNT(*) FROM product"), 1);
}

TEST_F(Issuance, ProductRoundTripsThroughTheStore) {
    CardProduct p = anonymousProduct("ANON-FIX");
    p.load_amounts = {test::yuan(100), test::yuan(500), test::cny(99999)};
    p.scope_group = addMerchantGroup("G1");
    p.id = addProduct(p);
    auto stored = reader().product(p.id);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->code, p.code);
    EXPECT_EQ(stored->name, p.name);
    EXPECT_EQ(stored->bin, p.bin);
    EXPECT_EQ(stored->pan_length, p.pan_length);
    EXPECT_EQ(stored->named, p.named);
    EXPECT_EQ(stored->max_balance, p.max_balance);
    EXPECT_EQ(stored->reloadable, p.reloadable);
    EXPECT_EQ(stored->validity_months, p.validity_months);
    EXPECT_EQ(stored->load_amounts, p.load_amounts);
    EXPECT_EQ(stored->purchase_max, p.purchase_max);
    EXPECT_EQ(stored->daily_spend_max, p.daily_spend_max);
    EXPECT_EQ(stored->daily_count_max, p.daily_count_max);
    EXPECT_EQ(stored->pin_threshold_daily, p.pin_threshold_daily);
    EXPECT_EQ(stored->scope_group, p.scope_group);
    EXPECT_EQ(reader().productByCode("ANON-FIX")->id, p.id);
    EXPECT_FALSE(reader().productByCode("NOPE"));
}

TEST_F(Issuance, DestroyOnlyUnreservedCardsBeforeSale) {
    ProductId product = addProduct(anonymousProduct("ANON"));
    ProducedCards cards = produceAndReceive(product, 3);
    ASSERT_EQ(cards.ids.size(), 3u);
    ProducedCards fresh = produceBatch(product, 1);  // PRODUCED, not yet received
    ASSERT_EQ(fresh.ids.size(), 1u);

    EXPECT_OK(runStatus([&](StoreTx& tx) {
        return destroyCard(tx, cards.ids[0], operator_, reason::kDamaged, tick());
    }));
    EXPECT_EQ(card(cards.ids[0]).state, CardState::Destroyed);
    EXPECT_EQ(cardEvents(cards.ids[0]).back().reason, reason::kDamaged);
    EXPECT_OK(runStatus([&](StoreTx& tx) {
        return destroyCard(tx, fresh.ids[0], operator_, reason::kDamaged, tick());
    }));
    EXPECT_EQ(card(fresh.ids[0]).state, CardState::Destroyed);

    // Card 2 is reserved by an unpaid order, card 3 is sold.
    auto pending = placeOrder(orderOf(product, 1, test::yuan(100), test::anonymousBuyer()));
    ASSERT_OK(pending);
    ASSERT_EQ(order(*pending).card_ids, std::vector<CardId>{cards.ids[1]});
    EXPECT_ERROR(runStatus([&](StoreTx& tx) {
                     return destroyCard(tx, cards.ids[1], operator_, reason::kDamaged, tick());
                 }),
                 ErrorCode::NotPermitted);
    std::vector<CardId> sold = sell(product, 1, test::yuan(100), test::anonymousBuyer());
    ASSERT_EQ(sold, std::vector<CardId>{cards.ids[2]});
    EXPECT_ERROR(runStatus([&](StoreTx& tx) {
                     return destroyCard(tx, cards.ids[2], operator_, reason::kDamaged, tick());
                 }),
                 ErrorCode::NotPermitted);  // it stays linked to the order it was sold in
    // Destroyed is final.
    EXPECT_ERROR(runStatus([&](StoreTx& tx) {
                     return destroyCard(tx, cards.ids[0], operator_, reason::kDamaged, tick());
                 }),
                 ErrorCode::IllegalTransition);
    EXPECT_EQ(card(cards.ids[2]).balance, test::yuan(100));
    EXPECT_ERROR(runStatus([&](StoreTx& tx) {
                     return destroyCard(tx, 9999, operator_, reason::kDamaged, tick());
                 }),
                 ErrorCode::CardNotFound);
    expectLedgerInvariants();
}

}  // namespace
}  // namespace yika
