#include "ui/profiles/connectdialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRadioButton>

namespace sy::ui {

ConnectDialog::ConnectDialog(ProfileStore& profiles, QWidget* parent)
    : QDialog(parent)
    , profiles_(profiles)
    , list_(new QListWidget(this))
    , name_(new QLineEdit(this))
    , embedded_(new QRadioButton(tr("Embedded cluster on this computer"), this))
    , remote_(new QRadioButton(tr("Remote Stream Manager"), this))
    , dataDir_(new QLineEdit(this))
    , browse_(new QPushButton(tr("Browse…"), this))
    , url_(new QLineEdit(this))
    , user_(new QLineEdit(this))
    , password_(new QLineEdit(this))
    , remember_(new QCheckBox(tr("Remember the password in the system keychain"), this))
    , problem_(new QLabel(this)) {
    setObjectName(QStringLiteral("connectDialog"));
    setWindowTitle(tr("Connect"));
    list_->setObjectName(QStringLiteral("profileList"));
    name_->setObjectName(QStringLiteral("profileName"));
    embedded_->setObjectName(QStringLiteral("kindEmbedded"));
    remote_->setObjectName(QStringLiteral("kindRemote"));
    dataDir_->setObjectName(QStringLiteral("dataDir"));
    url_->setObjectName(QStringLiteral("url"));
    url_->setPlaceholderText(QStringLiteral("https://streammanager.example.com"));
    user_->setObjectName(QStringLiteral("user"));
    password_->setObjectName(QStringLiteral("password"));
    password_->setEchoMode(QLineEdit::Password);
    password_->setPlaceholderText(tr("from the keychain, or asked when connecting"));
    remember_->setObjectName(QStringLiteral("rememberPassword"));
    remember_->setChecked(true);
    problem_->setObjectName(QStringLiteral("profileProblem"));
    problem_->setStyleSheet(QStringLiteral("color: #d93636;"));
    embedded_->setChecked(true);
    list_->setMinimumWidth(180);
    for (const auto& p : profiles_.profiles())
        list_->addItem(p.name);

    auto* dirRow = new QHBoxLayout;
    dirRow->addWidget(dataDir_, 1);
    dirRow->addWidget(browse_);
    auto* form = new QFormLayout;
    form->addRow(tr("Name:"), name_);
    form->addRow(embedded_);
    form->addRow(tr("Data directory:"), dirRow);
    form->addRow(remote_);
    form->addRow(tr("URL:"), url_);
    form->addRow(tr("User:"), user_);
    form->addRow(tr("Password:"), password_);
    form->addRow(remember_);
    form->addRow(problem_);

    auto* buttons = new QDialogButtonBox(this);
    connect_ = buttons->addButton(tr("Connect"), QDialogButtonBox::AcceptRole);
    connect_->setObjectName(QStringLiteral("connectButton"));
    auto* save = buttons->addButton(tr("Save"), QDialogButtonBox::ApplyRole);
    save->setObjectName(QStringLiteral("saveProfile"));
    auto* remove = buttons->addButton(tr("Delete"), QDialogButtonBox::DestructiveRole);
    remove->setObjectName(QStringLiteral("deleteProfile"));
    buttons->addButton(QDialogButtonBox::Cancel);

    auto* right = new QVBoxLayout;
    right->addLayout(form);
    right->addStretch(1);
    right->addWidget(buttons);
    auto* layout = new QHBoxLayout(this);
    layout->addWidget(list_);
    layout->addLayout(right, 1);

    connect(list_, &QListWidget::currentTextChanged, this, &ConnectDialog::loadSelected);
    for (auto* edit : {name_, dataDir_, url_, user_})
        connect(edit, &QLineEdit::textChanged, this, &ConnectDialog::validate);
    connect(embedded_, &QRadioButton::toggled, this, &ConnectDialog::validate);
    connect(browse_, &QPushButton::clicked, this, [this] {
        auto* picker = new QFileDialog(this, tr("Data directory"), dataDir_->text());
        picker->setFileMode(QFileDialog::Directory);
        picker->setAttribute(Qt::WA_DeleteOnClose);
        connect(picker, &QFileDialog::fileSelected, dataDir_, &QLineEdit::setText);
        picker->open();
    });
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        saveProfile();
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(save, &QPushButton::clicked, this, &ConnectDialog::saveProfile);
    connect(remove, &QPushButton::clicked, this, &ConnectDialog::deleteProfile);
    validate();
}

ConnectionProfile ConnectDialog::profile() const {
    ConnectionProfile p;
    p.name = name_->text().trimmed();
    p.kind =
        remote_->isChecked() ? ConnectionProfile::Kind::Remote : ConnectionProfile::Kind::Embedded;
    p.dataDir = dataDir_->text().trimmed();
    p.url = QUrl(url_->text().trimmed(), QUrl::StrictMode);
    p.user = user_->text().trimmed();
    return p;
}

QString ConnectDialog::password() const {
    return password_->text();
}

bool ConnectDialog::rememberPassword() const {
    return remember_->isChecked();
}

void ConnectDialog::selectProfile(const QString& name) {
    const auto items = list_->findItems(name, Qt::MatchExactly);
    if (!items.isEmpty())
        list_->setCurrentItem(items.first());
}

void ConnectDialog::loadSelected() {
    const auto p = profiles_.find(list_->currentItem() ? list_->currentItem()->text() : QString());
    if (!p)
        return;
    name_->setText(p->name);
    (p->kind == ConnectionProfile::Kind::Remote ? remote_ : embedded_)->setChecked(true);
    dataDir_->setText(p->dataDir);
    url_->setText(p->url.toString());
    user_->setText(p->user);
    password_->clear();
    validate();
}

void ConnectDialog::validate() {
    const bool remote = remote_->isChecked();
    dataDir_->setEnabled(!remote);
    browse_->setEnabled(!remote);
    for (auto* w : {static_cast<QWidget*>(url_), static_cast<QWidget*>(user_),
                    static_cast<QWidget*>(password_), static_cast<QWidget*>(remember_)})
        w->setEnabled(remote);
    const QString problem = profile().problem();
    problem_->setText(problem.isEmpty() ? QString() : tr("Cannot connect yet: %1").arg(problem));
    connect_->setEnabled(problem.isEmpty());
}

void ConnectDialog::saveProfile() {
    const auto p = profile();
    if (!p.problem().isEmpty())
        return;
    profiles_.save(p);
    if (list_->findItems(p.name, Qt::MatchExactly).isEmpty())
        list_->addItem(p.name);
    selectProfile(p.name);
}

void ConnectDialog::deleteProfile() {
    auto* item = list_->currentItem();
    if (!item)
        return;
    profiles_.remove(item->text());
    delete item;
}

} // namespace sy::ui
