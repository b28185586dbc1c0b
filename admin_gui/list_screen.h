#pragma once

// ListScreen: a screen that is one listing (a GET path, every page) in a TableView, with a row
// of action buttons above it. The small screens (products, stock, approvals, operators, audit)
// are ListScreens with their own buttons.

#include "admin_gui/screen.h"
#include "admin_gui/table_view.h"

#include <QHBoxLayout>
#include <QPushButton>

namespace yika::gui {

class ListScreen : public Screen {
    Q_OBJECT
  public:
    ListScreen(AdminClient& client, QString path, QList<Column> columns, QWidget* parent);
    void refresh() override;
    void applyPermissions() override { enableByPermission(); }
    TableView* table() const { return table_; }
    void setPath(const QString& path) { path_ = path; }
    const QString& path() const { return path_; }

  protected:
    QHBoxLayout* buttons() const { return buttons_; }
    qint64 selectedId() const {
        return table_->currentRow().value(QStringLiteral("id")).toInteger();
    }

  private:
    QString path_;
    TableView* table_;
    QHBoxLayout* buttons_;
    int sequence_ = 0;  // answers to an older refresh() are dropped
};

// 卡产品 Card products: the list and a new product (issuance).
class ProductsScreen : public ListScreen {
    Q_OBJECT
  public:
    ProductsScreen(AdminClient& client, QWidget* parent);
    FormDialog* openProductDialog();
};

// 库存 Stock by product and location.
class StockScreen : public ListScreen {
    Q_OBJECT
  public:
    StockScreen(AdminClient& client, QWidget* parent);
    void refresh() override;
};

// 审批 Approvals (maker-checker): pending or decided requests; approve or reject with a note.
class ApprovalsScreen : public ListScreen {
    Q_OBJECT
  public:
    ApprovalsScreen(AdminClient& client, QWidget* parent);
    void applyPermissions() override;
    void decide(qint64 approval_id, bool approve, const QString& note);
    // 调账 Manual adjustment request (POST /v1/adjustments): a reason and 2 to kAdjustmentLines
    // journal lines (an empty amount leaves a line out); approved here by a second operator.
    FormDialog* openAdjustmentDialog();
    static constexpr int kAdjustmentLines = 4;
  signals:
    void decided(const yika::gui::ApiResult& result);

  private:
    QList<QPushButton*> decide_buttons_;
    QPushButton* adjust_button_ = nullptr;
};

// 操作员 Operators: create (the one-time password is shown once), disable, reset password.
class OperatorsScreen : public ListScreen {
    Q_OBJECT
  public:
    OperatorsScreen(AdminClient& client, QWidget* parent);
    void refresh() override;
    FormDialog* openCreateDialog();
};

// 审计 Audit log and its hash-chain check.
class AuditScreen : public ListScreen {
    Q_OBJECT
  public:
    AuditScreen(AdminClient& client, QWidget* parent);
    void refresh() override;
};

}  // namespace yika::gui
