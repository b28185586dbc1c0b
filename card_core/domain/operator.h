#pragma once

// The issuer's staff (design section 10): operators with one role each, logging in to the admin
// API with an argon2id password and an expiring session token.
//
//   (none) --createOperator (an administrator; one-time password)--> MUST_CHANGE_PASSWORD
//   MUST_CHANGE_PASSWORD --changePassword--> ACTIVE --resetPassword--> MUST_CHANGE_PASSWORD
//   ACTIVE | MUST_CHANGE_PASSWORD --disable--> DISABLED (its sessions end)
//   consecutive failed logins >= failures_max --> locked until locked_until_ms (a successful
//   login after that resets the count)
//
// Invariants:
//   O1. Operator names are unique, 3-32 characters [a-z0-9._-], lower case.
//   O2. Only the keyed hash of a session token is stored; the token itself exists only in the
//       login answer and the client.
//   O3. A session belongs to one operator and ends at expires_at_ms, at logout, when the
//       operator changes password, is disabled or has the password reset.
//
// Passwords are never seen here: the HTTP layer hashes them on its own pool and passes the hash.

#include "card_core/domain/result.h"
#include "card_core/domain/secrets.h"
#include "card_core/domain/time.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace yika {

using OperatorId = std::int64_t;

enum class Role : std::uint8_t {
    Administrator,    // manages operators; second approver of money and fee changes
    Issuance,         // products, production batches, stock
    Finance,          // payments, adjustments, fees, payouts (issue 5: day close, settlement)
    CustomerService,  // sales counter and card service (freeze, replace, redeem)
    Auditor,          // reads everything, the audit log included; writes nothing
};
inline constexpr int kRoleCount = 5;

std::string_view toString(Role role);  // "administrator", "customer_service", ...
std::optional<Role> roleFromString(std::string_view text);

struct Operator {
    OperatorId id = 0;
    std::string name;  // login name, unique (O1)
    std::string display_name;
    Role role = Role::Auditor;
    std::string password_hash;  // argon2id string
    bool must_change_password = true;
    bool disabled = false;
    int failed_logins = 0;  // consecutive
    TimestampMs locked_until_ms = 0;
    std::string created_by;  // operator name, or "yikad init"
    TimestampMs created_at_ms = 0;
};

struct OperatorSession {
    Bytes token_hash;
    OperatorId operator_id = 0;
    TimestampMs created_at_ms = 0;
    TimestampMs expires_at_ms = 0;
};

struct LoginPolicy {
    int failures_max = 5;                 // consecutive failures before the lock
    TimestampMs lock_ms = 15 * 60'000LL;  // how long the lock lasts
};

// O1: InvalidArgument "name: ..." when the name is not 3-32 of [a-z0-9._-].
Status validateOperatorName(std::string_view name);
// InvalidArgument "display_name: ..." when empty or over 64 bytes.
Status validateDisplayName(std::string_view name);

// Whether the operator may try a password now (not disabled, not locked).
bool mayLogIn(const Operator& op, TimestampMs now_ms);
// Applies a failed attempt: counts it and locks when the count reaches the policy's maximum.
void recordLoginFailure(Operator& op, const LoginPolicy& policy, TimestampMs now_ms);
// Applies a successful attempt: the count starts again.
void recordLoginSuccess(Operator& op);

}  // namespace yika
