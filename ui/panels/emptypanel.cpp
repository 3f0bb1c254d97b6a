#include "ui/panels/emptypanel.h"

#include <QLabel>
#include <QVBoxLayout>

namespace sy::ui {

EmptyPanel::EmptyPanel(QString title, QIcon icon, QString explanation, QWidget* parent)
    : Panel(parent)
    , title_(std::move(title))
    , icon_(std::move(icon)) {
    auto* layout = new QVBoxLayout(this);
    layout->addStretch(2);

    auto* image = new QLabel(this);
    image->setPixmap(icon_.pixmap(QSize(96, 96)));
    image->setAlignment(Qt::AlignCenter);
    layout->addWidget(image);

    auto* heading = new QLabel(title_, this);
    QFont f = heading->font();
    f.setPointSizeF(f.pointSizeF() * 1.6);
    f.setBold(true);
    heading->setFont(f);
    heading->setAlignment(Qt::AlignCenter);
    layout->addWidget(heading);

    auto* text = new QLabel(explanation, this);
    text->setObjectName(QStringLiteral("emptyExplanation"));
    text->setWordWrap(true);
    text->setAlignment(Qt::AlignCenter);
    text->setMinimumWidth(360);
    text->setMaximumWidth(560);
    text->setForegroundRole(QPalette::PlaceholderText);
    // A word-wrapped label keeps its height-for-width only without an alignment flag in its
    // layout, so it is centred by stretches instead.
    auto* row = new QHBoxLayout;
    row->addStretch(1);
    row->addWidget(text, 3);
    row->addStretch(1);
    layout->addLayout(row);
    layout->addStretch(3);
}

} // namespace sy::ui
