#pragma once

// 卡片服务 Card service: look a card up by its number (sent in a POST body, never in a URL; the
// field is cleared at once) or by its id, see it with its number masked (first 6, last 4), its
// events and transactions; freeze, unfreeze, replace, extend, redeem.

#include "admin_gui/screen.h"
#include "admin_gui/table_view.h"

#include <QJsonObject>

class QComboBox;
class QLabel;
class QLineEdit;

namespace yika::gui {

class CardsScreen : public Screen {
    Q_OBJECT
  public:
    CardsScreen(AdminClient& client, QWidget* parent);
    void refresh() override;
    void applyPermissions() override;

    void lookupNumber(const QString& card_number);
    void lookupId(qint64 card_id);
    // "freeze" (with reason LOST or RISK_HOLD), "unfreeze", "extend".
    void service(const QString& action, const QString& reason = {});
    void replace(qint64 new_card_id);
    FormDialog* openRedeemDialog();

    const QJsonObject& card() const { return card_; }
    // Every text the card panel shows, joined (tests check no full number is among them).
    QString shownText() const;
    QLineEdit* numberEdit() const { return number_; }
    TableView* transactions() const { return transactions_; }

  signals:
    void cardShown(const QJsonObject& card);
    void serviced(const yika::gui::ApiResult& result);

  private:
    QWidget* buildPanel();
    void setUpTables();
    void showCard(const ApiResult& r);

    QJsonObject card_;
    QLineEdit* number_;
    QLineEdit* id_;
    QComboBox* reason_;
    QMap<QString, QLabel*> fields_;
    TableView* events_;
    TableView* transactions_;
};

}  // namespace yika::gui
