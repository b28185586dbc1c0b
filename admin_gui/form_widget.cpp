#include "admin_gui/form_widget.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

namespace yika::gui {

namespace {

void setPath(QJsonObject& root, const QStringList& parts, int i, const QJsonValue& value) {
    if (i == parts.size() - 1) {
        root.insert(parts.at(i), value);
        return;
    }
    QJsonObject child = root.value(parts.at(i)).toObject();
    setPath(child, parts, i + 1, value);
    root.insert(parts.at(i), child);
}

const char* kErrorStyle = "color: #b00020;";

}  // namespace

FormWidget::FormWidget(QWidget* parent)
    : QWidget(parent), layout_(new QFormLayout), general_(new QLabel(this)) {
    general_->setWordWrap(true);
    general_->setObjectName(QStringLiteral("formMessage"));
    general_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    layout_->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    outer->addLayout(layout_);
    outer->addWidget(general_);
}

void FormWidget::addRow(const QString& path, const QString& label, Kind kind, bool required,
                        QWidget* editor) {
    auto* box = new QWidget(this);
    auto* v = new QVBoxLayout(box);
    v->setContentsMargins(0, 0, 0, 0);
    v->setSpacing(1);
    auto* error = new QLabel(box);
    error->setStyleSheet(QString::fromLatin1(kErrorStyle));
    error->setWordWrap(true);
    error->setObjectName(QStringLiteral("error:") + path);
    error->hide();
    editor->setObjectName(path);
    v->addWidget(editor);
    v->addWidget(error);
    layout_->addRow(required ? label + QStringLiteral(" *") : label, box);
    fields_.insert(path, Field{kind, required, editor, error});
    order_.append(path);
}

QLineEdit* FormWidget::addText(const QString& path, const QString& label, bool required,
                               const QString& placeholder) {
    auto* e = new QLineEdit(this);
    e->setPlaceholderText(placeholder);
    addRow(path, label, Kind::Text, required, e);
    return e;
}

QLineEdit* FormWidget::addInteger(const QString& path, const QString& label, bool required) {
    auto* e = new QLineEdit(this);
    addRow(path, label, Kind::Integer, required, e);
    return e;
}

QLineEdit* FormWidget::addMoney(const QString& path, const QString& label, bool required) {
    auto* e = new QLineEdit(this);
    e->setPlaceholderText(tr("元 yuan, e.g. 500.00"));
    addRow(path, label, Kind::Money, required, e);
    return e;
}

QComboBox* FormWidget::addChoice(const QString& path, const QString& label,
                                 const QList<QPair<QString, QString>>& choices) {
    auto* c = new QComboBox(this);
    for (const auto& [value, text] : choices) c->addItem(text, value);
    addRow(path, label, Kind::Choice, true, c);
    return c;
}

QCheckBox* FormWidget::addBool(const QString& path, const QString& label) {
    auto* c = new QCheckBox(this);
    addRow(path, label, Kind::Bool, false, c);
    return c;
}

std::optional<QJsonObject> FormWidget::toJson() {
    clearErrors();
    QJsonObject body;
    bool ok = true;
    auto mark = [&](const Field& f, const QString& text) {
        f.error->setText(text);
        f.error->show();
        ok = false;
    };
    for (const QString& path : order_) {
        const Field& f = fields_[path];
        QJsonValue value;
        if (f.kind == Kind::Choice) {
            value = static_cast<QComboBox*>(f.editor)->currentData().toString();
        } else if (f.kind == Kind::Bool) {
            value = static_cast<QCheckBox*>(f.editor)->isChecked();
        } else {
            QString text = static_cast<QLineEdit*>(f.editor)->text().trimmed();
            if (text.isEmpty()) {
                if (f.required) mark(f, tr("必填 Required"));
                continue;
            }
            if (f.kind == Kind::Text) {
                value = text;
            } else if (f.kind == Kind::Integer) {
                bool is_number = false;
                qint64 n = text.toLongLong(&is_number);
                if (!is_number) {
                    mark(f, tr("请输入整数 Enter a whole number"));
                    continue;
                }
                value = n;
            } else {
                auto minor = parseYuan(text);
                if (!minor) {
                    mark(f, tr("金额格式：元，最多两位小数 Amount in yuan, at most 2 decimals"));
                    continue;
                }
                value = *minor;
            }
        }
        if (!ok) continue;
        setPath(body, path.split('.'), 0, value);
    }
    if (!ok) return std::nullopt;
    return body;
}

void FormWidget::clearErrors() {
    for (const Field& f : fields_) {
        f.error->clear();
        f.error->hide();
    }
    general_->clear();
}

QString FormWidget::matchField(const QString& field) const {
    if (field.isEmpty()) return {};
    if (fields_.contains(field)) return field;
    if (aliases_.contains(field)) return aliases_.value(field);
    // "lines[0].load_each_minor" against a form field "load_each_minor", or the reverse.
    for (const QString& path : order_) {
        if (field.endsWith('.' + path) || path.endsWith('.' + field)) return path;
    }
    QString best;
    for (const QString& path : order_) {
        if (field.startsWith(path + '.') && path.size() > best.size()) best = path;
    }
    // "load_amounts_minor[2]": an element of a list the form edits as one field.
    if (best.isEmpty() && field.contains('[')) {
        const QString list = field.section('[', 0, 0);
        if (fields_.contains(list)) return list;
    }
    return best;
}

void FormWidget::showError(const ApiError& error) {
    clearErrors();
    QString path = matchField(error.field);
    if (!path.isEmpty()) {
        const Field& f = fields_[path];
        f.error->setText(error.message);
        f.error->show();
        f.editor->setFocus();
        showGeneral(tr("请更正标记的字段 Please correct the marked field (%1)").arg(error.code));
        return;
    }
    showGeneral(error.text());
}

QString FormWidget::errorAt(const QString& path) const {
    auto it = fields_.find(path);
    if (it == fields_.end() || it->error->isHidden()) return {};
    return it->error->text();
}

QString FormWidget::generalError() const { return general_->text(); }

void FormWidget::showGeneral(const QString& text, bool is_error) {
    general_->setStyleSheet(is_error ? QString::fromLatin1(kErrorStyle)
                                     : QStringLiteral("color: #1b5e20;"));
    general_->setText(text);
}

QWidget* FormWidget::editor(const QString& path) const {
    auto it = fields_.find(path);
    return it == fields_.end() ? nullptr : it->editor;
}

}  // namespace yika::gui
