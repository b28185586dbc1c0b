#include "card_core/domain/day_store.h"

#include <charconv>
#include <cstdio>

namespace yika {

std::string_view toString(CloseStep step) {
    switch (step) {
        case CloseStep::Clearing:
            return "clearing";
        case CloseStep::Settlement:
            return "settlement";
        case CloseStep::Expiry:
            return "expiry";
        case CloseStep::Breakage:
            return "breakage";
        case CloseStep::TrialBalance:
            return "trial_balance";
        case CloseStep::InternalRecon:
            return "internal_recon";
        case CloseStep::DayReport:
            return "day_report";
    }
    return "clearing";
}

std::optional<CloseStep> closeStepFromString(std::string_view text) {
    for (int i = 0; i <= static_cast<int>(CloseStep::DayReport); ++i) {
        auto step = static_cast<CloseStep>(i);
        if (toString(step) == text) return step;
    }
    return std::nullopt;
}

std::string_view toString(PayoutState state) {
    switch (state) {
        case PayoutState::Pending:
            return "PENDING";
        case PayoutState::Paid:
            return "PAID";
        case PayoutState::Failed:
            return "FAILED";
    }
    return "PENDING";
}

std::optional<PayoutState> payoutStateFromString(std::string_view text) {
    for (PayoutState s : {PayoutState::Pending, PayoutState::Paid, PayoutState::Failed}) {
        if (toString(s) == text) return s;
    }
    return std::nullopt;
}

std::string payoutReference(PayoutId id) {
    char text[32];
    std::snprintf(text, sizeof text, "YKP%010lld", static_cast<long long>(id));
    return text;
}

std::optional<PayoutId> payoutIdFromReference(std::string_view reference) {
    if (reference.size() != 13 || reference.substr(0, 3) != "YKP") return std::nullopt;
    PayoutId id = 0;
    auto [ptr, ec] = std::from_chars(reference.data() + 3, reference.data() + 13, id);
    if (ec != std::errc{} || ptr != reference.data() + 13 || id <= 0) return std::nullopt;
    return id;
}

}  // namespace yika
