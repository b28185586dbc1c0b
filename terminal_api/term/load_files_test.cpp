#include "terminal_api/term/load_files.h"

#include "crypto/hex.h"

#include <gtest/gtest.h>

namespace yika::term {
namespace {

TEST(LoadFiles, ParsesTerminalsIntoTheArena) {
    auto terminals = parseTerminals(
        "# TID,MID,TMK\n"
        "10000001,898310048140001,0123456789abcdeffedcba9876543210\r\n"
        "\n"
        "10000002,898310048140001,00112233445566778899AABBCCDDEEFF\n");
    ASSERT_TRUE(terminals.ok()) << terminals.error().detail;
    ASSERT_EQ(terminals->size(), 2U);
    EXPECT_EQ(terminals->terminal(1).tid, "10000002");
    EXPECT_EQ(terminals->terminal(0).mid, "898310048140001");
    EXPECT_EQ(crypto::toHex(terminals->tmk(0)), "0123456789abcdeffedcba9876543210");
    EXPECT_EQ(crypto::toHex(terminals->tmk(1)), "00112233445566778899aabbccddeeff");
    EXPECT_EQ(terminals->macKey(1).size(), crypto::kSessionKeyBytes);
}

TEST(LoadFiles, RefusesBadTerminalLinesNamingTheLine) {
    for (const std::string& bad : {
             std::string(""),
             std::string("# only a comment\n"),
             std::string("10000001,898310048140001\n"),
             std::string("1000001,898310048140001,0123456789abcdeffedcba9876543210\n"),
             std::string("10000001,89831004814000,0123456789abcdeffedcba9876543210\n"),
             std::string("10000001,898310048140001,0123456789abcdeffedcba987654321\n"),
             std::string("10000001,898310048140001,0123456789abcdeffedcba987654321g\n"),
         }) {
        auto parsed = parseTerminals(bad);
        EXPECT_FALSE(parsed.ok()) << bad;
        if (!parsed.ok()) {
            EXPECT_EQ(parsed.error().detail.find("0123456789abcdef"), std::string::npos);
        }
    }
    auto second =
        parseTerminals("10000001,898310048140001,0123456789abcdeffedcba9876543210\nbroken\n");
    ASSERT_FALSE(second.ok());
    EXPECT_NE(second.error().detail.find("line 2"), std::string::npos);
}

TEST(LoadFiles, ParsesCards) {
    auto cards = parseCards("6288881234567890128,123456\n6288889876543210987,\n");
    ASSERT_TRUE(cards.ok());
    ASSERT_EQ(cards->size(), 2U);
    EXPECT_EQ((*cards)[0].pin, "123456");
    EXPECT_TRUE((*cards)[1].pin.empty());
    for (const std::string& bad :
         {std::string(""), std::string("6288881234567890128\n"), std::string("628888123456,1234\n"),
          std::string("6288881234567890128,123\n"), std::string("6288881234567890128,12a4\n")}) {
        auto parsed = parseCards(bad);
        EXPECT_FALSE(parsed.ok()) << bad;
        if (!parsed.ok()) {
            EXPECT_EQ(parsed.error().detail.find("628888123456"), std::string::npos);
        }
    }
}

TEST(LoadFiles, ReadWholeFile) {
    EXPECT_FALSE(readWholeFile("/nonexistent/file").ok());
    std::string text = "secret";
    wipe(text);
    EXPECT_EQ(text, std::string(6, '\0'));
}

}  // namespace
}  // namespace yika::term
