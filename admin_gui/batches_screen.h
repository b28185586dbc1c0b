#pragma once

// 制卡批次 Production batches: request (maker), approve or reject (a second operator, the
// checker), generate on the server with a progress dialog, download the sealed manufacturer
// file, mark it exported, receive the cards into stock.

#include "admin_gui/screen.h"
#include "admin_gui/table_view.h"

class QProgressDialog;
class QTimer;

namespace yika::gui {

class BatchesScreen : public Screen {
    Q_OBJECT
  public:
    BatchesScreen(AdminClient& client, QWidget* parent);
    void refresh() override;
    void applyPermissions() override;
    TableView* table() const { return table_; }

    // Opens the request form (product, quantity, location); returns it, shown non-modally.
    FormDialog* openRequestDialog();
    // Approves (or rejects) the pending production_batch request of `batch_id`.
    void decide(qint64 batch_id, bool approve, const QString& note = {});
    // Starts generation and shows the progress dialog that polls GET /v1/batches/{id} until
    // the job is done; generationEnded() follows.
    QProgressDialog* generate(qint64 batch_id);
    // export / receive: POST /v1/batches/{id}/{action}.
    void advance(qint64 batch_id, const QString& action);
    // Saves the sealed manufacturer file to `path`.
    void downloadFile(qint64 batch_id, const QString& path);

  signals:
    void generationEnded(bool ok, const QString& message);
    void decided(const yika::gui::ApiResult& result);
    void advanced(const yika::gui::ApiResult& result);
    void downloaded(bool ok);

  private:
    void poll(qint64 batch_id, QProgressDialog* dialog, QTimer* timer);
    qint64 selectedId() const;

    TableView* table_;
    QJsonArray products_;
};

}  // namespace yika::gui
