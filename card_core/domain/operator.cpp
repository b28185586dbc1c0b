#include "card_core/domain/operator.h"

#include <array>

namespace yika {

namespace {

constexpr std::array<std::string_view, kRoleCount> kRoleNames = {
    "administrator", "issuance", "finance", "customer_service", "auditor"};
constexpr std::size_t kNameMin = 3;
constexpr std::size_t kNameMax = 32;
constexpr std::size_t kDisplayNameMax = 64;

}  // namespace

std::string_view toString(Role role) { return kRoleNames[static_cast<std::size_t>(role)]; }

std::optional<Role> roleFromString(std::string_view text) {
    for (std::size_t i = 0; i < kRoleNames.size(); ++i) {
        if (kRoleNames[i] == text) return static_cast<Role>(i);
    }
    return std::nullopt;
}

Status validateOperatorName(std::string_view name) {
    if (name.size() < kNameMin || name.size() > kNameMax) {
        return makeError(ErrorCode::InvalidArgument, "name: 3 to 32 characters");
    }
    for (char c : name) {
        bool ok =
            (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        if (!ok) {
            return makeError(ErrorCode::InvalidArgument,
                             "name: only lower-case letters, digits, '.', '_' and '-'");
        }
    }
    return Ok{};
}

Status validateDisplayName(std::string_view name) {
    if (name.empty() || name.size() > kDisplayNameMax) {
        return makeError(ErrorCode::InvalidArgument, "display_name: 1 to 64 bytes");
    }
    return Ok{};
}

bool mayLogIn(const Operator& op, TimestampMs now_ms) {
    return !op.disabled && op.locked_until_ms <= now_ms;
}

void recordLoginFailure(Operator& op, const LoginPolicy& policy, TimestampMs now_ms) {
    op.failed_logins += 1;
    if (op.failed_logins >= policy.failures_max) {
        op.locked_until_ms = now_ms + policy.lock_ms;
        op.failed_logins = 0;  // after the lock, the operator gets the full count again
    }
}

void recordLoginSuccess(Operator& op) {
    op.failed_logins = 0;
    op.locked_until_ms = 0;
}

}  // namespace yika
