#pragma once

// Operators created outside a session: the first administrator made by `yikad init`, and the
// one-time passwords that every new or reset operator receives.

#include "card_core/domain/operator.h"
#include "card_core/domain/secrets.h"
#include "card_core/store/commit_queue.h"
#include "crypto/key_ring.h"
#include "crypto/password.h"

#include <string>

namespace yika::admin {

inline constexpr std::size_t kOneTimePasswordChars = 16;

// 16 characters from an alphabet without look-alikes (no 0/O, 1/l/I), about 90 bits.
std::string generateOneTimePassword(RandomSource& random);

struct FirstAdministrator {
    std::string name;
    std::string one_time_password;  // shown once; must be changed at first login
};

// Creates the administrator `name` with a one-time password, audited as done by "yikad init".
// NotPermitted when an operator already exists (init runs once).
Result<FirstAdministrator> createFirstAdministrator(store::CommitQueue& writer,
                                                    const crypto::KeyRing& keys,
                                                    RandomSource& random, const Clock& clock,
                                                    const std::string& name,
                                                    crypto::PasswordCost cost);

}  // namespace yika::admin
