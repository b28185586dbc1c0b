#include "card_core/domain/issuance.h"

#include "card_core/domain/card_number.h"

#include <cstdio>

namespace yika {

namespace {

// Best-effort wipe of a secret held in a std::string; the volatile write keeps the compiler
// from eliding it.
void wipe(std::string& secret) {
    volatile char* p = secret.data();
    for (std::size_t i = 0; i < secret.size(); ++i) p[i] = 0;
    secret.clear();
}

// Bound on redraws for one card number: with a sparse number space a redraw is rare; running
// out means the product's BIN space is full, which an operator must hear about.
constexpr int kPanDrawsMax = 64;

}  // namespace

Result<ProductId> createProduct(StoreTx& tx, CardProduct product, const Policies& policies) {
    YIKA_TRY(validateProduct(product, policies.product));
    if (tx.productByCode(product.code)) {
        return makeError(ErrorCode::Duplicate, "a product with code " + product.code + " exists");
    }
    return tx.insertProduct(product);
}

Result<BatchId> requestBatch(StoreTx& tx, ProductionBatch request, const Policies& policies,
                             TimestampMs now_ms) {
    YIKA_TRY(checkBatchRequest(request, policies.batch_cards_max));
    if (!tx.product(request.product_id)) return makeError(ErrorCode::NotFound, "unknown product");
    request.state = BatchState::Requested;
    request.requested_at_ms = now_ms;
    request.approved_by.clear();
    return tx.insertBatch(request);
}

Status approveBatch(StoreTx& tx, BatchId id, std::string_view approver, TimestampMs now_ms) {
    auto batch = tx.batch(id);
    if (!batch) return makeError(ErrorCode::NotFound, "unknown batch");
    YIKA_TRY(approve(*batch, approver, now_ms));
    tx.updateBatch(*batch);
    return Ok{};
}

std::string_view manufacturerFileHeader() { return "serial,card_number,pin,track2,expiry_yymm"; }

Result<CardId> beginGeneration(StoreTx& tx, BatchId id, const Policies& policies, Date today) {
    auto batch = tx.batch(id);
    if (!batch) return makeError(ErrorCode::NotFound, "unknown batch");
    if (batch->state != BatchState::Approved) {
        return makeError(ErrorCode::IllegalTransition,
                         "batch is " + std::string(toString(batch->state)) + ", not APPROVED");
    }
    auto product = tx.product(batch->product_id);
    YIKA_ASSERT(product.has_value());
    tx.deleteProducedCards(id);
    // Named cards never expire as value, but the plastic still carries a date.
    int months = (product->validity_months > 0 ? product->validity_months : 120) +
                 policies.card_shelf_months;
    batch->card_expiry = today.plusMonths(months);
    tx.updateBatch(*batch);
    return tx.maxCardId() + 1;
}

namespace {

void drawNumber(PreparedCard& p, const CardProduct& product, GenerationDeps deps) {
    p.pan = generatePan(product.bin, product.pan_length, deps.random);
    p.card.pan_lookup = deps.vault.lookupHash(p.pan);
    p.card.pan_encrypted = deps.vault.encrypt(p.pan);
    p.card.pan_masked = maskPan(p.pan);
}

std::string expiryYymm(Date expiry) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d%02u", expiry.year() % 100, expiry.month());
    return buf;
}

}  // namespace

std::vector<PreparedCard> prepareCards(const ProductionBatch& batch, const CardProduct& product,
                                       CardId next_id, std::int64_t count, GenerationDeps deps) {
    YIKA_ASSERT(batch.state == BatchState::Approved && count >= 0);
    std::vector<PreparedCard> out(static_cast<std::size_t>(count));
    for (std::int64_t i = 0; i < count; ++i) {
        PreparedCard& p = out[static_cast<std::size_t>(i)];
        p.card.id = next_id + i;
        p.card.product_id = product.id;
        p.card.batch_id = batch.id;
        p.card.state = CardState::Produced;
        p.card.balance = Money::zero(product.currency);
        p.card.held = p.card.balance;
        p.card.spent_today = p.card.balance;
        drawNumber(p, product, deps);
        p.pin = deps.random.digits(6);
        p.card.pvv = deps.pins.pinVerificationValue(p.card.id, p.pin);
    }
    return out;
}

Status storePreparedCards(StoreTx& tx, const ProductionBatch& batch, const CardProduct& product,
                          std::vector<PreparedCard>& cards, GenerationDeps deps,
                          ManufacturerSink& sink) {
    // The date printed on the plastic (track 2), not the card's value expiry, which is set at
    // activation (anonymous cards) or never (named cards).
    const std::string yymm = expiryYymm(batch.card_expiry);
    std::string line;
    Status result = Ok{};
    for (PreparedCard& p : cards) {
        if (result) {
            int draws = 1;
            while (result && !tx.insertCardIfNewNumber(p.card)) {
                if (++draws > kPanDrawsMax) {
                    result = makeError(ErrorCode::RuleViolation, "the card number space of BIN " +
                                                                     product.bin + " is exhausted");
                } else {
                    drawNumber(p, product, deps);
                }
            }
        }
        if (result) {
            // serial,card_number,pin,track2,expiry_yymm; service code 501: national use only,
            // normal authorisation.
            line.clear();
            line += std::to_string(p.card.id);
            line += ',';
            line += p.pan;
            line += ',';
            line += p.pin;
            line += ',';
            line += p.pan;
            line += '=';
            line += yymm;
            line += "50100000,";
            line += yymm;
            result = sink.writeRecord(line);
            wipe(line);
        }
        // Wipe every card's secrets, also those after a failure.
        wipe(p.pin);
        wipe(p.pan);
    }
    return result;
}

Status generateCards(StoreTx& tx, const ProductionBatch& batch, const CardProduct& product,
                     CardId next_id, std::int64_t count, GenerationDeps deps,
                     ManufacturerSink& sink) {
    std::vector<PreparedCard> cards = prepareCards(batch, product, next_id, count, deps);
    return storePreparedCards(tx, batch, product, cards, deps, sink);
}

Status finishGeneration(StoreTx& tx, BatchId id, CardId first, CardId last, std::string file_name,
                        TimestampMs now_ms) {
    auto batch = tx.batch(id);
    if (!batch) return makeError(ErrorCode::NotFound, "unknown batch");
    YIKA_ASSERT(last - first + 1 == batch->quantity);
    YIKA_TRY(advance(*batch, BatchState::Generated));
    batch->first_card_id = first;
    batch->last_card_id = last;
    batch->file_name = std::move(file_name);
    batch->generated_at_ms = now_ms;
    tx.updateBatch(*batch);
    return Ok{};
}

Status markExported(StoreTx& tx, BatchId id) {
    auto batch = tx.batch(id);
    if (!batch) return makeError(ErrorCode::NotFound, "unknown batch");
    YIKA_TRY(advance(*batch, BatchState::Exported));
    tx.updateBatch(*batch);
    return Ok{};
}

Result<std::int64_t> receiveBatch(StoreTx& tx, BatchId id, const Actor& actor, TimestampMs now_ms) {
    auto batch = tx.batch(id);
    if (!batch) return makeError(ErrorCode::NotFound, "unknown batch");
    YIKA_TRY(advance(*batch, BatchState::Received));
    std::int64_t moved = tx.receiveBatchCards(id, batch->location, actor, now_ms);
    tx.updateBatch(*batch);
    return moved;
}

Status destroyCard(StoreTx& tx, CardId id, const Actor& actor, std::string_view reason_code,
                   TimestampMs now_ms) {
    auto card = tx.card(id);
    if (!card) return makeError(ErrorCode::CardNotFound, "unknown card");
    if (card->order_id) return makeError(ErrorCode::NotPermitted, "card is reserved by an order");
    CardState from = card->state;
    YIKA_TRY(transition(*card, CardState::Destroyed));
    tx.updateCard(*card);
    tx.insertCardEvent(
        {card->id, from, CardState::Destroyed, actor, std::string(reason_code), now_ms});
    return Ok{};
}

}  // namespace yika
