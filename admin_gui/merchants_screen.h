#pragma once

// 商户 Merchants, their stores and terminals, and merchant groups (商户组): new merchant, new
// group, fee change request (maker-checker), new store, new terminal (its master key is shown
// once, in a dialog, and nowhere else).

#include "admin_gui/screen.h"
#include "admin_gui/table_view.h"

namespace yika::gui {

class MerchantsScreen : public Screen {
    Q_OBJECT
  public:
    MerchantsScreen(AdminClient& client, QWidget* parent);
    void refresh() override;
    void applyPermissions() override { enableByPermission(); }
    TableView* merchants() const { return merchants_; }
    TableView* stores() const { return stores_; }
    TableView* terminals() const { return terminals_; }
    // 商户组 Merchant groups (a product's scope: the merchants where its cards are accepted).
    TableView* groups() const { return groups_; }

    FormDialog* openMerchantDialog();
    FormDialog* openFeeChangeDialog(qint64 merchant_id);
    FormDialog* openStoreDialog(qint64 merchant_id);
    FormDialog* openTerminalDialog(qint64 merchant_id);
    FormDialog* openGroupDialog();
    // The text of the terminal-key dialog while it is open; empty once it is closed.
    const QString& lastKeyText() const { return last_key_text_; }

  private:
    void loadChildren(qint64 merchant_id);

    TableView* merchants_;
    TableView* stores_;
    TableView* terminals_;
    TableView* groups_;
    QString last_key_text_;
};

}  // namespace yika::gui
