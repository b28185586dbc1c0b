#pragma once

// Human-readable output of the yika-term simulator: a receipt-like summary of one transaction
// and hex dumps of frames. Pure formatting; card numbers are always masked (first 6, last 4).

#include "card_core/domain/money.h"
#include "terminal_api/iso8583/message.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace yika::term {

struct Receipt {
    std::string title;  // "PURCHASE"
    std::string tid;
    std::string mid;
    std::string pan;  // full; masked when printed
    std::optional<Money> amount;
    std::optional<Money> balance;
    std::string batch;
    std::string trace;
    std::string rrn;
    std::string auth_id;
    std::string date;  // MMDD
    std::string time;  // hhmmss
    std::string response_code;
    std::string note;  // extra line, e.g. "void of trace 000002"
};

// The receipt as text lines, each "LABEL     value".
std::string formatReceipt(const Receipt& receipt);

// "00 approved", "51 insufficient funds", "XY (unknown code)".
std::string describeResponseCode(std::string_view code);

// "CNY 12.50".
std::string formatAmount(Money amount);

// A hex dump of `bytes`, 16 bytes a line with offsets as in the protocol document, preceded by
// `label`. Wherever the digits of a number in `pans` appear in the nibbles (field 2, the PANs
// of a batch upload in field 48), all but the first 6 and last 4 are shown as '*', so a dump
// never shows a full card number.
std::string hexDump(std::string_view label, std::span<const std::uint8_t> bytes,
                    std::span<const std::string> pans = {});

// The fields of a response for the receipt.
void fillFromResponse(Receipt& receipt, const iso8583::Message& response);

}  // namespace yika::term
