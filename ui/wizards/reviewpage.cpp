#include "ui/wizards/reviewpage.h"

#include "ui/style/statecolors.h"

#include "core/model/nodegroupcodec.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QVBoxLayout>

namespace sy::ui {

namespace {
QLabel* coloredLabel(QWidget* parent, const QString& objectName, Severity severity) {
    auto* label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette p = label->palette();
    p.setColor(QPalette::WindowText, severityColor(severity));
    label->setPalette(p);
    label->hide();
    return label;
}
// One line for people: what the JSON below amounts to.
QString summary(const model::NodeGroupConfig& config) {
    QStringList roles;
    if (config.roles)
        for (const auto& [name, unused] : *config.roles)
            roles << QString::fromStdString(name);
    QStringList regions;
    for (const auto& leaf : model::leafSubGroups(config))
        regions << QString::fromStdString(leaf.zonePath);
    return ReviewPage::tr("<b>%1</b> on %2: roles %3 in %n region(s) (%4).", "", regions.size())
        .arg(QString::fromStdString(config.name.value_or(std::string())).toHtmlEscaped(),
             QString::fromStdString(config.cloudPlatform.value_or(std::string())),
             roles.join(QStringLiteral(", ")), regions.join(QStringLiteral(", ")).toHtmlEscaped());
}

} // namespace

ReviewPage::ReviewPage(ConfigSource config, ProblemSource problems, QWidget* parent)
    : QWizardPage(parent)
    , config_(std::move(config))
    , problems_(std::move(problems)) {
    setTitle(tr("Review"));
    setSubTitle(tr("The node group as it will be sent. Finish creates it; its nodes start at "
                   "once unless scaling is paused."));
    auto* layout = new QVBoxLayout(this);
    summary_ = new QLabel(this);
    summary_->setObjectName(QStringLiteral("reviewSummary"));
    summary_->setWordWrap(true);
    layout->addWidget(summary_);
    json_ = new QPlainTextEdit(this);
    json_->setObjectName(QStringLiteral("jsonView"));
    json_->setReadOnly(true);
    json_->setLineWrapMode(QPlainTextEdit::NoWrap);
    json_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    layout->addWidget(json_, 1);

    problemsLabel_ = coloredLabel(this, QStringLiteral("problemsView"), Severity::Critical);
    layout->addWidget(problemsLabel_);
    error_ = coloredLabel(this, QStringLiteral("createError"), Severity::Critical);
    layout->addWidget(error_);

    auto* busyRow = new QHBoxLayout;
    busyText_ = new QLabel(tr("Creating the node group…"), this);
    busyRow->addWidget(busyText_);
    busyBar_ = new QProgressBar(this);
    busyBar_->setObjectName(QStringLiteral("busyIndicator"));
    busyBar_->setRange(0, 0); // indeterminate: the backend gives no progress, only an outcome
    busyBar_->setTextVisible(false);
    busyRow->addWidget(busyBar_, 1);
    layout->addLayout(busyRow);
    busyText_->hide();
    busyBar_->hide();
}

void ReviewPage::initializePage() {
    const model::NodeGroupConfig config = config_();
    summary_->setText(summary(config));
    json_->setPlainText(QString::fromStdString(model::encodeNodeGroup(config).dump(2)));
    const model::Problems problems = problems_();
    valid_ = problems.empty();
    QStringList lines;
    for (const auto& p : problems)
        lines << QString::fromStdString(p.toString());
    problemsLabel_->setText(
        valid_ ? QString()
               : tr("Fix these before creating the node group:\n%1").arg(lines.join(u'\n')));
    problemsLabel_->setVisible(!valid_);
    setCreateError(QString());
    Q_EMIT completeChanged();
}

bool ReviewPage::isComplete() const {
    return valid_ && !busy_;
}

void ReviewPage::setBusy(bool busy) {
    busy_ = busy;
    busyText_->setVisible(busy);
    busyBar_->setVisible(busy);
    if (busy)
        setCreateError(QString());
    Q_EMIT completeChanged();
}

void ReviewPage::setCreateError(const QString& message) {
    error_->setText(message);
    error_->setVisible(!message.isEmpty());
}

QString ReviewPage::createError() const {
    return error_->text();
}

} // namespace sy::ui
