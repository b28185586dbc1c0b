#include "card_core/domain/batch.h"

#include "card_core/testing/assertions.h"

#include <gtest/gtest.h>

#include <array>
#include <set>
#include <utility>

namespace yika {
namespace {

using B = BatchState;
constexpr std::array<BatchState, 6> kAllStates = {B::Requested, B::Approved, B::Generated,
                                                  B::Exported,  B::Received, B::Rejected};

ProductionBatch requested() {
    ProductionBatch b;
    b.id = 3;
    b.product_id = 1;
    b.quantity = 500;
    b.requested_by = "op.maker";
    b.location = "SH-STORE-01";
    b.state = B::Requested;
    return b;
}

TEST(BatchMakerChecker, SecondOperatorApproves) {
    ProductionBatch b = requested();
    EXPECT_OK(approve(b, "op.checker", 1234));
    EXPECT_EQ(b.state, B::Approved);
    EXPECT_EQ(b.approved_by, "op.checker");
    EXPECT_EQ(b.approved_at_ms, 1234);
}

TEST(BatchMakerChecker, SameOperatorApprovingRefused) {
    ProductionBatch b = requested();
    EXPECT_ERROR(approve(b, "op.maker", 1234), ErrorCode::MakerCheckerViolation);
    EXPECT_EQ(b.state, B::Requested);
    EXPECT_EQ(b.approved_by, "");
    EXPECT_EQ(b.approved_at_ms, 0);
}

TEST(BatchMakerChecker, ApproverRequired) {
    ProductionBatch b = requested();
    EXPECT_ERROR(approve(b, "", 1), ErrorCode::InvalidArgument);
    EXPECT_EQ(b.state, B::Requested);
}

TEST(BatchMakerChecker, ApprovingOutsideRequestedRefused) {
    for (BatchState state : kAllStates) {
        if (state == B::Requested) continue;
        ProductionBatch b = requested();
        b.state = state;
        EXPECT_ERROR(approve(b, "op.checker", 1), ErrorCode::IllegalTransition) << toString(state);
        EXPECT_EQ(b.state, state);
    }
}

TEST(BatchMakerChecker, SameOperatorRejectingRefused) {
    ProductionBatch b = requested();
    EXPECT_ERROR(reject(b, "op.maker"), ErrorCode::MakerCheckerViolation);
    EXPECT_EQ(b.state, B::Requested);
    EXPECT_OK(reject(b, "op.checker"));
    EXPECT_EQ(b.state, B::Rejected);
    EXPECT_ERROR(reject(b, "op.other"), ErrorCode::IllegalTransition);
    EXPECT_ERROR(approve(b, "op.other", 1), ErrorCode::IllegalTransition);
}

TEST(BatchStateMachine, AdvancesOnlyAlongTheDiagram) {
    const std::set<std::pair<BatchState, BatchState>> allowed = {
        {B::Approved, B::Generated}, {B::Generated, B::Exported}, {B::Exported, B::Received}};
    for (BatchState from : kAllStates) {
        for (BatchState to : kAllStates) {
            ProductionBatch b = requested();
            b.state = from;
            Status s = advance(b, to);
            if (allowed.count({from, to}) != 0) {
                EXPECT_OK(s);
                EXPECT_EQ(b.state, to);
            } else {
                EXPECT_ERROR(s, ErrorCode::IllegalTransition)
                    << toString(from) << " -> " << toString(to);
                EXPECT_EQ(b.state, from);
            }
        }
    }
}

TEST(BatchRequest, QuantityLocationAndRequesterAreChecked) {
    EXPECT_OK(checkBatchRequest(requested(), 1000));
    ProductionBatch b = requested();
    b.quantity = 0;
    EXPECT_ERROR(checkBatchRequest(b, 1000), ErrorCode::InvalidArgument);
    b.quantity = 1001;
    EXPECT_ERROR(checkBatchRequest(b, 1000), ErrorCode::InvalidArgument);
    b.quantity = 1000;
    EXPECT_OK(checkBatchRequest(b, 1000));
    b.requested_by = "";
    EXPECT_ERROR(checkBatchRequest(b, 1000), ErrorCode::InvalidArgument);
    b = requested();
    b.location = "";
    EXPECT_ERROR(checkBatchRequest(b, 1000), ErrorCode::InvalidArgument);
    b.location = std::string(101, 'L');
    EXPECT_ERROR(checkBatchRequest(b, 1000), ErrorCode::InvalidArgument);
}

TEST(BatchStateMachine, StateNamesRoundTrip) {
    for (BatchState state : kAllStates) EXPECT_EQ(batchStateFromString(toString(state)), state);
    EXPECT_FALSE(batchStateFromString("requested"));
}

}  // namespace
}  // namespace yika
