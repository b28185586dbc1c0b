#include "crypto/terminal_keys.h"

#include "crypto/hex.h"
#include "crypto/random.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>

namespace yika::crypto {
namespace {

Bytes unhex(std::string_view hex) {
    auto bytes = fromHex(hex);
    EXPECT_TRUE(bytes.has_value()) << hex;
    return bytes.value_or(Bytes{});
}

std::span<const std::uint8_t> bytesOf(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// The worked example of docs/terminal-protocol.md ("Key management, MAC and PIN"). The expected
// values were computed once and cross-checked with an independent implementation (Python's
// hmac module); a terminal vendor can check theirs against the same numbers.
constexpr std::string_view kTmkHex = "0123456789abcdeffedcba9876543210";
constexpr std::string_view kTid = "10000001";
constexpr std::string_view kNonceHex = "5f8a1c2e9b3d4f60718293a4b5c6d7e8";
constexpr std::string_view kMacKeyHex =
    "e885fd90ddcee5f418b3132a07c5b4b41f4c219293d087f8fe42c4289beba63a";
constexpr std::string_view kPinKeyHex =
    "b87bc45ff6b27e8d0828b02503558628a75f9d506577e7d25395ac8fafa2df22";
constexpr std::string_view kPan = "6288881234567890128";
// The MAC input (MTI through field 60) of the worked example's purchase request.
constexpr std::string_view kMacInputHex =
    "0200702004c000c0981119628888123456789012800000000000000012500000020110001231303030303030"
    "31383938333130303438313430303031313536a4925077abb75bae2900000000000000000822000001";

SessionNonce exampleNonce() {
    SessionNonce nonce{};
    const Bytes bytes = unhex(kNonceHex);
    std::copy(bytes.begin(), bytes.end(), nonce.begin());
    return nonce;
}

SecureBuffer secureFromHex(std::string_view hex) {
    SecureBuffer buffer(hex.size() / 2);
    EXPECT_TRUE(fromHexInto(hex, buffer.span()));
    return buffer;
}

const PinBlockContext kContext{kTid, "000001", "000002"};

// ---- HMAC-SHA256 -----------------------------------------------------------------------------

// RFC 4231 section 4.2, test case 1.
TEST(TerminalKeys, HmacSha256MatchesRfc4231Case1) {
    const Bytes key(20, 0x0b);
    EXPECT_EQ(toHex(hmacSha256(key, bytesOf("Hi There"))),
              "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

// RFC 4231 section 4.3, test case 2 (a key shorter than the block).
TEST(TerminalKeys, HmacSha256MatchesRfc4231Case2) {
    EXPECT_EQ(toHex(hmacSha256(bytesOf("Jefe"), bytesOf("what do ya want for nothing?"))),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(TerminalKeys, ComputeMacIsTheFirstEightBytesOfHmacSha256) {
    const SecureBuffer key = secureFromHex(kMacKeyHex);
    const Bytes input = unhex(kMacInputHex);
    const HmacSha256Digest full = hmacSha256(key.span(), input);
    const TerminalMac mac = computeMac(key.span(), input);
    EXPECT_TRUE(std::equal(mac.begin(), mac.end(), full.begin()));
}

TEST(TerminalKeys, KeyCheckValueIsHmacOfSixteenZeroBytes) {
    const SecureBuffer tmk = secureFromHex(kTmkHex);
    EXPECT_EQ(toHex(keyCheckValue(tmk.span())), "48985e");
    const Bytes zeros(16, 0);
    EXPECT_EQ(toHex(keyCheckValue(tmk.span())),
              toHex(hmacSha256(tmk.span(), zeros)).substr(0, 2 * kKeyCheckValueBytes));
}

// ---- Session keys ----------------------------------------------------------------------------

TEST(TerminalKeys, DerivesTheWorkedExampleSessionKeys) {
    const SecureBuffer tmk = secureFromHex(kTmkHex);
    const SessionKeys keys = deriveSessionKeys(tmk.span(), kTid, exampleNonce());
    EXPECT_EQ(toHex(keys.mac_key.span()), kMacKeyHex);
    EXPECT_EQ(toHex(keys.pin_key.span()), kPinKeyHex);
    EXPECT_EQ(toHex(keyCheckValue(keys.mac_key.span())), "ae03f6");
    EXPECT_EQ(toHex(keyCheckValue(keys.pin_key.span())), "c98743");
}

TEST(TerminalKeys, DeriveIntoMatchesDerive) {
    const SecureBuffer tmk = secureFromHex(kTmkHex);
    SecureBuffer arena(2 * kSessionKeyBytes);
    deriveSessionKeysInto(tmk.span(), kTid, exampleNonce(),
                          std::span<std::uint8_t, kSessionKeyBytes>(arena.data(), kSessionKeyBytes),
                          std::span<std::uint8_t, kSessionKeyBytes>(arena.data() + kSessionKeyBytes,
                                                                    kSessionKeyBytes));
    EXPECT_EQ(toHex(arena.span()), std::string(kMacKeyHex) + std::string(kPinKeyHex));
}

TEST(TerminalKeys, SessionKeysDependOnTidAndNonce) {
    const SecureBuffer tmk = secureFromHex(kTmkHex);
    SessionNonce other_nonce = exampleNonce();
    other_nonce[15] ^= 1;
    const SessionKeys by_nonce = deriveSessionKeys(tmk.span(), kTid, other_nonce);
    const SessionKeys by_tid = deriveSessionKeys(tmk.span(), "10000002", exampleNonce());
    EXPECT_NE(toHex(by_nonce.mac_key.span()), kMacKeyHex);
    EXPECT_NE(toHex(by_tid.mac_key.span()), kMacKeyHex);
    EXPECT_NE(toHex(by_tid.pin_key.span()), kPinKeyHex);
    EXPECT_NE(toHex(by_tid.mac_key.span()), toHex(by_tid.pin_key.span()));
}

TEST(TerminalKeys, SignOnKeyDataMatchesTheWorkedExample) {
    const SecureBuffer tmk = secureFromHex(kTmkHex);
    const SessionKeys keys = deriveSessionKeys(tmk.span(), kTid, exampleNonce());
    const SignOnKeyData data =
        makeSignOnKeyData(exampleNonce(), keys.mac_key.span(), keys.pin_key.span());
    const auto field62 = formatSignOnKeyData(data);
    EXPECT_EQ(toHex(field62), "5f8a1c2e9b3d4f60718293a4b5c6d7e8ae03f6c98743");
    EXPECT_EQ(parseSignOnKeyData(field62), data);
    EXPECT_TRUE(sessionKeysMatch(data, keys.mac_key.span(), keys.pin_key.span()));
}

TEST(TerminalKeys, SignOnKeyDataRefusesWrongLength) {
    const Bytes short_field(kSignOnKeyDataBytes - 1, 0);
    const Bytes long_field(kSignOnKeyDataBytes + 1, 0);
    EXPECT_FALSE(parseSignOnKeyData(short_field).has_value());
    EXPECT_FALSE(parseSignOnKeyData(long_field).has_value());
    EXPECT_FALSE(parseSignOnKeyData({}).has_value());
}

TEST(TerminalKeys, SessionKeysMismatchWithAnotherTmk) {
    const SecureBuffer tmk = secureFromHex(kTmkHex);
    const SessionKeys host = deriveSessionKeys(tmk.span(), kTid, exampleNonce());
    const SignOnKeyData data =
        makeSignOnKeyData(exampleNonce(), host.mac_key.span(), host.pin_key.span());
    const SecureBuffer other_tmk = generateTerminalMasterKey();
    const SessionKeys terminal = deriveSessionKeys(other_tmk.span(), kTid, exampleNonce());
    EXPECT_FALSE(sessionKeysMatch(data, terminal.mac_key.span(), terminal.pin_key.span()));
    // One right key is not enough.
    EXPECT_FALSE(sessionKeysMatch(data, host.mac_key.span(), terminal.pin_key.span()));
    EXPECT_FALSE(sessionKeysMatch(data, terminal.mac_key.span(), host.pin_key.span()));
}

TEST(TerminalKeys, FreshNoncesAndMasterKeysDiffer) {
    EXPECT_NE(generateSessionNonce(), generateSessionNonce());
    const SecureBuffer a = generateTerminalMasterKey();
    const SecureBuffer b = generateTerminalMasterKey();
    EXPECT_EQ(a.size(), kTerminalMasterKeyBytes);
    EXPECT_NE(toHex(a.span()), toHex(b.span()));
}

// ---- MAC -------------------------------------------------------------------------------------

TEST(TerminalKeys, MacMatchesTheWorkedExample) {
    const SecureBuffer key = secureFromHex(kMacKeyHex);
    const Bytes input = unhex(kMacInputHex);
    EXPECT_EQ(toHex(computeMac(key.span(), input)), "e04103e2c1a3d431");
    EXPECT_TRUE(verifyMac(key.span(), input, unhex("e04103e2c1a3d431")));
}

TEST(TerminalKeys, VerifyMacRefusesAnyFlippedBit) {
    const SecureBuffer key = secureFromHex(kMacKeyHex);
    const Bytes input = unhex(kMacInputHex);
    const TerminalMac mac = computeMac(key.span(), input);
    for (std::size_t bit = 0; bit < 8 * mac.size(); ++bit) {
        TerminalMac flipped = mac;
        flipped[bit / 8] = static_cast<std::uint8_t>(flipped[bit / 8] ^ (1U << (bit % 8)));
        EXPECT_FALSE(verifyMac(key.span(), input, flipped)) << "MAC bit " << bit;
    }
    for (std::size_t bit = 0; bit < 8 * input.size(); bit += 7) {
        Bytes flipped = input;
        flipped[bit / 8] = static_cast<std::uint8_t>(flipped[bit / 8] ^ (1U << (bit % 8)));
        EXPECT_FALSE(verifyMac(key.span(), flipped, mac)) << "input bit " << bit;
    }
}

TEST(TerminalKeys, VerifyMacRefusesWrongLengthAndWrongKey) {
    const SecureBuffer key = secureFromHex(kMacKeyHex);
    const SecureBuffer other = secureFromHex(kPinKeyHex);
    const Bytes input = unhex(kMacInputHex);
    const TerminalMac mac = computeMac(key.span(), input);
    EXPECT_FALSE(verifyMac(key.span(), input, std::span(mac).first(7)));
    EXPECT_FALSE(verifyMac(key.span(), input, {}));
    EXPECT_FALSE(verifyMac(other.span(), input, mac));
}

// ---- PIN block -------------------------------------------------------------------------------

TEST(TerminalKeys, PinBlockMatchesTheWorkedExample) {
    const SecureBuffer key = secureFromHex(kPinKeyHex);
    const PinBlock block = encryptPinBlock(key.span(), kContext, "123456", kPan);
    EXPECT_EQ(toHex(block), "a4925077abb75bae");
    EXPECT_EQ(decryptPin(key.span(), kContext, block, kPan), "123456");
}

TEST(TerminalKeys, PinRoundTripsForEveryLengthAndPanLength) {
    const SecureBuffer key = secureFromHex(kPinKeyHex);
    const std::string digits = "907162534815";
    const std::string pan_digits = "6288889876543210987";
    for (std::size_t pin_length = 4; pin_length <= 12; ++pin_length) {
        for (std::size_t pan_length = 13; pan_length <= 19; ++pan_length) {
            const std::string pin = digits.substr(0, pin_length);
            const std::string pan = pan_digits.substr(0, pan_length);
            const PinBlock block = encryptPinBlock(key.span(), kContext, pin, pan);
            EXPECT_EQ(decryptPin(key.span(), kContext, block, pan), pin)
                << pin_length << " " << pan_length;
        }
    }
}

TEST(TerminalKeys, PinBlockDependsOnTraceBatchAndTid) {
    const SecureBuffer key = secureFromHex(kPinKeyHex);
    const PinBlock block = encryptPinBlock(key.span(), kContext, "123456", kPan);
    for (const PinBlockContext& other :
         {PinBlockContext{kTid, "000001", "000003"}, PinBlockContext{kTid, "000002", "000002"},
          PinBlockContext{"10000002", "000001", "000002"}}) {
        EXPECT_NE(encryptPinBlock(key.span(), other, "123456", kPan), block);
        const auto pin = decryptPin(key.span(), other, block, kPan);
        EXPECT_TRUE(!pin.has_value() || *pin != "123456");
    }
}

TEST(TerminalKeys, WrongKeyGivesNoPinOrAnotherPin) {
    const SecureBuffer key = secureFromHex(kPinKeyHex);
    const PinBlock block = encryptPinBlock(key.span(), kContext, "123456", kPan);
    const SecureBuffer tmk = secureFromHex(kTmkHex);
    for (std::uint8_t i = 0; i < 32; ++i) {
        SessionNonce nonce = exampleNonce();
        nonce[0] = i;
        const SessionKeys wrong = deriveSessionKeys(tmk.span(), kTid, nonce);
        const auto pin = decryptPin(wrong.pin_key.span(), kContext, block, kPan);
        EXPECT_TRUE(!pin.has_value() || *pin != "123456") << int{i};
    }
}

TEST(TerminalKeys, WrongPanGivesNoPinOrAnotherPin) {
    const SecureBuffer key = secureFromHex(kPinKeyHex);
    const PinBlock block = encryptPinBlock(key.span(), kContext, "123456", kPan);
    const auto pin = decryptPin(key.span(), kContext, block, "6288881234567890136");
    EXPECT_TRUE(!pin.has_value() || *pin != "123456");
}

// Encrypts a clear PIN field given as 16 hex nibbles, bypassing encryptPinBlock's checks, so
// that malformed blocks can be fed to decryptPin.
PinBlock encryptRawPinField(const SecureBuffer& key, std::string_view pin_field_hex) {
    const Bytes field = unhex(pin_field_hex);
    const Bytes pan_field = unhex("0000123456789012");  // kPan without its check digit
    std::string label = "yika-pinblock-v1";
    label += std::string(kContext.tid) + std::string(kContext.batch) + std::string(kContext.trace);
    const HmacSha256Digest keystream = hmacSha256(key.span(), bytesOf(label));
    PinBlock block{};
    for (std::size_t i = 0; i < block.size(); ++i) {
        block[i] = static_cast<std::uint8_t>(field[i] ^ pan_field[i] ^ keystream[i]);
    }
    return block;
}

TEST(TerminalKeys, DecryptPinRefusesMalformedBlocks) {
    const SecureBuffer key = secureFromHex(kPinKeyHex);
    // The helper itself reproduces a good block.
    EXPECT_EQ(encryptRawPinField(key, "06123456FFFFFFFF"),
              encryptPinBlock(key.span(), kContext, "123456", kPan));
    for (std::string_view bad : {
             "16123456FFFFFFFF",  // format nibble 1
             "F6123456FFFFFFFF",  // format nibble F
             "03123FFFFFFFFFFF",  // length 3
             "0D1234567890123F",  // length 13
             "00FFFFFFFFFFFFFF",  // length 0
             "0612345AFFFFFFFF",  // non-digit in the PIN
             "06123456FFFFFFFE",  // padding nibble E
             "061234560FFFFFFF",  // padding nibble 0
             "04123456FFFFFFFF",  // digits where padding belongs
         }) {
        EXPECT_FALSE(decryptPin(key.span(), kContext, encryptRawPinField(key, bad), kPan)) << bad;
    }
    // Longest PIN: 12 digits and two padding nibbles.
    EXPECT_EQ(decryptPin(key.span(), kContext, encryptRawPinField(key, "0C123456789012FF"), kPan),
              "123456789012");
}

TEST(TerminalKeys, DecryptPinRefusesBadShapes) {
    const SecureBuffer key = secureFromHex(kPinKeyHex);
    const PinBlock block = encryptPinBlock(key.span(), kContext, "123456", kPan);
    EXPECT_FALSE(decryptPin(key.span(), kContext, std::span(block).first(7), kPan));
    const Bytes nine(9, 0);
    EXPECT_FALSE(decryptPin(key.span(), kContext, nine, kPan));
    EXPECT_FALSE(decryptPin(key.span(), kContext, block, "628888123456"));          // 12 digits
    EXPECT_FALSE(decryptPin(key.span(), kContext, block, "62888812345678901234"));  // 20
    EXPECT_FALSE(decryptPin(key.span(), kContext, block, "628888123456789012X"));
    EXPECT_FALSE(
        decryptPin(key.span(), PinBlockContext{"1000001", "000001", "000002"}, block, kPan));
    EXPECT_FALSE(decryptPin(key.span(), PinBlockContext{kTid, "00001", "000002"}, block, kPan));
    EXPECT_FALSE(decryptPin(key.span(), PinBlockContext{kTid, "000001", "00000A"}, block, kPan));
}

TEST(TerminalKeys, ShapeChecks) {
    EXPECT_TRUE(isValidPin("1234"));
    EXPECT_TRUE(isValidPin("123456789012"));
    EXPECT_FALSE(isValidPin("123"));
    EXPECT_FALSE(isValidPin("1234567890123"));
    EXPECT_FALSE(isValidPin("12a4"));
    EXPECT_TRUE(isValidPinBlockPan("6288881234567"));
    EXPECT_FALSE(isValidPinBlockPan("628888123456"));
    EXPECT_TRUE(isValidPinBlockContext(kContext));
    EXPECT_FALSE(isValidPinBlockContext(PinBlockContext{kTid, "000001", ""}));
}

// ---- TMK wrapping ----------------------------------------------------------------------------

class TerminalKeyWrapTest : public ::testing::Test {
  protected:
    KeyRing keys_ = KeyRing::generate();
    SecureBuffer tmk_ = secureFromHex(kTmkHex);
};

TEST_F(TerminalKeyWrapTest, RoundTrips) {
    const Bytes blob = wrapTerminalMasterKey(keys_, tmk_.span(), kTid);
    EXPECT_EQ(blob.size(), kWrappedTerminalMasterKeyBytes);
    EXPECT_EQ(blob[0], 0);
    EXPECT_EQ(blob[1], 1);
    const auto unwrapped = unwrapTerminalMasterKey(keys_, blob, kTid);
    ASSERT_TRUE(unwrapped.has_value());
    EXPECT_EQ(toHex(unwrapped->span()), kTmkHex);
}

TEST_F(TerminalKeyWrapTest, IsRandomizedAndNeverContainsTheKey) {
    const Bytes a = wrapTerminalMasterKey(keys_, tmk_.span(), kTid);
    const Bytes b = wrapTerminalMasterKey(keys_, tmk_.span(), kTid);
    EXPECT_NE(a, b);
    EXPECT_EQ(toHex(a).find(kTmkHex.substr(0, 8)), std::string::npos);
}

TEST_F(TerminalKeyWrapTest, RefusesTamperedBlob) {
    const Bytes blob = wrapTerminalMasterKey(keys_, tmk_.span(), kTid);
    for (std::size_t i = 0; i < blob.size(); ++i) {
        Bytes tampered = blob;
        tampered[i] = static_cast<std::uint8_t>(tampered[i] ^ 0x01);
        EXPECT_FALSE(unwrapTerminalMasterKey(keys_, tampered, kTid).has_value()) << "byte " << i;
    }
}

TEST_F(TerminalKeyWrapTest, RefusesWrongLength) {
    Bytes blob = wrapTerminalMasterKey(keys_, tmk_.span(), kTid);
    EXPECT_FALSE(unwrapTerminalMasterKey(keys_, std::span(blob).first(blob.size() - 1), kTid));
    blob.push_back(0);
    EXPECT_FALSE(unwrapTerminalMasterKey(keys_, blob, kTid));
    EXPECT_FALSE(unwrapTerminalMasterKey(keys_, {}, kTid));
}

TEST_F(TerminalKeyWrapTest, RefusesWrongTid) {
    const Bytes blob = wrapTerminalMasterKey(keys_, tmk_.span(), kTid);
    EXPECT_FALSE(unwrapTerminalMasterKey(keys_, blob, "10000002").has_value());
    EXPECT_FALSE(unwrapTerminalMasterKey(keys_, blob, "1000000").has_value());
    EXPECT_FALSE(unwrapTerminalMasterKey(keys_, blob, "").has_value());
}

TEST_F(TerminalKeyWrapTest, RefusesWrongKeyRing) {
    const Bytes blob = wrapTerminalMasterKey(keys_, tmk_.span(), kTid);
    const KeyRing other = KeyRing::generate();
    EXPECT_FALSE(unwrapTerminalMasterKey(other, blob, kTid).has_value());
}

TEST_F(TerminalKeyWrapTest, OldKeyStillUnwrapsAfterRotationAndUnknownIdIsRefused) {
    // Ring A has TerminalKeyEncryption key 1; ring B has the same key 1 plus a new key 2.
    std::vector<KeySlot> slots;
    for (KeyPurpose purpose : kAllKeyPurposes) {
        slots.push_back({purpose, 1});
    }
    SecureBuffer material_a(slots.size() * kKeyBytes);
    std::fill_n(material_a.data(), material_a.size(), std::uint8_t{7});
    auto ring_a = KeyRing::fromMaterial(std::move(material_a), slots);
    ASSERT_TRUE(ring_a.ok());
    std::vector<KeySlot> slots_b = slots;
    slots_b.push_back({KeyPurpose::TerminalKeyEncryption, 2});
    SecureBuffer material_b(slots_b.size() * kKeyBytes);
    std::fill_n(material_b.data(), material_b.size(), std::uint8_t{7});
    std::fill_n(material_b.data() + slots.size() * kKeyBytes, kKeyBytes, std::uint8_t{9});
    auto ring_b = KeyRing::fromMaterial(std::move(material_b), slots_b);
    ASSERT_TRUE(ring_b.ok());

    const Bytes old_blob = wrapTerminalMasterKey(*ring_a, tmk_.span(), kTid);
    const auto unwrapped = unwrapTerminalMasterKey(*ring_b, old_blob, kTid);
    ASSERT_TRUE(unwrapped.has_value());
    EXPECT_EQ(toHex(unwrapped->span()), kTmkHex);

    const Bytes new_blob = wrapTerminalMasterKey(*ring_b, tmk_.span(), kTid);
    EXPECT_EQ(new_blob[1], 2);
    EXPECT_FALSE(unwrapTerminalMasterKey(*ring_a, new_blob, kTid).has_value());
}

}  // namespace
}  // namespace yika::crypto
