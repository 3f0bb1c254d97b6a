#include "ui/wizards/rolerulesform.h"

#include "ui/style/statecolors.h"
#include "ui/wizards/expressionfield.h"

#include "core/model/validation.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>

namespace sy::ui {

namespace {
QString fromStd(const std::optional<std::string>& s) {
    return s ? QString::fromStdString(*s) : QString();
}
} // namespace

QString RoleRulesForm::summary() const {
    if (role_ == QLatin1String("origin"))
        return tr("Origins take publishers.");
    if (role_ == QLatin1String("edge"))
        return tr("Edges serve viewers.");
    if (role_ == QLatin1String("relay"))
        return tr("Relays carry streams from origins to edges; clients never reach them.");
    return tr("Each node takes publishers and serves viewers.");
}

RoleRulesForm::RoleRulesForm(ClusterBackend& backend, QString role,
                             const model::ScaleRule& defaults, QWidget* parent)
    : QWidget(parent)
    , backend_(backend)
    , role_(std::move(role)) {
    setObjectName(role_ + QStringLiteral(".rules"));
    auto* form = new QFormLayout(this);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    auto* summary = new QLabel(this->summary(), this);
    summary->setForegroundRole(QPalette::PlaceholderText);
    form->addRow(summary);

    auto* counts = new QHBoxLayout;
    counts->addWidget(new QLabel(tr("at least"), this));
    min_ = addCount("min", defaults.min.value_or(0), 0);
    counts->addWidget(min_);
    counts->addWidget(new QLabel(tr("at most"), this));
    max_ = addCount("max", defaults.max.value_or(0), 0);
    counts->addWidget(max_);
    counts->addWidget(new QLabel(tr("in steps of"), this));
    increment_ = addCount("increment", defaults.effectiveIncrement(), 1);
    counts->addWidget(increment_);
    counts->addStretch(1);
    form->addRow(tr("Nodes per region"), counts);
    countError_ = new QLabel(this);
    countError_->setObjectName(role_ + QStringLiteral(".countError"));
    QPalette p = countError_->palette();
    p.setColor(QPalette::WindowText, severityColor(Severity::Critical));
    countError_->setPalette(p);
    countError_->hide();
    form->addRow(QString(), countError_);

    using Kind = ClusterBackend::ExpressionKind;
    out_ = addExpression("outExpression", Kind::Scale, defaults.outExpression);
    out_->setToolTip(tr("Adds nodes while true; aggregates avg, min, max, sum, count over the "
                        "region's nodes of this role."));
    form->addRow(tr("Scale out when"), out_);
    in_ = addExpression("inExpression", Kind::Scale, defaults.inExpression);
    in_->setToolTip(tr("Removes nodes while true, never below the minimum."));
    form->addRow(tr("Scale in when"), in_);
    ranking_ = addExpression("capacityRankingExpression", Kind::Capacity,
                             defaults.capacityRankingExpression);
    ranking_->setToolTip(tr("Per node; clients go to the lowest ranking first."));
    form->addRow(tr("Load ranking"), ranking_);
    limit_ =
        addExpression("capacityLimitExpression", Kind::Capacity, defaults.capacityLimitExpression);
    limit_->setToolTip(tr("A node whose ranking reaches this limit gets no new clients."));
    form->addRow(tr("Load limit"), limit_);
}

QSpinBox* RoleRulesForm::addCount(const char* field, std::int64_t value, int minimum) {
    auto* spin = new QSpinBox(this);
    spin->setObjectName(role_ + QLatin1Char('.') + QLatin1String(field));
    spin->setRange(minimum, int(model::limits::kRuleCountMax));
    spin->setValue(int(value));
    connect(spin, &QSpinBox::valueChanged, this, &RoleRulesForm::checkCounts);
    return spin;
}

ExpressionField* RoleRulesForm::addExpression(const char* field,
                                              ClusterBackend::ExpressionKind kind,
                                              const std::optional<std::string>& text) {
    const QString name = role_ + QLatin1Char('.') + QLatin1String(field);
    auto* f = new ExpressionField(backend_, kind, fromStd(text), this);
    f->setObjectName(name);
    f->lineEdit()->setObjectName(name + QStringLiteral(".edit"));
    f->statusLabel()->setObjectName(name + QStringLiteral(".status"));
    connect(f, &ExpressionField::stateChanged, this, &RoleRulesForm::changed);
    return f;
}

void RoleRulesForm::checkCounts() {
    const bool bad = max_->value() < min_->value();
    countError_->setText(
        bad ? tr("The maximum must be at least the minimum (%1).").arg(min_->value()) : QString());
    countError_->setVisible(bad);
    Q_EMIT changed();
}

model::RuleOverrides RoleRulesForm::overrides() const {
    model::RuleOverrides o;
    o.min = min_->value();
    o.max = max_->value();
    o.increment = increment_->value();
    o.outExpression = out_->text().toStdString();
    o.inExpression = in_->text().toStdString();
    o.capacityRankingExpression = ranking_->text().toStdString();
    o.capacityLimitExpression = limit_->text().toStdString();
    return o;
}

bool RoleRulesForm::isComplete() const {
    if (max_->value() < min_->value())
        return false;
    for (const auto* f : {out_, in_, ranking_, limit_})
        if (f->state() != ExpressionField::State::Valid)
            return false;
    return true;
}

bool RoleRulesForm::hasErrors() const {
    if (max_->value() < min_->value())
        return true;
    for (const auto* f : {out_, in_, ranking_, limit_})
        if (f->state() == ExpressionField::State::Invalid)
            return true;
    return false;
}

} // namespace sy::ui
