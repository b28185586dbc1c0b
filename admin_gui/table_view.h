#pragma once

// TableView: the one table widget every screen uses. A JsonTableModel behind a
// QSortFilterProxyModel (click a header to sort; the filter box matches any column), a row
// count, "刷新 Refresh" and "导出 CSV Export CSV" of exactly the rows shown, in the order shown.
// Screens add their own buttons to toolbar().

#include "admin_gui/json_table_model.h"

#include <QJsonObject>
#include <QWidget>

class QHBoxLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace yika::gui {

class TableView : public QWidget {
    Q_OBJECT
  public:
    explicit TableView(QWidget* parent = nullptr);

    void setColumns(QList<Column> columns) { model_->setColumns(std::move(columns)); }
    void setRows(const QJsonArray& rows);
    JsonTableModel* model() const { return model_; }
    QSortFilterProxyModel* proxy() const { return proxy_; }
    QTableView* view() const { return view_; }
    QLineEdit* filterEdit() const { return filter_; }
    QPushButton* exportButton() const { return export_; }
    QHBoxLayout* toolbar() const { return toolbar_; }

    // The selected row's object (through the sort and filter), empty when none is selected.
    QJsonObject currentRow() const;
    // Selects the first shown row whose `path` member equals `value`; false if none.
    bool selectWhere(const QString& path, const QJsonValue& value);
    // The shown rows as CSV (RFC 4180, header line first, CRLF line ends, UTF-8). A cell that
    // a spreadsheet would take for a formula (=, +, @, or - not followed by a digit) gets a
    // leading apostrophe.
    QString toCsv() const;
    // Writes toCsv() to `path`; false with `error` set on failure.
    bool exportCsv(const QString& path, QString* error) const;

  signals:
    void refreshRequested();
    void currentRowChanged(const QJsonObject& row);

  private:
    void askAndExport();
    void updateCount();

    JsonTableModel* model_;
    QSortFilterProxyModel* proxy_;
    QTableView* view_;
    QLineEdit* filter_;
    QLabel* count_;
    QPushButton* export_;
    QHBoxLayout* toolbar_;
};

}  // namespace yika::gui
