#pragma once

// 售卡订单 Sales orders: the list, a new order (the sale rules' refusals appear next to the
// field they name, their warnings under the form), payment recording (activates the cards),
// cancellation.

#include "admin_gui/screen.h"
#include "admin_gui/table_view.h"

class QLabel;

namespace yika::gui {

class OrdersScreen : public Screen {
    Q_OBJECT
  public:
    OrdersScreen(AdminClient& client, QWidget* parent);
    void refresh() override;
    void applyPermissions() override;
    TableView* table() const { return table_; }

    FormDialog* openOrderDialog();
    // The payment form for `order` (amount prefilled with its pay_total).
    FormDialog* openPaymentDialog(const QJsonObject& order);
    void cancel(qint64 order_id);
    QString warnings() const;

  private:
    TableView* table_;
    QLabel* warnings_;
    QJsonArray products_;
};

}  // namespace yika::gui
