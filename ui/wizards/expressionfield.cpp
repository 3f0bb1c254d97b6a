#include "ui/wizards/expressionfield.h"

#include "ui/style/statecolors.h"

#include <QFontDatabase>
#include <QGridLayout>
#include <QIcon>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>

namespace sy::ui {

ExpressionField::ExpressionField(ClusterBackend& backend, ClusterBackend::ExpressionKind kind,
                                 QString text, QWidget* parent)
    : QWidget(parent)
    , backend_(backend)
    , kind_(kind) {
    edit_ = new QLineEdit(std::move(text), this);
    edit_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    edit_->setClearButtonEnabled(true);
    icon_ = new QLabel(this);
    icon_->setFixedSize(16, 16);
    status_ = new QLabel(this);
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* layout = new QGridLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setHorizontalSpacing(6);
    layout->setVerticalSpacing(2);
    layout->addWidget(edit_, 0, 0, 1, 2);
    layout->addWidget(icon_, 1, 0, Qt::AlignTop);
    layout->addWidget(status_, 1, 1);
    layout->setColumnStretch(1, 1);

    debounce_.setSingleShot(true);
    debounce_.setInterval(kDebounceMs);
    connect(&debounce_, &QTimer::timeout, this, &ExpressionField::check);
    connect(edit_, &QLineEdit::textChanged, this, &ExpressionField::onEdited);
    // The preset's text needs no debounce: nobody is typing yet.
    check();
}

QString ExpressionField::text() const {
    return edit_->text().trimmed();
}

void ExpressionField::setText(const QString& text) {
    edit_->setText(text);
}

void ExpressionField::onEdited() {
    ++generation_;
    show(State::Pending, tr("Checking…"));
    debounce_.start();
}

void ExpressionField::check() {
    debounce_.stop();
    const quint64 asked = ++generation_;
    const QString expression = text();
    if (expression.isEmpty()) {
        show(State::Invalid, tr("An expression is required."));
        return;
    }
    show(State::Pending, tr("Checking…"));
    // The backend calls back later and knows nothing of this widget: a QPointer tells whether it
    // still exists, and the generation whether the answer is still about the text shown.
    QPointer<ExpressionField> self(this);
    backend_.evaluateExpression(kind_, expression, [self, asked](Result<QString> answer) {
        if (!self || self->generation_ != asked)
            return;
        if (answer.ok())
            self->show(State::Valid, tr("Valid; on empty metrics it gives %1").arg(answer.value()));
        else
            self->show(State::Invalid, QString::fromStdString(answer.error().message));
    });
}

void ExpressionField::show(State state, const QString& text) {
    statusText_ = state == State::Pending ? QString() : text;
    status_->setText(text);
    QPalette p = status_->palette();
    switch (state) {
    case State::Pending:
        icon_->clear();
        p.setColor(QPalette::WindowText, palette().color(QPalette::PlaceholderText));
        break;
    case State::Valid:
        icon_->setPixmap(QIcon(QStringLiteral(":/icons/check-ok.svg")).pixmap(16, 16));
        p.setColor(QPalette::WindowText, palette().color(QPalette::PlaceholderText));
        break;
    case State::Invalid:
        icon_->setPixmap(QIcon(QStringLiteral(":/icons/check-error.svg")).pixmap(16, 16));
        p.setColor(QPalette::WindowText, severityColor(Severity::Critical));
        break;
    }
    status_->setPalette(p);
    if (state != state_) {
        state_ = state;
        Q_EMIT stateChanged(state);
    }
}

} // namespace sy::ui
