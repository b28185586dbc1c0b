#include "terminal_api/term/receipt.h"

#include "crypto/card_vault.h"
#include "terminal_api/iso8583/response_code.h"
#include "terminal_api/iso8583/subfields.h"

#include <array>

namespace yika::term {

namespace {

using iso8583::Field;

void addLine(std::string& out, std::string_view label, std::string_view value) {
    if (value.empty()) {
        return;
    }
    constexpr std::size_t kLabelWidth = 10;
    out += label;
    out.append(label.size() < kLabelWidth ? kLabelWidth - label.size() : 1, ' ');
    out += value;
    out += '\n';
}

}  // namespace

std::string describeResponseCode(std::string_view code) {
    const auto parsed = iso8583::parseResponseCode(code);
    if (!parsed) {
        return std::string(code) + " (unknown code)";
    }
    return std::string(code) + " " + std::string(iso8583::describe(*parsed));
}

std::string formatAmount(Money amount) {
    return std::string(currencyAlpha(amount.currency())) + " " + amount.toDecimal();
}

std::string formatReceipt(const Receipt& r) {
    const std::string rule(40, '-');
    std::string out = rule + "\n";
    out += "YIKA  " + r.title + "\n";
    addLine(out, "TERMINAL", r.tid);
    addLine(out, "MERCHANT", r.mid);
    addLine(out, "CARD", r.pan.empty() ? "" : crypto::maskCardNumber(r.pan));
    addLine(out, "AMOUNT", r.amount ? formatAmount(*r.amount) : "");
    addLine(out, "BATCH", r.batch);
    addLine(out, "TRACE", r.trace);
    addLine(out, "REF NO", r.rrn);
    addLine(out, "AUTH ID", r.auth_id);
    addLine(out, "DATE", r.date.size() == 4 ? r.date.substr(0, 2) + "-" + r.date.substr(2) : "");
    addLine(out, "TIME",
            r.time.size() == 6
                ? r.time.substr(0, 2) + ":" + r.time.substr(2, 2) + ":" + r.time.substr(4)
                : "");
    addLine(out, "BALANCE", r.balance ? formatAmount(*r.balance) : "");
    addLine(out, "NOTE", r.note);
    addLine(out, "RESULT",
            r.response_code.empty() ? "no answer" : describeResponseCode(r.response_code));
    out += rule + "\n";
    return out;
}

std::string hexDump(std::string_view label, std::span<const std::uint8_t> bytes,
                    std::span<const std::string> pans) {
    static constexpr std::string_view kDigits = "0123456789ABCDEF";
    // BCD digits read as hex are the digits themselves, so a PAN shows up verbatim in the
    // nibble string, at whatever nibble it starts.
    std::string nibbles;
    nibbles.reserve(2 * bytes.size());
    for (const std::uint8_t byte : bytes) {
        nibbles += kDigits[byte >> 4];
        nibbles += kDigits[byte & 0xf];
    }
    for (const std::string& pan : pans) {
        if (pan.size() < 11) {
            continue;
        }
        for (std::size_t at = nibbles.find(pan); at != std::string::npos;
             at = nibbles.find(pan, at + 1)) {
            nibbles.replace(at + 6, pan.size() - 10, pan.size() - 10, '*');
        }
    }
    std::string out = std::string(label) + " (" + std::to_string(bytes.size()) + " bytes)\n";
    for (std::size_t offset = 0; offset < bytes.size(); offset += 16) {
        for (int shift = 12; shift >= 0; shift -= 4) {
            out += kDigits[(offset >> shift) & 0xf];
        }
        for (std::size_t i = offset; i < offset + 16 && i < bytes.size(); ++i) {
            out += ' ';
            out.append(nibbles, 2 * i, 2);
        }
        out += '\n';
    }
    return out;
}

void fillFromResponse(Receipt& receipt, const iso8583::Message& response) {
    receipt.response_code = response.get(Field::ResponseCode);
    receipt.rrn = response.get(Field::RetrievalReference);
    receipt.auth_id = response.get(Field::AuthorizationId);
    receipt.date = response.get(Field::LocalDate);
    receipt.time = response.get(Field::LocalTime);
    if (response.has(Field::Balance)) {
        auto balance = iso8583::parseBalance(response.get(Field::Balance));
        if (balance) {
            receipt.balance = *balance;
        } else {
            receipt.note = "field 54 (balance) is malformed";
        }
    }
}

}  // namespace yika::term
