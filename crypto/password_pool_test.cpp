// The bounded argon2id pool shared by the portal and the admin API (moved from portal/).

#include "crypto/password_pool.h"

#include <gtest/gtest.h>

namespace yika::crypto {
namespace {

TEST(PasswordPool, HashesAndVerifies) {
    PasswordPool pool(1, 4, PasswordCost::forTests());
    auto hash = pool.hash("correct horse");
    ASSERT_TRUE(hash.has_value());
    std::string stored = hash->get();
    auto good = pool.verify(stored, "correct horse");
    auto bad = pool.verify(stored, "wrong horse");
    ASSERT_TRUE(good && bad);
    EXPECT_TRUE(good->get());
    EXPECT_FALSE(bad->get());
    auto decoy = pool.verify(pool.decoyHash(), "anything");
    ASSERT_TRUE(decoy);
    EXPECT_FALSE(decoy->get());
}

TEST(PasswordPool, RefusesBeyondThreadsPlusQueue) {
    // Interactive cost (64 MiB, tens of ms): the first hash is still running when the second
    // request comes.
    PasswordPool pool(1, 0, PasswordCost::interactive());
    auto first = pool.hash("first password");
    ASSERT_TRUE(first.has_value());
    EXPECT_FALSE(pool.hash("second password").has_value());
    EXPECT_FALSE(first->get().empty());
    EXPECT_TRUE(pool.hash("third password").has_value());  // the slot is free again
}

}  // namespace
}  // namespace yika::crypto
