#pragma once

// MainWindow: the screens of the back office in a list on the left, one shown at a time; the
// operator and role at the top; messages in the status bar. Screens reload when shown and
// enable their buttons from the session's permissions whenever the session changes.

#include "admin_gui/admin_client.h"

#include <QMainWindow>

class QLabel;
class QListWidget;
class QStackedWidget;

namespace yika::gui {

class ApprovalsScreen;
class AuditScreen;
class BatchesScreen;
class CardsScreen;
class DashboardScreen;
class DayScreen;
class InvoicesScreen;
class MerchantsScreen;
class OperatorsScreen;
class OrdersScreen;
class ProductsScreen;
class ReconScreen;
class ReportsScreen;
class Screen;
class StockScreen;

class MainWindow : public QMainWindow {
    Q_OBJECT
  public:
    explicit MainWindow(AdminClient& client, QWidget* parent = nullptr);

    // Shows the screen at `index` (the order of the list) and refreshes it.
    void showScreen(int index);
    int screenCount() const;
    Screen* screen(int index) const;
    QString screenTitle(int index) const;

    DashboardScreen* dashboard() const { return dashboard_; }
    ProductsScreen* products() const { return products_; }
    BatchesScreen* batches() const { return batches_; }
    StockScreen* stock() const { return stock_; }
    OrdersScreen* orders() const { return orders_; }
    CardsScreen* cards() const { return cards_; }
    MerchantsScreen* merchants() const { return merchants_; }
    ApprovalsScreen* approvals() const { return approvals_; }
    DayScreen* day() const { return day_; }
    ReconScreen* recon() const { return recon_; }
    InvoicesScreen* invoices() const { return invoices_; }
    ReportsScreen* reports() const { return reports_; }
    OperatorsScreen* operators() const { return operators_; }
    AuditScreen* audit() const { return audit_; }

  signals:
    void logoutRequested();
    void closed();

  protected:
    void closeEvent(QCloseEvent* event) override;

  private:
    void add(Screen* screen, const QString& title);
    void sessionChanged();

    AdminClient& client_;
    QListWidget* nav_;
    QStackedWidget* stack_;
    QLabel* who_;
    DashboardScreen* dashboard_;
    ProductsScreen* products_;
    BatchesScreen* batches_;
    StockScreen* stock_;
    OrdersScreen* orders_;
    CardsScreen* cards_;
    MerchantsScreen* merchants_;
    ApprovalsScreen* approvals_;
    DayScreen* day_;
    ReconScreen* recon_;
    InvoicesScreen* invoices_;
    ReportsScreen* reports_;
    OperatorsScreen* operators_;
    AuditScreen* audit_;
};

}  // namespace yika::gui
