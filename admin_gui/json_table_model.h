#pragma once

// JsonTableModel: a read-only table over a JSON array of objects, the shape of every listing
// the admin API answers. Each column names a member by dotted path ("generation.done") and how
// to show it. DisplayRole holds the formatted text; RawRole the raw value (fen for money, ms
// for times) so that sorting through a QSortFilterProxyModel orders numbers as numbers.

#include <QAbstractTableModel>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>

namespace yika::gui {

struct Column {
    enum class Kind { Text, Number, Money, TimeMs, Bool };
    QString path;    // member path in each row object
    QString header;  // shown text ("金额 Amount")
    Kind kind = Kind::Text;
};

class JsonTableModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    static constexpr int RawRole = Qt::UserRole + 1;

    explicit JsonTableModel(QObject* parent = nullptr) : QAbstractTableModel(parent) {}

    // Without columns, the first row's members become the columns (reports whose shape varies).
    void setColumns(QList<Column> columns);
    const QList<Column>& columns() const { return columns_; }
    void setRows(const QJsonArray& rows);
    QJsonObject rowObject(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    // A member by dotted path; Undefined when absent.
    static QJsonValue valueAt(const QJsonObject& object, const QString& path);
    // The text a cell shows for `value` under `kind`.
    static QString display(const QJsonValue& value, Column::Kind kind);

  private:
    QList<Column> columns_;
    bool derived_columns_ = false;
    QList<QJsonObject> rows_;
};

// `rows` with a "product_code" member beside each "product_id" (the code from `products`), so
// that lists show GIFT-ANON rather than 2.
QJsonArray withProductCodes(const QJsonArray& rows, const QJsonArray& products);

}  // namespace yika::gui
