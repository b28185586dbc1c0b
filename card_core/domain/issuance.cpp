#include "card_core/domain/issuance.h"

#include <cstdio>

#include "card_core/domain/card_number.h"

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

Status generateCards(StoreTx& tx, const ProductionBatch& batch, const CardProduct& product,
                     CardId next_id, std::int64_t count, GenerationDeps deps, ManufacturerSink& sink) {
    YIKA_ASSERT(batch.state == BatchState::Approved && count >= 0);
    char expiry[8];
    std::snprintf(expiry, sizeof expiry, "%02d%02u", batch.card_expiry.year() % 100,
                  batch.card_expiry.month());
    Card card;
    card.product_id = product.id;
    card.batch_id = batch.id;
    card.state = CardState::Produced;
    card.balance = Money::zero(product.currency);
    card.held = card.balance;
    card.spent_today = card.balance;
    std::string line;
    for (std::int64_t i = 0; i < count; ++i) {
        std::string pan;
        for (int draw = 0;; ++draw) {
            if (draw == kPanDrawsMax) {
                return makeError(ErrorCode::RuleViolation,
                                 "the card number space of BIN " + product.bin + " is exhausted");
            }
            pan = generatePan(product.bin, product.pan_length, deps.random);
            card.pan_lookup = deps.vault.lookupHash(pan);
            if (!tx.panLookupExists(card.pan_lookup)) break;
        }
        card.id = next_id + i;
        std::string pin = deps.random.digits(6);
        card.pvv = deps.pins.pinVerificationValue(card.id, pin);
        card.pan_encrypted = deps.vault.encrypt(pan);
        card.pan_masked = maskPan(pan);
        tx.insertCard(card);
        line.clear();
        line += std::to_string(card.id);
        line += ',';
        line += pan;
        line += ',';
        line += pin;
        line += ',';
        line += pan;
        line += '=';
        line += expiry;
        line += "50100000,";  // service code 501: national use only, normal authorisation
        line += expiry;
        Status written = sink.writeRecord(line);
        wipe(line);
        wipe(pin);
        if (!written) return written;
    }
    return Ok{};
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
    tx.insertCardEvent({card->id, from, CardState::Destroyed, actor, std::string(reason_code), now_ms});
    return Ok{};
}

}  // namespace yika
