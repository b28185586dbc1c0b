#include "terminal_api/http/key_ring_terminal_keys.h"

#include "crypto/terminal_keys.h"

#include <gtest/gtest.h>

namespace yika::http {
namespace {

TEST(KeyRingTerminalKeys, DerivesTheHttpKeyFromTheStoredTmk) {
    crypto::KeyRing keys = crypto::KeyRing::generate();
    crypto::SecureBuffer tmk = crypto::generateTerminalMasterKey();
    Terminal t;
    t.tid = "10000001";
    t.tmk_wrapped = crypto::wrapTerminalMasterKey(keys, tmk.span(), t.tid);
    KeyRingTerminalKeys source(keys);
    auto key = source.httpKey(t);
    ASSERT_TRUE(key.has_value());
    EXPECT_EQ(*key, deriveHttpKey(tmk.span(), t.tid));
}

TEST(KeyRingTerminalKeys, RefusesAnotherTidAnotherRingOrATamperedRow) {
    crypto::KeyRing keys = crypto::KeyRing::generate();
    crypto::SecureBuffer tmk = crypto::generateTerminalMasterKey();
    Terminal t;
    t.tid = "10000001";
    t.tmk_wrapped = crypto::wrapTerminalMasterKey(keys, tmk.span(), t.tid);
    KeyRingTerminalKeys source(keys);
    Terminal moved = t;
    moved.tid = "10000002";  // the row copied to another terminal
    EXPECT_FALSE(source.httpKey(moved).has_value());
    crypto::KeyRing other = crypto::KeyRing::generate();
    EXPECT_FALSE(KeyRingTerminalKeys(other).httpKey(t).has_value());
    Terminal tampered = t;
    tampered.tmk_wrapped.back() ^= 1;
    EXPECT_FALSE(source.httpKey(tampered).has_value());
    Terminal empty = t;
    empty.tmk_wrapped.clear();
    EXPECT_FALSE(source.httpKey(empty).has_value());
}

}  // namespace
}  // namespace yika::http
