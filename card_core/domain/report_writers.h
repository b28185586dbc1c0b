#pragma once

// CSV and JSON for every report of reports.h (and the payout and exception lists). JSON
// amounts follow the wire convention ("x_minor": 1250, "x": "12.50"); CSV amounts are yuan
// with two decimals. Column lists: docs/day-close.md.

#include "card_core/domain/reports.h"

#include <string>
#include <vector>

namespace yika {

std::string toJson(const TrialBalance& r);
std::string toCsv(const TrialBalance& r);
std::string toJson(const LiabilityReport& r);
std::string toCsv(const LiabilityReport& r);
std::string toJson(const ActivityReport& r);
std::string toCsv(const ActivityReport& r);
std::string toJson(const SettlementReport& r);
std::string toCsv(const SettlementReport& r);
std::string toJson(const BreakageReport& r);
std::string toCsv(const BreakageReport& r);
std::string toJson(const InvoicesOutReport& r);
std::string toCsv(const InvoicesOutReport& r);
std::string toJson(const InvoicesInReport& r);
std::string toCsv(const InvoicesInReport& r);
std::string toJson(const InvoicePoolReport& r);
std::string toCsv(const InvoicePoolReport& r);
std::string toJson(const DayReport& r);
std::string toCsv(const DayReport& r);
std::string toJson(const std::vector<Payout>& payouts);
std::string toCsv(const std::vector<Payout>& payouts);
std::string toJson(const std::vector<ReconException>& exceptions);
std::string toCsv(const std::vector<ReconException>& exceptions);

}  // namespace yika
