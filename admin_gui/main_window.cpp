#include "admin_gui/main_window.h"

#include "admin_gui/batches_screen.h"
#include "admin_gui/cards_screen.h"
#include "admin_gui/dashboard_screen.h"
#include "admin_gui/day_screen.h"
#include "admin_gui/invoices_screen.h"
#include "admin_gui/list_screen.h"
#include "admin_gui/merchants_screen.h"
#include "admin_gui/orders_screen.h"
#include "admin_gui/reports_screen.h"

#include <QCloseEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QStackedWidget>
#include <QStatusBar>
#include <QVBoxLayout>

namespace yika::gui {

MainWindow::MainWindow(AdminClient& client, QWidget* parent)
    : QMainWindow(parent),
      client_(client),
      nav_(new QListWidget(this)),
      stack_(new QStackedWidget(this)),
      who_(new QLabel(this)) {
    setWindowTitle(tr("一卡后台 Yika back office"));
    dashboard_ = new DashboardScreen(client, this);
    products_ = new ProductsScreen(client, this);
    batches_ = new BatchesScreen(client, this);
    stock_ = new StockScreen(client, this);
    orders_ = new OrdersScreen(client, this);
    cards_ = new CardsScreen(client, this);
    merchants_ = new MerchantsScreen(client, this);
    approvals_ = new ApprovalsScreen(client, this);
    day_ = new DayScreen(client, this);
    recon_ = new ReconScreen(client, this);
    invoices_ = new InvoicesScreen(client, this);
    reports_ = new ReportsScreen(client, this);
    operators_ = new OperatorsScreen(client, this);
    audit_ = new AuditScreen(client, this);
    add(dashboard_, tr("总览 Dashboard"));
    add(products_, tr("卡产品 Products"));
    add(batches_, tr("制卡批次 Batches"));
    add(stock_, tr("库存 Stock"));
    add(orders_, tr("售卡订单 Sales orders"));
    add(cards_, tr("卡片服务 Card service"));
    add(merchants_, tr("商户终端 Merchants"));
    add(approvals_, tr("审批 Approvals"));
    add(day_, tr("日终结算 Day & settlement"));
    add(recon_, tr("对账差异 Reconciliation"));
    add(invoices_, tr("发票 Invoices"));
    add(reports_, tr("报表 Reports"));
    add(operators_, tr("操作员 Operators"));
    add(audit_, tr("审计日志 Audit log"));

    nav_->setFixedWidth(190);
    auto* logout = new QPushButton(tr("退出登录 Log out"), this);
    auto* top = new QHBoxLayout;
    top->addWidget(who_, 1);
    top->addWidget(logout);
    auto* body = new QHBoxLayout;
    body->addWidget(nav_);
    body->addWidget(stack_, 1);
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->addLayout(top);
    layout->addLayout(body, 1);
    setCentralWidget(central);
    resize(1280, 800);

    connect(nav_, &QListWidget::currentRowChanged, this, &MainWindow::showScreen);
    connect(&client_, &AdminClient::sessionChanged, this, &MainWindow::sessionChanged);
    connect(&client_, &AdminClient::sessionLost, this, [this] {
        statusBar()->showMessage(tr("会话已结束，请重新登录 Session ended; log in again"));
        emit logoutRequested();
    });
    connect(logout, &QPushButton::clicked, this, &MainWindow::logoutRequested);
    sessionChanged();
}

void MainWindow::add(Screen* screen, const QString& title) {
    nav_->addItem(title);
    stack_->addWidget(screen);
    connect(screen, &Screen::message, this,
            [this](const QString& text) { statusBar()->showMessage(text, 15000); });
}

void MainWindow::showScreen(int index) {
    if (index < 0 || index >= stack_->count()) return;
    if (nav_->currentRow() != index) {
        nav_->setCurrentRow(index);  // currentRowChanged calls back here with the row set
        return;
    }
    stack_->setCurrentIndex(index);
    screen(index)->refresh();
}

void MainWindow::closeEvent(QCloseEvent* event) {
    QMainWindow::closeEvent(event);
    emit closed();
}

int MainWindow::screenCount() const { return stack_->count(); }

Screen* MainWindow::screen(int index) const { return static_cast<Screen*>(stack_->widget(index)); }

QString MainWindow::screenTitle(int index) const { return nav_->item(index)->text(); }

void MainWindow::sessionChanged() {
    QJsonObject op = client_.operatorInfo();
    who_->setText(client_.loggedIn() ? tr("%1（%2）  角色 role: %3   服务器 server: %4")
                                           .arg(op.value(QStringLiteral("display_name")).toString(),
                                                op.value(QStringLiteral("name")).toString(),
                                                op.value(QStringLiteral("role")).toString(),
                                                client_.baseUrl().toString())
                                     : tr("未登录 Not logged in"));
    for (int i = 0; i < stack_->count(); ++i) screen(i)->applyPermissions();
}

}  // namespace yika::gui
