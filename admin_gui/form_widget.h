#pragma once

// FormWidget: a form whose fields are named by their path in the request body, so that the
// server's 4xx answer {"error":{"message","field"}} lands next to the field it names
// (docs/admin-api.md, Errors). toJson() builds the body from the fields; the screen may add
// what a form cannot express (arrays of lines) before it posts.

#include "admin_gui/admin_client.h"

#include <QJsonObject>
#include <QMap>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;

namespace yika::gui {

class FormWidget : public QWidget {
    Q_OBJECT
  public:
    enum class Kind { Text, Integer, Money, Choice, Bool };

    explicit FormWidget(QWidget* parent = nullptr);

    // A field at `path` ("buyer.id_number"). Money fields take yuan ("12.50") and send fen
    // (`path` should end in _minor). Empty optional fields are left out of the body.
    QLineEdit* addText(const QString& path, const QString& label, bool required = true,
                       const QString& placeholder = {});
    QLineEdit* addInteger(const QString& path, const QString& label, bool required = true);
    QLineEdit* addMoney(const QString& path, const QString& label, bool required = true);
    // `choices`: (value sent, text shown).
    QComboBox* addChoice(const QString& path, const QString& label,
                         const QList<QPair<QString, QString>>& choices);
    QCheckBox* addBool(const QString& path, const QString& label);

    // Another name the server uses for the field at `path` (the sale rules say "load: ..." about
    // lines[i].load_each_minor).
    void addAlias(const QString& server_field, const QString& path) {
        aliases_.insert(server_field, path);
    }

    // The body, or nullopt after marking the fields that are empty or malformed locally.
    std::optional<QJsonObject> toJson();
    // Clears every message.
    void clearErrors();
    // The error next to its field (matched by path, by suffix, or by the longest prefix) or, for
    // an error about no field, in the message line under the form.
    void showError(const ApiError& error);
    // The message shown next to `path` ("" if none), and under the form.
    QString errorAt(const QString& path) const;
    QString generalError() const;
    void showGeneral(const QString& text, bool is_error = true);
    QWidget* editor(const QString& path) const;

  private:
    struct Field {
        Kind kind;
        bool required;
        QWidget* editor;
        QLabel* error;
    };
    void addRow(const QString& path, const QString& label, Kind kind, bool required,
                QWidget* editor);
    QString matchField(const QString& field) const;

    QFormLayout* layout_;
    QLabel* general_;
    QMap<QString, Field> fields_;
    QMap<QString, QString> aliases_;
    QStringList order_;
};

}  // namespace yika::gui
