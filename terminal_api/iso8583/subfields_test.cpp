#include "terminal_api/iso8583/subfields.h"

#include <gtest/gtest.h>

namespace yika::iso8583 {
namespace {

TEST(Subfields, Field60) {
    auto parsed = parseField60("22000001000");
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->type_code, "22");
    EXPECT_EQ(parsed->batch_number, "000001");
    EXPECT_EQ(parsed->network_code, "000");
    auto short_form = parseField60("00000123");
    ASSERT_TRUE(short_form.ok());
    EXPECT_EQ(short_form->batch_number, "000123");
    EXPECT_EQ(short_form->network_code, "");
    EXPECT_TRUE(parseField60("22000001000"
                             "100000")
                    .ok());
    EXPECT_FALSE(parseField60("2200000").ok());
    EXPECT_FALSE(parseField60("220000010").ok());
    EXPECT_FALSE(parseField60("2200000100").ok());
    EXPECT_EQ(formatField60("00", "000001", "003"), "00000001003");
    EXPECT_EQ(formatField60("22", "000001"), "22000001");
}

TEST(Subfields, Field61) {
    auto parsed = parseField61("0000010000421123");
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->original_batch, "000001");
    EXPECT_EQ(parsed->original_trace, "000042");
    EXPECT_EQ(parsed->original_date, "1123");
    EXPECT_TRUE(parseField61("000001000042").ok());
    EXPECT_FALSE(parseField61("00000100004").ok());
    EXPECT_FALSE(parseField61("0000010000421").ok());
    EXPECT_EQ(formatField61("000001", "000042", "1123"), "0000010000421123");
}

TEST(Subfields, SettlementTotalsRoundTrip) {
    const SettlementTotals totals{123456, 7, 1250, 1, 0};
    const std::string text = formatSettlementTotals(totals);
    EXPECT_EQ(text,
              "000000123456"
              "007"
              "000000001250"
              "001"
              "0" +
                  std::string(31, '0'));
    auto parsed = parseSettlementTotals(text);
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, totals);
    std::string foreign = text;
    foreign[40] = '1';
    EXPECT_FALSE(parseSettlementTotals(foreign).ok());
    std::string bad_result = text;
    bad_result[30] = '4';
    EXPECT_FALSE(parseSettlementTotals(bad_result).ok());
    EXPECT_FALSE(parseSettlementTotals(text.substr(1)).ok());
}

TEST(Subfields, BatchUploadRoundTrip) {
    const std::vector<BatchUploadItem> items = {{"000002", "6288880000000000016", 1250},
                                                {"000003", "628888000000", 1}};
    const std::string text = formatBatchUpload(items);
    EXPECT_EQ(text.size(), 2u + 2 * 40);
    EXPECT_EQ(text.substr(0, 42),
              "02"
              "00"
              "000002"
              "06288880000000000016"
              "000000001250");
    auto parsed = parseBatchUpload(text);
    ASSERT_TRUE(parsed.ok()) << parsed.error().detail;
    EXPECT_EQ(*parsed, items);
    EXPECT_FALSE(parseBatchUpload("00").ok());
    EXPECT_FALSE(parseBatchUpload("09" + std::string(360, '1')).ok());
    EXPECT_FALSE(parseBatchUpload(text.substr(0, 60)).ok());
    std::string short_pan = text;
    short_pan.replace(10, 20, std::string(9, '0') + "12345678901");
    EXPECT_FALSE(parseBatchUpload(short_pan).ok());
}

TEST(Subfields, BalanceRoundTrip) {
    const Money balance = Money::fromMinor(123456, Currency::Cny);
    const std::string text = formatBalance(balance);
    EXPECT_EQ(text, "0002156C000000123456");
    auto parsed = parseBalance(text);
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, balance);
    EXPECT_EQ(formatBalance(Money::fromMinor(-5, Currency::Cny)), "0002156D000000000005");
    EXPECT_FALSE(parseBalance("0002156X000000123456").ok());
    EXPECT_FALSE(parseBalance("0002999C000000123456").ok());
    EXPECT_FALSE(parseBalance("0002156C00000012345").ok());
}

}  // namespace
}  // namespace yika::iso8583
