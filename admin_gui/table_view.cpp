#include "admin_gui/table_view.h"

#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace yika::gui {

TableView::TableView(QWidget* parent)
    : QWidget(parent),
      model_(new JsonTableModel(this)),
      proxy_(new QSortFilterProxyModel(this)),
      view_(new QTableView(this)),
      filter_(new QLineEdit(this)),
      count_(new QLabel(this)),
      export_(new QPushButton(tr("导出 CSV Export CSV"), this)),
      toolbar_(new QHBoxLayout) {
    proxy_->setSourceModel(model_);
    proxy_->setSortRole(JsonTableModel::RawRole);
    proxy_->setFilterKeyColumn(-1);
    proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
    view_->setModel(proxy_);
    view_->setSortingEnabled(true);
    view_->setSelectionBehavior(QAbstractItemView::SelectRows);
    view_->setSelectionMode(QAbstractItemView::SingleSelection);
    view_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view_->setAlternatingRowColors(true);
    view_->verticalHeader()->setVisible(false);
    view_->horizontalHeader()->setStretchLastSection(true);
    view_->sortByColumn(-1, Qt::AscendingOrder);

    filter_->setPlaceholderText(tr("筛选 Filter"));
    count_->setMinimumWidth(
        count_->fontMetrics().horizontalAdvance(tr("%1 / %2 行 rows").arg(99999).arg(99999)));
    filter_->setClearButtonEnabled(true);
    filter_->setObjectName(QStringLiteral("filter"));
    export_->setObjectName(QStringLiteral("exportCsv"));
    auto* refresh = new QPushButton(tr("刷新 Refresh"), this);
    refresh->setObjectName(QStringLiteral("refresh"));

    auto* top = new QHBoxLayout;
    top->addWidget(filter_, 1);
    top->addWidget(count_);
    top->addLayout(toolbar_);
    top->addWidget(refresh);
    top->addWidget(export_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(view_, 1);

    connect(filter_, &QLineEdit::textChanged, this, [this](const QString& text) {
        proxy_->setFilterFixedString(text);
        updateCount();
    });
    connect(refresh, &QPushButton::clicked, this, &TableView::refreshRequested);
    connect(export_, &QPushButton::clicked, this, &TableView::askAndExport);
    connect(view_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this] { emit currentRowChanged(currentRow()); });
    updateCount();
}

void TableView::setRows(const QJsonArray& rows) {
    // Keep the selection on the same entity across a refresh, by id where rows have one.
    QJsonValue selected_id = currentRow().value(QStringLiteral("id"));
    model_->setRows(rows);
    view_->resizeColumnsToContents();
    for (int c = 0; c < model_->columnCount(); ++c) {
        if (view_->columnWidth(c) > 320) view_->setColumnWidth(c, 320);
    }
    if (!selected_id.isUndefined()) selectWhere(QStringLiteral("id"), selected_id);
    updateCount();
    emit currentRowChanged(currentRow());
}

QJsonObject TableView::currentRow() const {
    QModelIndex index = view_->selectionModel()->currentIndex();
    if (!index.isValid()) return {};
    return model_->rowObject(proxy_->mapToSource(index).row());
}

bool TableView::selectWhere(const QString& path, const QJsonValue& value) {
    for (int r = 0; r < proxy_->rowCount(); ++r) {
        int source = proxy_->mapToSource(proxy_->index(r, 0)).row();
        if (JsonTableModel::valueAt(model_->rowObject(source), path) == value) {
            view_->selectRow(r);
            view_->selectionModel()->setCurrentIndex(
                proxy_->index(r, 0), QItemSelectionModel::Rows | QItemSelectionModel::Select);
            return true;
        }
    }
    return false;
}

namespace {

QString csvCell(QString text) {
    if (!text.isEmpty()) {
        QChar first = text.at(0);
        bool formula = first == '=' || first == '+' || first == '@' ||
                       (first == '-' && (text.size() == 1 || !text.at(1).isDigit()));
        if (formula) text.prepend('\'');
    }
    if (text.contains(',') || text.contains('"') || text.contains('\n') || text.contains('\r')) {
        text.replace(QStringLiteral("\""), QStringLiteral("\"\""));
        return '"' + text + '"';
    }
    return text;
}

}  // namespace

QString TableView::toCsv() const {
    QString out;
    QStringList cells;
    for (int c = 0; c < proxy_->columnCount(); ++c)
        cells << csvCell(proxy_->headerData(c, Qt::Horizontal, Qt::DisplayRole).toString());
    out += cells.join(',') + QStringLiteral("\r\n");
    for (int r = 0; r < proxy_->rowCount(); ++r) {
        cells.clear();
        for (int c = 0; c < proxy_->columnCount(); ++c)
            cells << csvCell(proxy_->index(r, c).data(Qt::DisplayRole).toString());
        out += cells.join(',') + QStringLiteral("\r\n");
    }
    return out;
}

bool TableView::exportCsv(const QString& path, QString* error) const {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        if (error) *error = file.errorString();
        return false;
    }
    QByteArray bytes = toCsv().toUtf8();
    if (file.write(bytes) != bytes.size() || !file.flush()) {
        if (error) *error = file.errorString();
        return false;
    }
    return true;
}

void TableView::askAndExport() {
    QString path = QFileDialog::getSaveFileName(this, tr("导出 CSV Export CSV"), QString(),
                                                QStringLiteral("CSV (*.csv)"));
    if (path.isEmpty()) return;
    QString error;
    if (!exportCsv(path, &error)) {
        QMessageBox::warning(this, tr("导出失败 Export failed"), error);
    }
}

void TableView::updateCount() {
    count_->setText(tr("%1 / %2 行 rows").arg(proxy_->rowCount()).arg(model_->rowCount()));
}

}  // namespace yika::gui
