#pragma once

// 发票 Invoices: to buyers (an order's invoiceable amount, the invoices issued against it, and
// issuing one) and from merchants (the fee invoices expected per period, received, outstanding
// or overdue, and recording one).

#include "admin_gui/screen.h"
#include "admin_gui/table_view.h"

#include <QJsonObject>

class QComboBox;
class QLabel;
class QLineEdit;

namespace yika::gui {

class InvoicesScreen : public Screen {
    Q_OBJECT
  public:
    InvoicesScreen(AdminClient& client, QWidget* parent);
    void refresh() override;
    void applyPermissions() override { enableByPermission(); }
    TableView* orderInvoices() const { return order_table_; }
    TableView* merchantPeriods() const { return merchant_table_; }

    void loadOrder(qint64 order_id);
    void loadMerchant(qint64 merchant_id);
    FormDialog* openIssueDialog();
    FormDialog* openReceiveDialog();

  signals:
    void orderLoaded(const QJsonObject& invoices);

  private:
    QLineEdit* order_id_;
    QLabel* order_summary_;
    TableView* order_table_;
    QJsonObject order_;
    QComboBox* merchant_;
    TableView* merchant_table_;
};

}  // namespace yika::gui
