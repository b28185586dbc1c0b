#include "admin_gui/json_table_model.h"

#include "admin_gui/admin_client.h"

#include <QDateTime>
#include <QHash>
#include <QJsonDocument>

namespace yika::gui {

void JsonTableModel::setColumns(QList<Column> columns) {
    beginResetModel();
    columns_ = std::move(columns);
    derived_columns_ = false;
    endResetModel();
}

void JsonTableModel::setRows(const QJsonArray& rows) {
    beginResetModel();
    rows_.clear();
    rows_.reserve(rows.size());
    for (const QJsonValue& v : rows) rows_.append(v.toObject());
    if ((columns_.isEmpty() || derived_columns_) && !rows_.isEmpty()) {
        // Derived columns: "x_minor" is money shown as "x"; its decimal twins ("x", "x_yuan")
        // are left out, so that the column sorts by the integer.
        columns_.clear();
        derived_columns_ = true;
        const QJsonObject& first = rows_.first();
        for (const QString& key : first.keys()) {
            if (first.contains(key + QStringLiteral("_minor"))) continue;
            if (key.endsWith(QStringLiteral("_yuan")) &&
                first.contains(key.chopped(5) + QStringLiteral("_minor")))
                continue;
            Column c{key, key, Column::Kind::Text};
            if (key.endsWith(QStringLiteral("_minor"))) {
                c.kind = Column::Kind::Money;
                c.header = key.chopped(6);
            } else if (key.endsWith(QStringLiteral("_at_ms"))) {
                c.kind = Column::Kind::TimeMs;
            } else if (first.value(key).isDouble()) {
                c.kind = Column::Kind::Number;
            }
            columns_.append(c);
        }
    }
    endResetModel();
}

QJsonObject JsonTableModel::rowObject(int row) const {
    return row >= 0 && row < rows_.size() ? rows_.at(row) : QJsonObject();
}

int JsonTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int JsonTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(columns_.size());
}

QJsonValue JsonTableModel::valueAt(const QJsonObject& object, const QString& path) {
    QJsonValue v = object;
    for (const QString& part : path.split('.')) {
        if (!v.isObject()) return QJsonValue(QJsonValue::Undefined);
        v = v.toObject().value(part);
    }
    return v;
}

QString JsonTableModel::display(const QJsonValue& value, Column::Kind kind) {
    if (value.isUndefined() || value.isNull()) return {};
    switch (kind) {
        case Column::Kind::Money:
            return value.isDouble() ? formatYuan(value.toInteger()) : value.toString();
        case Column::Kind::TimeMs: {
            qint64 ms = value.toInteger();
            if (ms <= 0) return {};
            return QDateTime::fromMSecsSinceEpoch(ms).toString(
                QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        }
        case Column::Kind::Bool:
            return value.toBool() ? QStringLiteral("✓") : QString();
        case Column::Kind::Number:
        case Column::Kind::Text:
            break;
    }
    if (value.isString()) return value.toString();
    if (value.isBool()) return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (value.isDouble()) return QString::number(value.toInteger());
    if (value.isArray()) {
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    }
    return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
}

QVariant JsonTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rows_.size() || index.column() >= columns_.size())
        return {};
    const Column& c = columns_.at(index.column());
    QJsonValue v = valueAt(rows_.at(index.row()), c.path);
    switch (role) {
        case Qt::DisplayRole:
        case Qt::ToolTipRole:
            return display(v, c.kind);
        case RawRole:
            if (v.isDouble()) return QVariant::fromValue(v.toInteger());
            if (v.isBool()) return v.toBool() ? 1 : 0;
            return display(v, c.kind);
        case Qt::TextAlignmentRole:
            if (c.kind == Column::Kind::Money || c.kind == Column::Kind::Number)
                return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
            return {};
        default:
            return {};
    }
}

QVariant JsonTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section >= columns_.size())
        return QAbstractTableModel::headerData(section, orientation, role);
    return columns_.at(section).header;
}

QJsonArray withProductCodes(const QJsonArray& rows, const QJsonArray& products) {
    QHash<qint64, QString> codes;
    for (const QJsonValue& p : products) {
        codes.insert(p.toObject().value(QStringLiteral("id")).toInteger(),
                     p.toObject().value(QStringLiteral("code")).toString());
    }
    QJsonArray out;
    for (const QJsonValue& v : rows) {
        QJsonObject row = v.toObject();
        qint64 id = row.value(QStringLiteral("product_id")).toInteger();
        row.insert(QStringLiteral("product_code"), codes.value(id, QString::number(id)));
        out.append(row);
    }
    return out;
}

}  // namespace yika::gui
