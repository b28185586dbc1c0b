// yika-admin against a real yikad (issue 6): the test initialises a demo data folder, starts
// `yikad serve` on free ports, logs in through the GUI's own client and dialogs (changing the
// first administrator's one-time password), creates the operators it needs, and drives the real
// widgets on the offscreen platform. It waits on signals only. It ends with `yikad verify` on
// the stopped server's data folder (ledger invariants and the audit chain).
//
// With YIKA_SCREENSHOT_DIR set it also saves the main screens as PNG files there
// (docs/admin-gui-*.png are made this way: see docs/admin-gui.md).

#include "admin_gui/admin_client.h"
#include "admin_gui/batches_screen.h"
#include "admin_gui/cards_screen.h"
#include "admin_gui/dashboard_screen.h"
#include "admin_gui/day_screen.h"
#include "admin_gui/invoices_screen.h"
#include "admin_gui/list_screen.h"
#include "admin_gui/login_dialog.h"
#include "admin_gui/main_window.h"
#include "admin_gui/merchants_screen.h"
#include "admin_gui/orders_screen.h"
#include "admin_gui/reports_screen.h"
#include "tests/support/yikad_process.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QProgressDialog>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <memory>
#include <regex>

using yika::gui::AdminClient;
using yika::gui::ApiReply;
using yika::gui::ApiResult;

namespace {

constexpr int kWaitMs = 60000;  // generous: the machine is shared, argon2id is slow on purpose
const QString kPassword = QStringLiteral("gui-test-password-42");

// The outcome of a call, waiting for its finished() signal.
ApiResult await(ApiReply* reply) {
    ApiResult out;
    out.error = yika::gui::ApiError{0, QStringLiteral("timeout"), QStringLiteral("no answer"), {}};
    QSignalSpy spy(reply, &ApiReply::finished);
    QObject context;
    reply->then(&context, [&out](const ApiResult& r) { out = r; });
    if (spy.count() == 0) spy.wait(kWaitMs);
    return out;
}

// Free cards of `product` in a GET /v1/stock answer.
qint64 freeCards(const ApiResult& stock, qint64 product) {
    for (const QJsonValue& v : stock.json.value(QStringLiteral("items")).toArray()) {
        if (v.toObject().value(QStringLiteral("product_id")).toInteger() == product)
            return v.toObject().value(QStringLiteral("free")).toInteger();
    }
    return 0;
}

// Runs `start` and waits for `signal` of `sender`; true if it came.
template <typename Sender, typename Signal, typename Start>
bool waitFor(Sender* sender, Signal signal, Start start, QSignalSpy** keep = nullptr) {
    auto* spy = new QSignalSpy(sender, signal);
    start();
    bool ok = spy->count() > 0 || spy->wait(kWaitMs);
    if (keep) {
        *keep = spy;
    } else {
        delete spy;
    }
    return ok;
}

QString text(const std::string& s) { return QString::fromStdString(s); }

// The cells of one CSV line (RFC 4180 quoting, no line breaks inside cells).
QStringList csvCells(const QString& line) {
    QStringList cells;
    QString cell;
    bool quoted = false;
    for (qsizetype i = 0; i < line.size(); ++i) {
        QChar c = line.at(i);
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line.at(i + 1) == '"') {
                cell += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                cell += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            cells << cell;
            cell.clear();
        } else {
            cell += c;
        }
    }
    cells << cell;
    return cells;
}

}  // namespace

class AdminGuiTest : public QObject {
    Q_OBJECT

  private slots:
    void initTestCase();
    void loginRequiresThePasswordChangeAndStoresNoSecret();
    void buttonsFollowThePermissions();
    void dashboardFiguresEqualTheApi();
    void ordersTableSortsFiltersAndExportsCsv();
    void orderFormShowsTheServerMessageNextToItsField();
    void batchIsRequestedApprovedByASecondOperatorAndGenerated();
    void generatedBatchIsDownloadedExportedAndReceived();
    void cardLookupShowsOnlyTheMaskedNumber();
    void freezeAndUnfreezeChangeTheCardState();
    void replaceExtendAndRedeemThroughTheCardScreen();
    void terminalKeyIsShownOnceInADialog();
    void merchantGroupIsCreatedAndScopesANewProduct();
    void dayCloseRunsWithItsProgressDialog();
    void payoutReleaseIsApprovedByASecondOperatorThenDownloaded();
    void invoiceIsIssuedForAnOrder();
    void bankStatementExceptionIsResolved();
    void trialBalanceAndSettlementPrintToPdf();
    void adjustmentIsApprovedByASecondOperator();
    void screenshots();
    void cleanupTestCase();

  private:
    std::unique_ptr<AdminClient> newClient() const;
    // Creates `name` with `role` (as admin) and logs it in with a changed password.
    std::unique_ptr<AdminClient> makeOperator(const QString& name, const QString& role);

    QTemporaryDir tmp_;
    std::filesystem::path data_;
    std::unique_ptr<yika::testing::YikadProcess> server_;
    QString base_;
    QString first_password_;
    std::unique_ptr<AdminClient> admin_;
    std::unique_ptr<AdminClient> iss_a_;
    std::unique_ptr<AdminClient> iss_b_;
    std::unique_ptr<AdminClient> service_;
    std::unique_ptr<AdminClient> finance_;
    QStringList demo_card_numbers_;
    qint64 generated_batch_ = 0;
    qint64 generated_product_ = 0;
    qint64 stock_before_ = 0;
};

std::unique_ptr<AdminClient> AdminGuiTest::newClient() const {
    auto c = std::make_unique<AdminClient>();
    c->setBaseUrl(QUrl(base_));
    return c;
}

std::unique_ptr<AdminClient> AdminGuiTest::makeOperator(const QString& name, const QString& role) {
    ApiResult made =
        await(admin_->post(QStringLiteral("/v1/operators"), {{QStringLiteral("name"), name},
                                                             {QStringLiteral("display_name"), name},
                                                             {QStringLiteral("role"), role}}));
    if (!made.ok())
        qFatal("creating %s failed: %s", qPrintable(name), qPrintable(made.error->text()));
    QString one_time = made.json.value(QStringLiteral("one_time_password")).toString();
    auto c = newClient();
    ApiResult in = await(c->login(name, one_time));
    if (!in.ok() || !c->mustChangePassword()) qFatal("login of %s failed", qPrintable(name));
    ApiResult changed = await(c->changePassword(one_time, kPassword));
    if (!changed.ok()) qFatal("password change of %s failed", qPrintable(name));
    return c;
}

void AdminGuiTest::initTestCase() {
    QVERIFY(tmp_.isValid());
    // QSettings of this test go to the temporary folder, not the user's.
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope,
                       tmp_.filePath(QStringLiteral("settings")));
    QCoreApplication::setOrganizationName(QStringLiteral("YikaTest"));
    QCoreApplication::setApplicationName(QStringLiteral("yika-admin-test"));

    data_ = std::filesystem::path(tmp_.path().toStdString()) / "data";
    auto init = yika::testing::runYikad(YIKAD_PATH, "init --demo --data " + data_.string());
    QVERIFY2(init.exit_code == 0, init.output.c_str());
    std::smatch m;
    QVERIFY2(std::regex_search(init.output, m, std::regex(R"(one-time password[^:]*: (\S+))")),
             init.output.c_str());
    first_password_ = text(m[1]);
    for (const auto& row : yika::testing::readCsv(data_ / "demo/cards.csv")) {
        if (!row.empty()) demo_card_numbers_ << text(row[0]);
    }
    QVERIFY(demo_card_numbers_.size() >= 10);

    server_ =
        std::make_unique<yika::testing::YikadProcess>(YIKAD_PATH, data_, data_ / "serve.stderr");
    // Cheap password hashing for the operators this test makes; the batch of 100,000 cards is
    // generated in 20 chunks, so the progress dialog has steps to show.
    QVERIFY2(server_->start({"YIKA_ADMIN_PASSWORD_MEM_KIB=1024", "YIKA_ADMIN_PASSWORD_OPS=1",
                             "YIKA_BATCH_CHUNK_CARDS=5000"}),
             server_->error().c_str());
    QVERIFY(server_->adminPort() != 0);
    base_ = QStringLiteral("http://127.0.0.1:%1").arg(server_->adminPort());
}

void AdminGuiTest::loginRequiresThePasswordChangeAndStoresNoSecret() {
    admin_ = newClient();
    yika::gui::LoginDialog login(*admin_);
    login.addressEdit()->setText(base_);
    login.userEdit()->setText(QStringLiteral("admin"));

    login.passwordEdit()->setText(QStringLiteral("not-the-password"));
    QSignalSpy failed(&login, &yika::gui::LoginDialog::attempted);
    login.login();
    QVERIFY(failed.wait(kWaitMs));
    QVERIFY(!admin_->loggedIn());
    QVERIFY2(login.errorText().contains(QStringLiteral("Wrong user name or password")),
             qPrintable(login.errorText()));

    login.passwordEdit()->setText(first_password_);
    QSignalSpy ok(&login, &yika::gui::LoginDialog::attempted);
    login.login();
    QVERIFY(ok.wait(kWaitMs));
    QCOMPARE(login.result(), int(QDialog::Accepted));
    QVERIFY(admin_->loggedIn());
    QVERIFY(admin_->mustChangePassword());
    QVERIFY(login.passwordEdit()->text().isEmpty());

    // Until the password changes, the server refuses everything else.
    ApiResult refused = await(admin_->get(QStringLiteral("/v1/products")));
    QCOMPARE(refused.status, 403);
    QCOMPARE(refused.error->code, QStringLiteral("password_change_required"));

    yika::gui::ChangePasswordDialog change(*admin_);
    change.oldEdit()->setText(first_password_);
    change.newEdit()->setText(QStringLiteral("short"));
    change.repeatEdit()->setText(QStringLiteral("short"));
    QSignalSpy too_short(&change, &yika::gui::ChangePasswordDialog::attempted);
    change.change();
    QVERIFY(too_short.wait(kWaitMs));
    ApiResult short_result = too_short.at(0).at(0).value<ApiResult>();
    QVERIFY(!short_result.ok());
    QCOMPARE(change.errorText(), short_result.error->message);  // the server's own words
    QVERIFY(admin_->mustChangePassword());

    change.newEdit()->setText(kPassword);
    change.repeatEdit()->setText(kPassword);
    QSignalSpy changed(&change, &yika::gui::ChangePasswordDialog::attempted);
    change.change();
    QVERIFY(changed.wait(kWaitMs));
    QCOMPARE(change.result(), int(QDialog::Accepted));
    QVERIFY(!admin_->mustChangePassword());
    QVERIFY(admin_->can(QStringLiteral("operator_manage")));
    QVERIFY(await(admin_->get(QStringLiteral("/v1/products"))).ok());

    // On disk: the address and the user name, nothing else.
    QSettings settings;
    settings.sync();
    QFile file(settings.fileName());
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(settings.fileName()));
    QString stored = QString::fromUtf8(file.readAll());
    QVERIFY(stored.contains(base_));
    QVERIFY(stored.contains(QStringLiteral("admin")));
    QVERIFY(!stored.contains(first_password_));
    QVERIFY(!stored.contains(kPassword));
    QCOMPARE(settings.allKeys(),
             (QStringList{QStringLiteral("server/address"), QStringLiteral("server/user")}));

    iss_a_ = makeOperator(QStringLiteral("iss.a"), QStringLiteral("issuance"));
    iss_b_ = makeOperator(QStringLiteral("iss.b"), QStringLiteral("issuance"));
    service_ = makeOperator(QStringLiteral("cs.li"), QStringLiteral("customer_service"));
    finance_ = makeOperator(QStringLiteral("fin.wang"), QStringLiteral("finance"));
}

void AdminGuiTest::buttonsFollowThePermissions() {
    // Customer service may freeze cards but not request batches; issuance the reverse.
    yika::gui::MainWindow service(*service_);
    yika::gui::MainWindow issuance(*iss_a_);
    auto enabled = [](QWidget* screen, const QString& text) {
        for (auto* b : screen->findChildren<QPushButton*>()) {
            if (b->text().contains(text)) return b->isEnabled();
        }
        qFatal("no button %s", qPrintable(text));
    };
    QVERIFY(!enabled(service.batches(), QStringLiteral("Request")));
    QVERIFY(enabled(service.cards(), QStringLiteral("Freeze")));
    QVERIFY(enabled(issuance.batches(), QStringLiteral("Request")));
    QVERIFY(!enabled(issuance.cards(), QStringLiteral("Freeze")));
    QVERIFY(!enabled(issuance.orders(), QStringLiteral("New order")));
    QVERIFY(enabled(service.orders(), QStringLiteral("New order")));
    // Adjustments are finance's request; merchant groups need merchant_write (not issuance's).
    yika::gui::MainWindow finance(*finance_);
    QVERIFY(enabled(finance.approvals(), QStringLiteral("Manual adjustment")));
    QVERIFY(!enabled(service.approvals(), QStringLiteral("Manual adjustment")));
    QVERIFY(enabled(finance.merchants(), QStringLiteral("New group")));
    QVERIFY(!enabled(issuance.merchants(), QStringLiteral("New group")));
}

void AdminGuiTest::dashboardFiguresEqualTheApi() {
    yika::gui::DashboardScreen screen(*finance_, nullptr);
    QVERIFY(waitFor(&screen, &yika::gui::Screen::refreshed, [&] { screen.refresh(); }));
    ApiResult api = await(finance_->get(QStringLiteral("/v1/dashboard")));
    QVERIFY2(api.ok(), qPrintable(api.error ? api.error->text() : QString()));
    // The label shows the API's decimal (the server's own rendering) with thousands separators.
    auto plain = [](QString shown) { return shown.remove(QStringLiteral("¥ ")).remove(','); };
    QCOMPARE(plain(screen.figure(QStringLiteral("liability"))),
             api.json.value(QStringLiteral("liability_yuan")).toString());
    QJsonObject today = api.json.value(QStringLiteral("today")).toObject();
    QCOMPARE(plain(screen.figure(QStringLiteral("sales"))),
             today.value(QStringLiteral("sales_yuan")).toString());
    QCOMPARE(plain(screen.figure(QStringLiteral("redemptions"))),
             today.value(QStringLiteral("redemptions_yuan")).toString());
    for (const char* key :
         {"pending_approvals", "open_recon_exceptions", "overdue_merchant_invoices"}) {
        QCOMPARE(screen.figure(QString::fromLatin1(key)),
                 QString::number(api.json.value(QString::fromLatin1(key)).toInteger()));
    }
    QCOMPARE(screen.figure(QStringLiteral("business_date")),
             api.json.value(QStringLiteral("business_date")).toString());
    QCOMPARE(screen.chartPoints(),
             int(api.json.value(QStringLiteral("last_30_days")).toArray().size()));
    QCOMPARE(screen.chartPoints(), 30);
    // The demo sold cards: the liability is the card liability report's total.
    ApiResult liability = await(finance_->get(QStringLiteral("/v1/reports/liability")));
    QVERIFY(liability.ok());
    QVERIFY(api.json.value(QStringLiteral("liability_minor")).toInteger() > 0);
    QCOMPARE(api.json.value(QStringLiteral("liability_minor")).toInteger(),
             liability.json.value(QStringLiteral("total_minor")).toInteger());
}

void AdminGuiTest::ordersTableSortsFiltersAndExportsCsv() {
    yika::gui::OrdersScreen screen(*service_, nullptr);
    QVERIFY(waitFor(&screen, &yika::gui::Screen::refreshed, [&] { screen.refresh(); }));
    yika::gui::TableView* table = screen.table();
    QSortFilterProxyModel* proxy = table->proxy();
    QVERIFY(proxy->rowCount() >= 3);
    int pay_column = -1;
    for (int c = 0; c < proxy->columnCount(); ++c) {
        if (table->model()->columns().at(c).path == QStringLiteral("pay_total_minor"))
            pay_column = c;
    }
    QVERIFY(pay_column >= 0);

    // Sorting goes by the amount in fen, not by its text ("12,800.00" after "2,000.00").
    table->view()->sortByColumn(pay_column, Qt::AscendingOrder);
    for (int r = 1; r < proxy->rowCount(); ++r) {
        QVERIFY(
            proxy->index(r - 1, pay_column).data(yika::gui::JsonTableModel::RawRole).toLongLong() <=
            proxy->index(r, pay_column).data(yika::gui::JsonTableModel::RawRole).toLongLong());
    }
    table->view()->sortByColumn(pay_column, Qt::DescendingOrder);
    QCOMPARE(proxy->index(0, pay_column).data().toString(), QStringLiteral("12,800.00"));

    // The filter box matches any column.
    table->filterEdit()->setText(QStringLiteral("Zhang San"));
    QCOMPARE(proxy->rowCount(), 1);
    QCOMPARE(proxy->index(0, pay_column).data().toString(), QStringLiteral("2,000.00"));
    table->filterEdit()->clear();
    QVERIFY(proxy->rowCount() >= 3);

    // CSV export: the rows shown, in the order shown, each cell as the table shows it.
    QString path = tmp_.filePath(QStringLiteral("orders.csv"));
    QString error;
    QVERIFY2(table->exportCsv(path, &error), qPrintable(error));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QStringList lines =
        QString::fromUtf8(f.readAll()).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), proxy->rowCount() + 1);
    QVERIFY(lines.at(0).startsWith(QStringLiteral("订单 Order,状态 State")));
    for (int r = 0; r < proxy->rowCount(); ++r) {
        const QStringList cells = csvCells(lines.at(r + 1));
        QCOMPARE(cells.size(), proxy->columnCount());
        for (int c = 0; c < proxy->columnCount(); ++c) {
            QCOMPARE(cells.at(c), proxy->index(r, c).data().toString());
        }
    }
    // Amounts with thousands separators are quoted, so the file opens in a spreadsheet.
    QVERIFY(lines.join('\n').contains(QStringLiteral("\"12,800.00\"")));
}

void AdminGuiTest::orderFormShowsTheServerMessageNextToItsField() {
    yika::gui::OrdersScreen screen(*service_, nullptr);
    QVERIFY(waitFor(&screen, &yika::gui::Screen::refreshed, [&] { screen.refresh(); }));
    yika::gui::FormDialog* dialog = screen.openOrderDialog();
    yika::gui::FormWidget* form = dialog->form();
    auto* product = qobject_cast<QComboBox*>(form->editor(QStringLiteral("product_id")));
    QVERIFY(product);
    product->setCurrentIndex(product->findText(QStringLiteral("GIFT-ANON"), Qt::MatchStartsWith));
    QVERIFY(product->currentIndex() >= 0);
    qobject_cast<QLineEdit*>(form->editor(QStringLiteral("count")))->setText(QStringLiteral("1"));
    // Far above the anonymous card's cap (PBOC 2012: 1,000.00).
    qobject_cast<QLineEdit*>(form->editor(QStringLiteral("load_each_minor")))
        ->setText(QStringLiteral("5000.00"));
    QSignalSpy answered(dialog, &yika::gui::FormDialog::submitted);
    dialog->submit();
    QVERIFY(answered.wait(kWaitMs));
    ApiResult r = answered.at(0).at(0).value<ApiResult>();
    QVERIFY(!r.ok());
    QVERIFY2(r.error->status == 400 || r.error->status == 422, qPrintable(r.error->text()));
    // The sale rules name the field "load" (lines[0].load_each_minor in the request).
    QVERIFY2(!r.error->field.isEmpty(), qPrintable(r.error->text()));
    QVERIFY2(r.error->message.contains(QStringLiteral("GIFT-ANON")), qPrintable(r.error->message));
    QCOMPARE(form->errorAt(QStringLiteral("load_each_minor")), r.error->message);
    QVERIFY(form->errorAt(QStringLiteral("count")).isEmpty());
    QVERIFY(dialog->isVisible());  // stays open for the correction

    // A malformed resident ID: the message goes under the ID number, the load's is cleared.
    qobject_cast<QLineEdit*>(form->editor(QStringLiteral("load_each_minor")))
        ->setText(QStringLiteral("500.00"));
    qobject_cast<QLineEdit*>(form->editor(QStringLiteral("buyer.name")))
        ->setText(QStringLiteral("Wang Wu 王五"));
    qobject_cast<QLineEdit*>(form->editor(QStringLiteral("buyer.id_number")))
        ->setText(QStringLiteral("110105194912310021"));
    dialog->submit();
    QVERIFY(answered.wait(kWaitMs));
    ApiResult id = answered.at(1).at(0).value<ApiResult>();
    QCOMPARE(id.error->field, QStringLiteral("buyer.id_number"));
    QCOMPARE(form->errorAt(QStringLiteral("buyer.id_number")), id.error->message);
    QVERIFY(form->errorAt(QStringLiteral("load_each_minor")).isEmpty());

    // A local check before any request: a malformed amount.
    qobject_cast<QLineEdit*>(form->editor(QStringLiteral("load_each_minor")))
        ->setText(QStringLiteral("12.345"));
    dialog->submit();
    QVERIFY(!form->errorAt(QStringLiteral("load_each_minor")).isEmpty());
    QCOMPARE(answered.count(), 2);
    dialog->close();
}

void AdminGuiTest::batchIsRequestedApprovedByASecondOperatorAndGenerated() {
    yika::gui::BatchesScreen maker(*iss_a_, nullptr);
    yika::gui::BatchesScreen checker(*iss_b_, nullptr);
    QVERIFY(waitFor(&maker, &yika::gui::Screen::refreshed, [&] { maker.refresh(); }));
    ApiResult stock_before = await(iss_a_->get(QStringLiteral("/v1/stock?location=HQ")));
    QVERIFY(stock_before.ok());
    auto free_of = [this](const ApiResult& s) { return freeCards(s, generated_product_); };

    yika::gui::FormDialog* dialog = maker.openRequestDialog();
    auto* product = qobject_cast<QComboBox*>(dialog->form()->editor(QStringLiteral("product_id")));
    product->setCurrentIndex(product->findText(QStringLiteral("GIFT-ANON"), Qt::MatchStartsWith));
    qint64 product_id = product->currentData().toString().toLongLong();
    generated_product_ = product_id;
    qobject_cast<QLineEdit*>(dialog->form()->editor(QStringLiteral("quantity")))
        ->setText(QStringLiteral("100000"));
    QSignalSpy requested(dialog, &yika::gui::FormDialog::submitted);
    dialog->submit();
    QVERIFY(requested.wait(kWaitMs));
    ApiResult made = requested.at(0).at(0).value<ApiResult>();
    QVERIFY2(made.ok(), qPrintable(made.error ? made.error->text() : QString()));
    qint64 batch =
        yika::gui::JsonTableModel::valueAt(made.json, QStringLiteral("batch.id")).toInteger();
    QVERIFY(batch > 0);

    // The maker cannot approve their own request; the second operator can.
    QSignalSpy own(&maker, &yika::gui::BatchesScreen::decided);
    maker.decide(batch, true);
    QVERIFY(own.wait(kWaitMs));
    QCOMPARE(own.at(0).at(0).value<ApiResult>().error->code,
             QStringLiteral("maker_checker_violation"));
    QSignalSpy approved(&checker, &yika::gui::BatchesScreen::decided);
    checker.decide(batch, true);
    QVERIFY(approved.wait(kWaitMs));
    QVERIFY(approved.at(0).at(0).value<ApiResult>().ok());

    // Generation with the progress dialog until 100 %. The values it showed on the way are
    // reported, not asserted (how many polls land mid-job depends on the machine's load).
    QSignalSpy ended(&maker, &yika::gui::BatchesScreen::generationEnded);
    QProgressDialog* progress = maker.generate(batch);
    QVERIFY(progress->isVisible());
    QList<int> seen;
    if (auto* bar = progress->findChild<QProgressBar*>()) {
        connect(bar, &QProgressBar::valueChanged, this, [&seen](int v) { seen.append(v); });
    }
    QVERIFY(ended.wait(kWaitMs));
    QVERIFY2(ended.at(0).at(0).toBool(), qPrintable(ended.at(0).at(1).toString()));
    QCOMPARE(progress->value(), 100);
    QCOMPARE(progress->maximum(), 100);
    qInfo("generation of 100,000 cards: progress values shown %s",
          qPrintable(QStringList([&] {
                         QStringList l;
                         for (int v : seen) l << QString::number(v);
                         return l;
                     }())
                         .join(' ')));
    QVERIFY2(progress->labelText().contains(QStringLiteral("100,000")),
             qPrintable(progress->labelText()));
    ApiResult after = await(iss_a_->get(QStringLiteral("/v1/batches/%1").arg(batch)));
    QCOMPARE(after.json.value(QStringLiteral("state")).toString(), QStringLiteral("GENERATED"));
    generated_batch_ = batch;
    stock_before_ = free_of(stock_before);
}

void AdminGuiTest::generatedBatchIsDownloadedExportedAndReceived() {
    QVERIFY(generated_batch_ > 0);
    const qint64 batch = generated_batch_;
    yika::gui::BatchesScreen maker(*iss_a_, nullptr);

    // Sealed file, exported, received into stock.
    QString file = tmp_.filePath(QStringLiteral("batch.sealed"));
    QSignalSpy downloaded(&maker, &yika::gui::BatchesScreen::downloaded);
    maker.downloadFile(batch, file);
    QVERIFY(downloaded.wait(kWaitMs));
    QVERIFY(downloaded.at(0).at(0).toBool());
    QVERIFY(QFileInfo(file).size() > qint64{100000} * 16);  // every card's line, sealed
    for (const char* action : {"export", "receive"}) {
        QSignalSpy advanced(&maker, &yika::gui::BatchesScreen::advanced);
        maker.advance(batch, QString::fromLatin1(action));
        QVERIFY(advanced.wait(kWaitMs));
        QVERIFY2(advanced.at(0).at(0).value<ApiResult>().ok(), action);
    }
    ApiResult stock_after = await(iss_a_->get(QStringLiteral("/v1/stock?location=HQ")));
    QCOMPARE(freeCards(stock_after, generated_product_), stock_before_ + 100000);
}

void AdminGuiTest::cardLookupShowsOnlyTheMaskedNumber() {
    yika::gui::CardsScreen screen(*service_, nullptr);
    const QString number = demo_card_numbers_.first();
    QSignalSpy shown(&screen, &yika::gui::CardsScreen::cardShown);
    screen.numberEdit()->setText(number);
    screen.lookupNumber(screen.numberEdit()->text());
    QVERIFY(screen.numberEdit()->text().isEmpty());  // gone from the field at once
    QVERIFY(shown.wait(kWaitMs));
    QJsonObject card = shown.at(0).at(0).toJsonObject();
    QVERIFY(!card.isEmpty());
    QString masked = card.value(QStringLiteral("pan_masked")).toString();
    QVERIFY(masked.startsWith(number.left(6)));
    QVERIFY(masked.endsWith(number.right(4)));
    QVERIFY(!screen.shownText().contains(number));
    QVERIFY(!screen.shownText().contains(number.mid(6, number.size() - 10)));
    QVERIFY(screen.shownText().contains(masked));
    QVERIFY(screen.transactions()->model()->rowCount() > 0);  // the demo's sale and purchase

    // An unknown number: a message, no card.
    QSignalSpy none(&screen, &yika::gui::CardsScreen::cardShown);
    screen.lookupNumber(QStringLiteral("6200000000000000001"));
    QVERIFY(none.wait(kWaitMs));
    QVERIFY(none.at(0).at(0).toJsonObject().isEmpty());
}

void AdminGuiTest::freezeAndUnfreezeChangeTheCardState() {
    yika::gui::CardsScreen screen(*service_, nullptr);
    QVERIFY(waitFor(&screen, &yika::gui::CardsScreen::cardShown,
                    [&] { screen.lookupNumber(demo_card_numbers_.at(1)); }));
    QCOMPARE(screen.card().value(QStringLiteral("state")).toString(), QStringLiteral("ACTIVE"));
    qint64 id = screen.card().value(QStringLiteral("id")).toInteger();

    QSignalSpy frozen_shown(&screen, &yika::gui::CardsScreen::cardShown);
    QSignalSpy frozen(&screen, &yika::gui::CardsScreen::serviced);
    screen.service(QStringLiteral("freeze"), QStringLiteral("LOST"));
    QVERIFY(frozen.wait(kWaitMs));
    QVERIFY(frozen.at(0).at(0).value<ApiResult>().ok());
    QVERIFY(frozen_shown.count() > 0 || frozen_shown.wait(kWaitMs));
    QCOMPARE(screen.card().value(QStringLiteral("state")).toString(), QStringLiteral("FROZEN"));
    ApiResult api = await(service_->get(QStringLiteral("/v1/cards/%1").arg(id)));
    QCOMPARE(api.json.value(QStringLiteral("state")).toString(), QStringLiteral("FROZEN"));

    QSignalSpy unfrozen_shown(&screen, &yika::gui::CardsScreen::cardShown);
    QSignalSpy unfrozen(&screen, &yika::gui::CardsScreen::serviced);
    screen.service(QStringLiteral("unfreeze"));
    QVERIFY(unfrozen.wait(kWaitMs));
    QVERIFY(unfrozen.at(0).at(0).value<ApiResult>().ok());
    QVERIFY(unfrozen_shown.count() > 0 || unfrozen_shown.wait(kWaitMs));
    QCOMPARE(screen.card().value(QStringLiteral("state")).toString(), QStringLiteral("ACTIVE"));
    QVERIFY(screen.shownText().contains(QStringLiteral("ACTIVE")));
}

void AdminGuiTest::replaceExtendAndRedeemThroughTheCardScreen() {
    // A sold card of the demo (which one does not matter: its product's batch has stock).
    yika::gui::CardsScreen screen(*service_, nullptr);
    QVERIFY(waitFor(&screen, &yika::gui::CardsScreen::cardShown,
                    [&] { screen.lookupNumber(demo_card_numbers_.at(5)); }));
    const QJsonObject old_card = screen.card();
    QCOMPARE(old_card.value(QStringLiteral("state")).toString(), QStringLiteral("ACTIVE"));
    const qint64 old_id = old_card.value(QStringLiteral("id")).toInteger();
    const qint64 balance = old_card.value(QStringLiteral("balance_minor")).toInteger();
    QVERIFY(balance > 0);

    // A free card of the same product: from the end of the card's production batch.
    ApiResult batch =
        await(service_->get(QStringLiteral("/v1/batches/%1")
                                .arg(old_card.value(QStringLiteral("batch_id")).toInteger())));
    QVERIFY(batch.ok());
    qint64 new_id = 0;
    for (qint64 id = batch.json.value(QStringLiteral("last_card_id")).toInteger();
         id >= batch.json.value(QStringLiteral("first_card_id")).toInteger() && new_id == 0; --id) {
        ApiResult c = await(service_->get(QStringLiteral("/v1/cards/%1").arg(id)));
        if (c.json.value(QStringLiteral("state")).toString() == QStringLiteral("IN_STOCK") &&
            c.json.value(QStringLiteral("order_id")).isNull())
            new_id = id;
    }
    QVERIFY(new_id > 0);

    // Replace (换卡): the whole balance moves to the new card, which the screen then shows.
    QSignalSpy replaced(&screen, &yika::gui::CardsScreen::serviced);
    QSignalSpy shown(&screen, &yika::gui::CardsScreen::cardShown);
    screen.replace(new_id);
    QVERIFY(replaced.wait(kWaitMs));
    ApiResult r = replaced.at(0).at(0).value<ApiResult>();
    QVERIFY2(r.ok(), qPrintable(r.error ? r.error->text() : QString()));
    QVERIFY(shown.count() > 0 || shown.wait(kWaitMs));
    QCOMPARE(screen.card().value(QStringLiteral("id")).toInteger(), new_id);
    QCOMPARE(screen.card().value(QStringLiteral("state")).toString(), QStringLiteral("ACTIVE"));
    QCOMPARE(screen.card().value(QStringLiteral("balance_minor")).toInteger(), balance);
    ApiResult old_after = await(service_->get(QStringLiteral("/v1/cards/%1").arg(old_id)));
    QCOMPARE(old_after.json.value(QStringLiteral("state")).toString(), QStringLiteral("CLOSED"));
    QCOMPARE(old_after.json.value(QStringLiteral("balance_minor")).toInteger(), 0);

    // Extend (延期) is for EXPIRED cards only (the demo has none): the server's refusal is
    // reported and the card stays as it was.
    QSignalSpy extended(&screen, &yika::gui::CardsScreen::serviced);
    screen.service(QStringLiteral("extend"));
    QVERIFY(extended.wait(kWaitMs));
    ApiResult e = extended.at(0).at(0).value<ApiResult>();
    QVERIFY(!e.ok());
    QVERIFY2(e.error->message.contains(QStringLiteral("only an EXPIRED card")),
             qPrintable(e.error->text()));
    ApiResult still = await(service_->get(QStringLiteral("/v1/cards/%1").arg(new_id)));
    QCOMPARE(still.json.value(QStringLiteral("state")).toString(), QStringLiteral("ACTIVE"));

    // Redeem (赎回): Zhang San's named card, by him, but bought today (redemption opens
    // sale.redemption_months_min months after the sale): refused in the dialog, nothing moves.
    // His card is found through his order (the demo file's order is not the orders').
    ApiResult orders = await(service_->get(QStringLiteral("/v1/orders")));
    qint64 his_card = 0;
    for (const QJsonValue& o : orders.json.value(QStringLiteral("items")).toArray()) {
        if (!yika::gui::JsonTableModel::valueAt(o.toObject(), QStringLiteral("buyer.name"))
                 .toString()
                 .startsWith(QStringLiteral("Zhang San")))
            continue;
        for (const QJsonValue& id : o.toObject().value(QStringLiteral("card_ids")).toArray()) {
            ApiResult c = await(service_->get(QStringLiteral("/v1/cards/%1").arg(id.toInteger())));
            if (c.json.value(QStringLiteral("state")).toString() == QStringLiteral("ACTIVE"))
                his_card = id.toInteger();
        }
    }
    QVERIFY(his_card > 0);
    QVERIFY(
        waitFor(&screen, &yika::gui::CardsScreen::cardShown, [&] { screen.lookupId(his_card); }));
    const qint64 redeem_id = screen.card().value(QStringLiteral("id")).toInteger();
    const qint64 redeem_balance = screen.card().value(QStringLiteral("balance_minor")).toInteger();
    yika::gui::FormDialog* dialog = screen.openRedeemDialog();
    qobject_cast<QLineEdit*>(dialog->form()->editor(QStringLiteral("buyer.id_number")))
        ->setText(QStringLiteral("110105194912310021"));  // not the buyer
    QSignalSpy redeemed(dialog, &yika::gui::FormDialog::submitted);
    dialog->submit();
    QVERIFY(redeemed.wait(kWaitMs));
    ApiResult stranger = redeemed.at(0).at(0).value<ApiResult>();
    QVERIFY(!stranger.ok());
    QVERIFY2(dialog->form()->generalError().contains(QStringLiteral("only the buyer")),
             qPrintable(dialog->form()->generalError()));
    qobject_cast<QLineEdit*>(dialog->form()->editor(QStringLiteral("buyer.id_number")))
        ->setText(QStringLiteral("11010519491231002X"));  // Zhang San
    dialog->submit();
    QVERIFY(redeemed.wait(kWaitMs));
    ApiResult early = redeemed.at(1).at(0).value<ApiResult>();
    QVERIFY(!early.ok());
    QVERIFY2(early.error->message.contains(QStringLiteral("months after purchase")),
             qPrintable(early.error->text()));
    QVERIFY(dialog->form()->generalError().contains(early.error->message));
    QVERIFY(dialog->isVisible());
    ApiResult card = await(service_->get(QStringLiteral("/v1/cards/%1").arg(redeem_id)));
    QCOMPARE(card.json.value(QStringLiteral("state")).toString(), QStringLiteral("ACTIVE"));
    QCOMPARE(card.json.value(QStringLiteral("balance_minor")).toInteger(), redeem_balance);
    dialog->close();
}

void AdminGuiTest::terminalKeyIsShownOnceInADialog() {
    yika::gui::MerchantsScreen screen(*admin_, nullptr);
    QVERIFY(waitFor(&screen, &yika::gui::Screen::refreshed, [&] { screen.refresh(); }));
    QVERIFY(screen.merchants()->proxy()->rowCount() >= 4);  // the demo's merchants
    qint64 merchant =
        screen.merchants()->model()->rowObject(0).value(QStringLiteral("id")).toInteger();
    yika::gui::FormDialog* dialog = screen.openTerminalDialog(merchant);
    qobject_cast<QLineEdit*>(dialog->form()->editor(QStringLiteral("tid")))
        ->setText(QStringLiteral("77000001"));
    QSignalSpy made(dialog, &yika::gui::FormDialog::submitted);
    dialog->submit();
    QVERIFY(made.wait(kWaitMs));
    ApiResult r = made.at(0).at(0).value<ApiResult>();
    QVERIFY2(r.ok(), qPrintable(r.error ? r.error->text() : QString()));
    const QString key = r.json.value(QStringLiteral("terminal_master_key_hex")).toString();
    QCOMPARE(key.size(), 32);
    auto* box = screen.findChild<QMessageBox*>(QStringLiteral("terminalKeyBox"));
    QVERIFY(box);
    QVERIFY(box->text().contains(key));
    QVERIFY(screen.lastKeyText().contains(key));
    // The server never shows it again; the GUI forgets it when the box closes.
    qint64 id =
        yika::gui::JsonTableModel::valueAt(r.json, QStringLiteral("terminal.id")).toInteger();
    ApiResult again = await(admin_->get(QStringLiteral("/v1/terminals/%1").arg(id)));
    QVERIFY(again.ok());
    QVERIFY(!again.body.contains(key.toLatin1()));
    box->accept();
    QVERIFY(screen.lastKeyText().isEmpty());
}

void AdminGuiTest::merchantGroupIsCreatedAndScopesANewProduct() {
    yika::gui::MerchantsScreen merchants(*admin_, nullptr);
    QVERIFY(waitFor(&merchants, &yika::gui::Screen::refreshed, [&] { merchants.refresh(); }));
    const int groups_before = merchants.groups()->proxy()->rowCount();
    yika::gui::FormDialog* group_dialog = merchants.openGroupDialog();
    qobject_cast<QLineEdit*>(group_dialog->form()->editor(QStringLiteral("code")))
        ->setText(QStringLiteral("GUI-MALL"));
    qobject_cast<QLineEdit*>(group_dialog->form()->editor(QStringLiteral("name")))
        ->setText(QStringLiteral("Mall tenants 商场商户"));
    QSignalSpy group_made(group_dialog, &yika::gui::FormDialog::submitted);
    QSignalSpy reloaded(&merchants, &yika::gui::Screen::refreshed);
    group_dialog->submit();
    QVERIFY(group_made.wait(kWaitMs));
    ApiResult group = group_made.at(0).at(0).value<ApiResult>();
    QVERIFY2(group.ok(), qPrintable(group.error ? group.error->text() : QString()));
    const qint64 group_id = group.json.value(QStringLiteral("id")).toInteger();
    QVERIFY(group_id > 0);
    QVERIFY(reloaded.count() > 0 || reloaded.wait(kWaitMs));
    QCOMPARE(merchants.groups()->proxy()->rowCount(), groups_before + 1);
    QVERIFY(merchants.groups()->selectWhere(QStringLiteral("id"), group_id));
    QCOMPARE(merchants.groups()->currentRow().value(QStringLiteral("code")).toString(),
             QStringLiteral("GUI-MALL"));

    // A product limited to that group, with every field of the product body.
    yika::gui::ProductsScreen products(*iss_a_, nullptr);
    QVERIFY(waitFor(&products, &yika::gui::Screen::refreshed, [&] { products.refresh(); }));
    const int products_before = products.table()->proxy()->rowCount();
    yika::gui::FormDialog* dialog = products.openProductDialog();
    yika::gui::FormWidget* form = dialog->form();
    auto edit = [form](const QString& path, const QString& value) {
        auto* e = qobject_cast<QLineEdit*>(form->editor(path));
        QVERIFY2(e, qPrintable(path));
        e->setText(value);
    };
    edit(QStringLiteral("code"), QStringLiteral("MALL-NAMED"));
    edit(QStringLiteral("name"), QStringLiteral("Mall card 商场卡"));
    edit(QStringLiteral("bin"), QStringLiteral("62399901"));
    edit(QStringLiteral("pan_length"), QStringLiteral("19"));
    qobject_cast<QCheckBox*>(form->editor(QStringLiteral("reloadable")))->setChecked(true);
    edit(QStringLiteral("max_balance_minor"), QStringLiteral("3000.00"));
    edit(QStringLiteral("purchase_max_minor"), QStringLiteral("800.00"));
    edit(QStringLiteral("daily_spend_max_minor"), QStringLiteral("1500.00"));
    edit(QStringLiteral("daily_count_max"), QStringLiteral("12"));
    edit(QStringLiteral("pin_threshold_daily_minor"), QStringLiteral("300.00"));
    QSignalSpy answered(dialog, &yika::gui::FormDialog::submitted);

    // A malformed load amount is caught before any request.
    edit(QStringLiteral("load_amounts_minor"), QStringLiteral("100, 200.005"));
    dialog->submit();
    QVERIFY(
        form->errorAt(QStringLiteral("load_amounts_minor")).contains(QStringLiteral("200.005")));
    QCOMPARE(answered.count(), 0);

    // A group that does not exist: the server's message under the scope field.
    edit(QStringLiteral("load_amounts_minor"), QStringLiteral("100, 200，500.00"));
    edit(QStringLiteral("scope_group_id"), QStringLiteral("999999"));
    dialog->submit();
    QVERIFY(answered.wait(kWaitMs));
    ApiResult refused = answered.at(0).at(0).value<ApiResult>();
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error->field, QStringLiteral("scope_group_id"));
    QCOMPARE(form->errorAt(QStringLiteral("scope_group_id")), refused.error->message);

    edit(QStringLiteral("scope_group_id"), QString::number(group_id));
    QSignalSpy listed(&products, &yika::gui::Screen::refreshed);
    dialog->submit();
    QVERIFY(answered.wait(kWaitMs));
    ApiResult made = answered.at(1).at(0).value<ApiResult>();
    QVERIFY2(made.ok(), qPrintable(made.error ? made.error->text() : QString()));
    const QJsonObject p = made.json;
    QCOMPARE(p.value(QStringLiteral("pan_length")).toInteger(), 19);
    QCOMPARE(p.value(QStringLiteral("reloadable")).toBool(), true);
    QCOMPARE(p.value(QStringLiteral("max_balance_minor")).toInteger(), 300000);
    QCOMPARE(p.value(QStringLiteral("validity_months")).toInteger(), 0);  // named: no expiry
    QCOMPARE(p.value(QStringLiteral("load_amounts_minor")).toArray(),
             (QJsonArray{10000, 20000, 50000}));
    QCOMPARE(p.value(QStringLiteral("purchase_max_minor")).toInteger(), 80000);
    QCOMPARE(p.value(QStringLiteral("daily_spend_max_minor")).toInteger(), 150000);
    QCOMPARE(p.value(QStringLiteral("daily_count_max")).toInteger(), 12);
    QCOMPARE(p.value(QStringLiteral("pin_threshold_daily_minor")).toInteger(), 30000);
    QCOMPARE(p.value(QStringLiteral("scope_group_id")).toInteger(), group_id);
    QVERIFY(listed.count() > 0 || listed.wait(kWaitMs));
    QCOMPARE(products.table()->proxy()->rowCount(), products_before + 1);
}

void AdminGuiTest::dayCloseRunsWithItsProgressDialog() {
    yika::gui::DayScreen screen(*finance_, nullptr);
    QVERIFY(waitFor(&screen, &yika::gui::Screen::refreshed, [&] { screen.refresh(); }));
    QString today = screen.businessDate();
    QVERIFY(!today.isEmpty());
    QSignalSpy cut(&screen, &yika::gui::DayScreen::acted);
    screen.cutoff();
    QVERIFY(cut.wait(kWaitMs));
    ApiResult cut_result = cut.at(0).at(0).value<ApiResult>();
    QVERIFY2(cut_result.ok(), qPrintable(cut_result.error ? cut_result.error->text() : QString()));
    QCOMPARE(cut_result.json.value(QStringLiteral("cut_off_date")).toString(), today);

    QSignalSpy ended(&screen, &yika::gui::DayScreen::closeEnded);
    QProgressDialog* progress = screen.closeDay(today);
    QVERIFY(ended.wait(kWaitMs));
    QVERIFY2(ended.at(0).at(0).toBool(), qPrintable(ended.at(0).at(1).toString()));
    QCOMPARE(progress->value(), 100);
    ApiResult day = await(finance_->get(QStringLiteral("/v1/days/%1").arg(today)));
    QCOMPARE(day.json.value(QStringLiteral("state")).toString(), QStringLiteral("CLOSED"));
    // Every step the progress table shows is done.
    QSortFilterProxyModel* steps = screen.steps()->proxy();
    QVERIFY(steps->rowCount() > 3);
    for (int r = 0; r < steps->rowCount(); ++r) {
        QCOMPARE(steps->index(r, 1).data(yika::gui::JsonTableModel::RawRole).toInt(), 1);
    }
}

void AdminGuiTest::payoutReleaseIsApprovedByASecondOperatorThenDownloaded() {
    ApiResult day_now = await(finance_->get(QStringLiteral("/v1/day")));
    const QString closed =
        QDate::fromString(day_now.json.value(QStringLiteral("business_date")).toString(),
                          Qt::ISODate)
            .addDays(-1)
            .toString(Qt::ISODate);
    yika::gui::DayScreen day(*finance_, nullptr);
    QVERIFY(waitFor(&day, &yika::gui::Screen::refreshed, [&] { day.refresh(); }));
    QVERIFY(waitFor(day.payouts()->model(), &QAbstractItemModel::modelReset,
                    [&] { QVERIFY(day.days()->selectWhere(QStringLiteral("date"), closed)); }));
    QVERIFY(day.payouts()->proxy()->rowCount() > 0);  // the demo's purchases cleared into payouts

    // Before approval the file is refused; the request goes to a second operator.
    QString file = tmp_.filePath(QStringLiteral("payouts.csv"));
    QSignalSpy early(&day, &yika::gui::DayScreen::acted);
    day.downloadPayoutFile(closed, file);
    QVERIFY(early.wait(kWaitMs));
    QVERIFY(!early.at(0).at(0).value<ApiResult>().ok());
    QSignalSpy requested(&day, &yika::gui::DayScreen::acted);
    day.requestRelease(closed, QStringLiteral("gui test"));
    QVERIFY(requested.wait(kWaitMs));
    ApiResult request = requested.at(0).at(0).value<ApiResult>();
    QVERIFY2(request.ok(), qPrintable(request.error ? request.error->text() : QString()));

    yika::gui::ApprovalsScreen approvals(*admin_, nullptr);
    QVERIFY(waitFor(&approvals, &yika::gui::Screen::refreshed, [&] { approvals.refresh(); }));
    QVERIFY(
        approvals.table()->selectWhere(QStringLiteral("kind"), QStringLiteral("payout_release")));
    qint64 approval = approvals.table()->currentRow().value(QStringLiteral("id")).toInteger();
    QSignalSpy decided(&approvals, &yika::gui::ApprovalsScreen::decided);
    approvals.decide(approval, true, QStringLiteral("checked against the settlement report"));
    QVERIFY(decided.wait(kWaitMs));
    ApiResult approved = decided.at(0).at(0).value<ApiResult>();
    QVERIFY2(approved.ok(), qPrintable(approved.error ? approved.error->text() : QString()));

    QSignalSpy downloaded(&day, &yika::gui::DayScreen::acted);
    day.downloadPayoutFile(closed, file);
    QVERIFY(downloaded.wait(kWaitMs));
    QVERIFY(downloaded.at(0).at(0).value<ApiResult>().ok());
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QString csv = QString::fromUtf8(f.readAll());
    QSortFilterProxyModel* payouts = day.payouts()->proxy();
    for (int r = 0; r < payouts->rowCount(); ++r) {
        QString reference = payouts->index(r, 0).data().toString();
        QVERIFY2(csv.contains(reference), qPrintable(reference));
    }
}

void AdminGuiTest::invoiceIsIssuedForAnOrder() {
    // Order 2 is the demo's company order that wants an invoice.
    yika::gui::InvoicesScreen screen(*finance_, nullptr);
    QSignalSpy loaded(&screen, &yika::gui::InvoicesScreen::orderLoaded);
    screen.loadOrder(2);
    QVERIFY(loaded.wait(kWaitMs));
    QJsonObject order = loaded.at(0).at(0).toJsonObject();
    qint64 invoiceable = order.value(QStringLiteral("invoiceable_minor")).toInteger();
    QVERIFY(invoiceable > 0);
    yika::gui::FormDialog* dialog = screen.openIssueDialog();
    qobject_cast<QLineEdit*>(dialog->form()->editor(QStringLiteral("number")))
        ->setText(QStringLiteral("35000123"));
    QSignalSpy issued(dialog, &yika::gui::FormDialog::submitted);
    QSignalSpy reloaded(&screen, &yika::gui::InvoicesScreen::orderLoaded);
    dialog->submit();
    QVERIFY(issued.wait(kWaitMs));
    ApiResult r = issued.at(0).at(0).value<ApiResult>();
    QVERIFY2(r.ok(), qPrintable(r.error ? r.error->text() : QString()));
    QVERIFY(reloaded.count() > 0 || reloaded.wait(kWaitMs));
    QCOMPARE(screen.orderInvoices()->proxy()->rowCount(), 1);
    QCOMPARE(screen.orderInvoices()->proxy()->index(0, 4).data().toString(),
             yika::gui::formatYuan(invoiceable));  // the amount prefilled: all that was invoiceable
    QCOMPARE(
        reloaded.last().at(0).toJsonObject().value(QStringLiteral("invoiceable_minor")).toInteger(),
        0);
}

void AdminGuiTest::bankStatementExceptionIsResolved() {
    ApiResult day_now = await(finance_->get(QStringLiteral("/v1/day")));
    const QString closed =
        QDate::fromString(day_now.json.value(QStringLiteral("business_date")).toString(),
                          Qt::ISODate)
            .addDays(-1)
            .toString(Qt::ISODate);
    yika::gui::ReconScreen screen(*finance_, nullptr);
    QVERIFY(waitFor(&screen, &yika::gui::Screen::refreshed, [&] { screen.refresh(); }));
    const int open_before = screen.table()->proxy()->rowCount();

    // A credit nobody expects: an unmatched bank line becomes an open exception.
    QSignalSpy imported(&screen, &yika::gui::ReconScreen::acted);
    QSignalSpy reloaded(&screen, &yika::gui::Screen::refreshed);
    screen.importStatement(
        QStringLiteral("bank_txn_id,value_date,direction,amount,currency,counterparty_name,"
                       "counterparty_account,reference\n"
                       "GUI-TEST-1,%1,CR,123.45,CNY,Unknown payer,6200000000000099,NOREF\n")
            .arg(closed));
    QVERIFY(imported.wait(kWaitMs));
    ApiResult r = imported.at(0).at(0).value<ApiResult>();
    QVERIFY2(r.ok(), qPrintable(r.error ? r.error->text() : QString()));
    QCOMPARE(r.json.value(QStringLiteral("unmatched_bank")).toInteger(), 1);
    QVERIFY(reloaded.count() > 0 || reloaded.wait(kWaitMs));
    QVERIFY(screen.table()->proxy()->rowCount() > open_before);
    screen.table()->filterEdit()->setText(QStringLiteral("GUI-TEST-1"));
    QCOMPARE(screen.table()->proxy()->rowCount(), 1);
    screen.table()->view()->selectRow(0);
    qint64 id = screen.table()->currentRow().value(QStringLiteral("id")).toInteger();
    QVERIFY(id > 0);

    // A comment is required (the server says so); with one the exception is resolved.
    QSignalSpy refused(&screen, &yika::gui::ReconScreen::acted);
    screen.resolve(id, QString());
    QVERIFY(refused.wait(kWaitMs));
    QVERIFY(!refused.at(0).at(0).value<ApiResult>().ok());
    QSignalSpy resolved(&screen, &yika::gui::ReconScreen::acted);
    QSignalSpy after(&screen, &yika::gui::Screen::refreshed);
    screen.resolve(id, QStringLiteral("a customer's transfer to the wrong account; returned"));
    QVERIFY(resolved.wait(kWaitMs));
    QVERIFY(resolved.at(0).at(0).value<ApiResult>().ok());
    // Reloads after the refusal and after the resolution may land in either order: wait until
    // the list is reloaded without it (or no reload comes).
    while (screen.table()->proxy()->rowCount() != 0 && after.wait(kWaitMs)) {
    }
    QCOMPARE(screen.table()->proxy()->rowCount(), 0);  // no longer open
}

void AdminGuiTest::trialBalanceAndSettlementPrintToPdf() {
    ApiResult day = await(finance_->get(QStringLiteral("/v1/day")));
    QDate closed =
        QDate::fromString(day.json.value(QStringLiteral("business_date")).toString(), Qt::ISODate)
            .addDays(-1);
    yika::gui::ReportsScreen screen(*finance_, nullptr);
    for (const char* name : {"trial-balance", "settlement"}) {
        QSignalSpy ran(&screen, &yika::gui::ReportsScreen::ran);
        screen.run(QString::fromLatin1(name), closed, closed);
        QVERIFY(ran.wait(kWaitMs));
        ApiResult r = ran.at(0).at(0).value<ApiResult>();
        QVERIFY2(r.ok(), qPrintable(r.error ? r.error->text() : QString()));
        QVERIFY2(screen.table()->proxy()->rowCount() > 0, name);
        QString path = tmp_.filePath(QString::fromLatin1(name) + QStringLiteral(".pdf"));
        QString error;
        QVERIFY2(screen.savePdf(path, &error), qPrintable(error));
        QFile pdf(path);
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        QByteArray bytes = pdf.readAll();
        QVERIFY(bytes.startsWith("%PDF-"));
        QVERIFY2(bytes.size() > 2000, name);
        QVERIFY(bytes.contains("%%EOF"));
        const QString shots = qEnvironmentVariable("YIKA_SCREENSHOT_DIR");
        if (!shots.isEmpty()) {
            QString copy = QDir(shots).filePath(
                QStringLiteral("admin-gui-%1.pdf").arg(QString::fromLatin1(name)));
            QFile::remove(copy);
            QVERIFY(QFile::copy(path, copy));
        }
    }
    // The trial balance the screen shows balances (debits = credits), as the server says.
    QVERIFY(waitFor(&screen, &yika::gui::ReportsScreen::ran,
                    [&] { screen.run(QStringLiteral("trial-balance"), closed, closed); }));
    QCOMPARE(screen.report().value(QStringLiteral("date")).toString(),
             closed.toString(Qt::ISODate));
    QCOMPARE(screen.report().value(QStringLiteral("balanced")).toBool(), true);
    QVERIFY(screen.summary().contains(QStringLiteral("balanced: true")));
    // The closed day had the demo's sales and purchases: real movements, debits = credits.
    QJsonObject totals = screen.report().value(QStringLiteral("totals")).toObject();
    QVERIFY(totals.value(QStringLiteral("debits_minor")).toInteger() > 0);
    QCOMPARE(totals.value(QStringLiteral("debits_minor")).toInteger(),
             totals.value(QStringLiteral("credits_minor")).toInteger());
    // What the table shows is what the server sent: the 2201 row's debits, formatted.
    QSortFilterProxyModel* rows = screen.table()->proxy();
    QCOMPARE(rows->headerData(3, Qt::Horizontal).toString(), QStringLiteral("借方 Debits"));
    QJsonArray accounts = screen.report().value(QStringLiteral("accounts")).toArray();
    QCOMPARE(rows->rowCount(), int(accounts.size()));
    for (const QJsonValue& a : accounts) {
        QVERIFY(screen.table()->selectWhere(QStringLiteral("account"),
                                            a.toObject().value(QStringLiteral("account"))));
        QModelIndex current = screen.table()->view()->currentIndex();
        QCOMPARE(rows->index(current.row(), 3).data().toString().remove(','),
                 a.toObject().value(QStringLiteral("debits")).toString());
    }
}

void AdminGuiTest::adjustmentIsApprovedByASecondOperator() {
    // The ledger through the API: an account's debits on the (open) business date.
    const QString today = await(finance_->get(QStringLiteral("/v1/day")))
                              .json.value(QStringLiteral("business_date"))
                              .toString();
    QVERIFY(!today.isEmpty());
    auto debits = [&](const QString& account) -> qint64 {
        ApiResult tb =
            await(finance_->get(QStringLiteral("/v1/reports/trial-balance?date=%1").arg(today)));
        if (!tb.ok()) qFatal("trial balance: %s", qPrintable(tb.error->text()));
        for (const QJsonValue& a : tb.json.value(QStringLiteral("accounts")).toArray()) {
            if (a.toObject().value(QStringLiteral("account")).toString() == account)
                return a.toObject().value(QStringLiteral("debits_minor")).toInteger();
        }
        return 0;
    };
    const qint64 fee_income_before = debits(QStringLiteral("6001"));

    yika::gui::ApprovalsScreen maker(*finance_, nullptr);
    maker.applyPermissions();
    QVERIFY(waitFor(&maker, &yika::gui::Screen::refreshed, [&] { maker.refresh(); }));
    yika::gui::FormDialog* dialog = maker.openAdjustmentDialog();
    yika::gui::FormWidget* form = dialog->form();
    auto edit = [form](const QString& path, const QString& value) {
        auto* e = qobject_cast<QLineEdit*>(form->editor(path));
        QVERIFY2(e, qPrintable(path));
        e->setText(value);
    };
    auto choose = [form](const QString& path, const QString& value) {
        auto* c = qobject_cast<QComboBox*>(form->editor(path));
        QVERIFY2(c, qPrintable(path));
        c->setCurrentIndex(c->findData(value));
        QVERIFY2(c->currentIndex() >= 0, qPrintable(value));
    };
    edit(QStringLiteral("reason"), QStringLiteral("fee charged twice to merchant, written off"));
    // First a merchant sub-account that does not exist: the server's message under that line.
    choose(QStringLiteral("lines[0].account"), QStringLiteral("2203"));
    edit(QStringLiteral("lines[0].sub"), QStringLiteral("999999"));
    choose(QStringLiteral("lines[0].side"), QStringLiteral("debit"));
    edit(QStringLiteral("lines[0].amount_minor"), QStringLiteral("12.34"));
    choose(QStringLiteral("lines[1].account"), QStringLiteral("1131"));
    choose(QStringLiteral("lines[1].side"), QStringLiteral("credit"));
    edit(QStringLiteral("lines[1].amount_minor"), QStringLiteral("12.34"));
    QSignalSpy answered(dialog, &yika::gui::FormDialog::submitted);
    dialog->submit();
    QVERIFY(answered.wait(kWaitMs));
    ApiResult refused = answered.at(0).at(0).value<ApiResult>();
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error->field, QStringLiteral("lines[0]"));
    QVERIFY2(refused.error->message.contains(QStringLiteral("no merchant 999999")),
             qPrintable(refused.error->message));
    QCOMPARE(form->errorAt(QStringLiteral("lines[0].sub")), refused.error->message);
    QVERIFY(dialog->isVisible());

    // Corrected: the fee income booked twice is reversed against the fee receivable.
    choose(QStringLiteral("lines[0].account"), QStringLiteral("6001"));
    edit(QStringLiteral("lines[0].sub"), QString());
    dialog->submit();
    QVERIFY(answered.wait(kWaitMs));
    ApiResult made = answered.at(1).at(0).value<ApiResult>();
    QVERIFY2(made.ok(), qPrintable(made.error ? made.error->text() : QString()));
    QCOMPARE(made.json.value(QStringLiteral("kind")).toString(),
             QStringLiteral("manual_adjustment"));
    QCOMPARE(made.json.value(QStringLiteral("state")).toString(), QStringLiteral("PENDING"));
    const qint64 approval = made.json.value(QStringLiteral("id")).toInteger();
    QCOMPARE(debits(QStringLiteral("6001")), fee_income_before);  // nothing posted yet

    // It waits in the approvals list; its maker cannot approve it, a second operator can.
    QVERIFY(waitFor(&maker, &yika::gui::Screen::refreshed, [&] { maker.refresh(); }));
    QVERIFY(maker.table()->selectWhere(QStringLiteral("id"), approval));
    QCOMPARE(maker.table()->currentRow().value(QStringLiteral("kind")).toString(),
             QStringLiteral("manual_adjustment"));
    QSignalSpy own(&maker, &yika::gui::ApprovalsScreen::decided);
    maker.decide(approval, true, QString());
    QVERIFY(own.wait(kWaitMs));
    QCOMPARE(own.at(0).at(0).value<ApiResult>().error->code,
             QStringLiteral("maker_checker_violation"));
    QCOMPARE(debits(QStringLiteral("6001")), fee_income_before);

    yika::gui::ApprovalsScreen checker(*admin_, nullptr);
    QVERIFY(waitFor(&checker, &yika::gui::Screen::refreshed, [&] { checker.refresh(); }));
    QVERIFY(checker.table()->selectWhere(QStringLiteral("id"), approval));
    QSignalSpy decided(&checker, &yika::gui::ApprovalsScreen::decided);
    checker.decide(approval, true, QStringLiteral("checked against the merchant's invoice"));
    QVERIFY(decided.wait(kWaitMs));
    ApiResult approved = decided.at(0).at(0).value<ApiResult>();
    QVERIFY2(approved.ok(), qPrintable(approved.error ? approved.error->text() : QString()));
    QCOMPARE(approved.json.value(QStringLiteral("state")).toString(), QStringLiteral("EXECUTED"));
    QVERIFY(approved.json.value(QStringLiteral("result"))
                .toString()
                .startsWith(QStringLiteral("entry:")));
    QCOMPARE(debits(QStringLiteral("6001")), fee_income_before + 1234);
}

void AdminGuiTest::screenshots() {
    const QString dir = qEnvironmentVariable("YIKA_SCREENSHOT_DIR");
    if (dir.isEmpty()) {
        // Rendering still runs (a grab of each main screen is not empty); nothing is saved.
    }
    auto save = [&](QWidget* w, const QString& name) {
        QPixmap shot = w->grab();
        QVERIFY(!shot.isNull());
        QVERIFY(shot.width() > 300);
        if (!dir.isEmpty())
            QVERIFY(shot.save(QDir(dir).filePath(QStringLiteral("admin-gui-%1.png").arg(name))));
    };
    {
        AdminClient fresh;
        yika::gui::LoginDialog login(fresh);
        login.addressEdit()->setText(base_);
        login.userEdit()->setText(QStringLiteral("fin.wang"));
        login.passwordEdit()->setText(QStringLiteral("************"));
        login.show();
        QVERIFY(QTest::qWaitForWindowExposed(&login));
        save(&login, QStringLiteral("login"));
    }
    struct Shot {
        AdminClient* client;
        int screen;
        const char* name;
    };
    yika::gui::MainWindow finance(*finance_);
    yika::gui::MainWindow issuance(*iss_a_);
    yika::gui::MainWindow service(*service_);
    for (auto* w : {&finance, &issuance, &service}) {
        w->resize(1360, 820);
        w->show();
        QVERIFY(QTest::qWaitForWindowExposed(w));
    }
    auto show = [&](yika::gui::MainWindow& w, yika::gui::Screen* s, int index) {
        QVERIFY(waitFor(s, &yika::gui::Screen::refreshed, [&] { w.showScreen(index); }));
    };
    show(finance, finance.dashboard(), 0);
    save(&finance, QStringLiteral("dashboard"));
    show(issuance, issuance.batches(), 2);
    save(&issuance, QStringLiteral("batches"));
    show(service, service.orders(), 4);
    save(&service, QStringLiteral("orders"));
    QVERIFY(waitFor(service.cards(), &yika::gui::CardsScreen::cardShown, [&] {
        service.showScreen(5);
        service.cards()->lookupNumber(demo_card_numbers_.at(2));
    }));
    save(&service, QStringLiteral("cards"));
    ApiResult day = await(finance_->get(QStringLiteral("/v1/day")));
    QDate closed =
        QDate::fromString(day.json.value(QStringLiteral("business_date")).toString(), Qt::ISODate)
            .addDays(-1);
    show(finance, finance.day(), 8);
    // The closed day, with its steps.
    QVERIFY(waitFor(finance.day()->steps()->model(), &QAbstractItemModel::modelReset, [&] {
        QVERIFY(finance.day()->days()->selectWhere(QStringLiteral("date"),
                                                   closed.toString(Qt::ISODate)));
    }));
    save(&finance, QStringLiteral("day-close"));
    finance.showScreen(11);
    QVERIFY(waitFor(finance.reports(), &yika::gui::ReportsScreen::ran, [&] {
        finance.reports()->run(QStringLiteral("trial-balance"), closed, closed);
    }));
    save(&finance, QStringLiteral("reports"));
}

void AdminGuiTest::cleanupTestCase() {
    for (auto* c : {admin_.get(), iss_a_.get(), iss_b_.get(), service_.get(), finance_.get()}) {
        if (c && c->loggedIn()) await(c->logout());
    }
    if (!server_) return;
    QCOMPARE(server_->stop(), 0);
    // Money moved (the batch, the freeze, the day close): the ledger invariants and the audit
    // chain must hold.
    auto verify = yika::testing::runYikad(YIKAD_PATH, "verify --data " + data_.string());
    QVERIFY2(verify.exit_code == 0, verify.output.c_str());
}

QTEST_MAIN(AdminGuiTest)
#include "admin_gui_test.moc"
