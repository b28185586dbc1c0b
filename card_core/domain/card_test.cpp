#include "card_core/domain/card.h"

#include "card_core/testing/assertions.h"

#include <gtest/gtest.h>

#include <array>
#include <set>
#include <utility>

namespace yika {
namespace {

using S = CardState;
constexpr std::array<CardState, 7> kAllStates = {S::Produced, S::InStock, S::Active,   S::Frozen,
                                                 S::Expired,  S::Closed,  S::Destroyed};

// The transitions of the diagram in card.h, written out independently of card.cpp.
const std::set<std::pair<CardState, CardState>>& diagram() {
    static const std::set<std::pair<CardState, CardState>> kEdges = {
        {S::Produced, S::InStock},  // receive
        {S::Produced, S::Destroyed},
        {S::InStock, S::Active},  // activate (sale paid), replacement card
        {S::InStock, S::Destroyed},
        {S::Active, S::Frozen},   // freeze
        {S::Active, S::Expired},  // expire
        {S::Active, S::Closed},   // redeem / replace
        {S::Frozen, S::Active},   // unfreeze
        {S::Frozen, S::Closed},   // replace / redeem
        {S::Expired, S::Active},  // extend
        {S::Expired, S::Closed},  // replace / breakage
    };
    return kEdges;
}

TEST(CardStateMachine, EveryAllowedTransitionOfTheDiagramApplies) {
    for (const auto& [from, to] : diagram()) {
        EXPECT_TRUE(isAllowedTransition(from, to)) << toString(from) << " -> " << toString(to);
        Card card;
        card.id = 7;
        card.state = from;
        EXPECT_OK(transition(card, to));
        EXPECT_EQ(card.state, to);
    }
}

TEST(CardStateMachine, EveryOtherTransitionIsRefusedAndChangesNothing) {
    int refused = 0;
    for (CardState from : kAllStates) {
        for (CardState to : kAllStates) {
            if (diagram().count({from, to}) != 0) continue;
            ++refused;
            EXPECT_FALSE(isAllowedTransition(from, to)) << toString(from) << " -> " << toString(to);
            Card card;
            card.id = 42;
            card.state = from;
            Status s = transition(card, to);
            ASSERT_FALSE(s.ok()) << toString(from) << " -> " << toString(to);
            EXPECT_EQ(s.code(), ErrorCode::IllegalTransition);
            EXPECT_EQ(card.state, from);
            // The detail names the card and both states.
            EXPECT_NE(s.error().detail.find("42"), std::string::npos);
            EXPECT_NE(s.error().detail.find(std::string(toString(from))), std::string::npos);
            EXPECT_NE(s.error().detail.find(std::string(toString(to))), std::string::npos);
        }
    }
    EXPECT_EQ(refused, 49 - static_cast<int>(diagram().size()));
}

TEST(CardStateMachine, ClosedAndDestroyedAreFinal) {
    for (CardState to : kAllStates) {
        EXPECT_FALSE(isAllowedTransition(S::Closed, to));
        EXPECT_FALSE(isAllowedTransition(S::Destroyed, to));
    }
}

TEST(CardStateMachine, OnlyActiveFrozenAndExpiredCardsHoldValue) {
    for (CardState state : kAllStates) {
        bool expected = state == S::Active || state == S::Frozen || state == S::Expired;
        EXPECT_EQ(holdsValue(state), expected) << toString(state);
    }
}

TEST(CardStateMachine, StateNamesRoundTrip) {
    std::set<std::string_view> names;
    for (CardState state : kAllStates) {
        names.insert(toString(state));
        EXPECT_EQ(cardStateFromString(toString(state)), state);
    }
    EXPECT_EQ(names.size(), kAllStates.size());
    EXPECT_EQ(toString(S::InStock), "IN_STOCK");
    EXPECT_FALSE(cardStateFromString("active"));
    EXPECT_FALSE(cardStateFromString(""));
}

TEST(Card, AvailableIsBalanceLessHolds) {
    Card card;
    card.balance = Money::fromMinor(10000, Currency::Cny);
    card.held = Money::fromMinor(2500, Currency::Cny);
    EXPECT_EQ(card.available(), Money::fromMinor(7500, Currency::Cny));
}

TEST(Card, ActorNames) {
    EXPECT_EQ(toString(ActorKind::Operator), "operator");
    EXPECT_EQ(toString(ActorKind::Terminal), "terminal");
    EXPECT_EQ(toString(Channel::Portal), "portal");
    EXPECT_EQ(toString(Channel::System), "system");
}

}  // namespace
}  // namespace yika
