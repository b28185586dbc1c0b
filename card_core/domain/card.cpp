#include "card_core/domain/card.h"

#include <array>

namespace yika {

namespace {
constexpr std::array<std::string_view, 7> kStateNames = {
    "PRODUCED", "IN_STOCK", "ACTIVE", "FROZEN", "EXPIRED", "CLOSED", "DESTROYED"};
}

std::string_view toString(CardState state) { return kStateNames[static_cast<std::size_t>(state)]; }

std::optional<CardState> cardStateFromString(std::string_view text) {
    for (std::size_t i = 0; i < kStateNames.size(); ++i) {
        if (kStateNames[i] == text) return static_cast<CardState>(i);
    }
    return std::nullopt;
}

std::string_view toString(ActorKind kind) {
    switch (kind) {
        case ActorKind::Operator:
            return "operator";
        case ActorKind::Cardholder:
            return "cardholder";
        case ActorKind::Terminal:
            return "terminal";
        case ActorKind::System:
            return "system";
    }
    return "?";
}

std::string_view toString(Channel channel) {
    switch (channel) {
        case Channel::Admin:
            return "admin";
        case Channel::Cli:
            return "cli";
        case Channel::Terminal:
            return "terminal";
        case Channel::Portal:
            return "portal";
        case Channel::System:
            return "system";
    }
    return "?";
}

Money Card::available() const {
    auto out = balance.minus(held);
    YIKA_ASSERT(out.has_value());
    return *out;
}

bool isAllowedTransition(CardState from, CardState to) {
    using S = CardState;
    switch (from) {
        case S::Produced:
            return to == S::InStock || to == S::Destroyed;
        case S::InStock:
            return to == S::Active || to == S::Destroyed;
        case S::Active:
            return to == S::Frozen || to == S::Expired || to == S::Closed;
        case S::Frozen:
            return to == S::Active || to == S::Closed;
        case S::Expired:
            return to == S::Active || to == S::Closed;
        case S::Closed:
        case S::Destroyed:
            return false;
    }
    return false;
}

Status transition(Card& card, CardState to) {
    if (!isAllowedTransition(card.state, to)) {
        return makeError(ErrorCode::IllegalTransition, "card " + std::to_string(card.id) + ": " +
                                                           std::string(toString(card.state)) +
                                                           " -> " + std::string(toString(to)) +
                                                           " is not allowed");
    }
    card.state = to;
    return Ok{};
}

bool holdsValue(CardState state) {
    return state == CardState::Active || state == CardState::Frozen || state == CardState::Expired;
}

}  // namespace yika
