#include "ui/wizards/presetpage.h"

#include "ui/style/statecolors.h"

#include "core/model/enums.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMouseEvent>
#include <QRadioButton>
#include <QStyle>
#include <QVBoxLayout>

namespace sy::ui {

namespace {

// A radio button with its explanation in a framed card; a click anywhere on it selects it.
class PresetCard final : public QFrame {
public:
    PresetCard(QRadioButton* radio, QWidget* parent)
        : QFrame(parent)
        , radio_(radio) {}

protected:
    void mousePressEvent(QMouseEvent* event) override {
        radio_->setChecked(true);
        radio_->setFocus(Qt::MouseFocusReason);
        event->accept();
    }

private:
    QRadioButton* radio_;
};

void markSelected(QWidget* card, bool selected) {
    card->setProperty("selected", selected);
    // Dynamic properties take effect in style sheets only after a re-polish.
    card->style()->unpolish(card);
    card->style()->polish(card);
}

} // namespace

PresetPage::PresetPage(QString suggestedName, QWidget* parent)
    : QWizardPage(parent) {
    setTitle(tr("Cluster shape"));
    setSubTitle(tr("Pick a shape for the node group; every number can be changed on the next "
                   "pages."));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(makeCards());
    layout->addSpacing(8);

    auto* form = new QFormLayout;
    name_ = new QLineEdit(suggestedName, this);
    name_->setObjectName(QStringLiteral("nameEdit"));
    name_->setMaxLength(64); // longer than allowed so the error says why, instead of truncating
    name_->setPlaceholderText(tr("letters, digits, '.', '_' or '-'; up to 16"));
    nameError_ = new QLabel(this);
    nameError_->setObjectName(QStringLiteral("nameError"));
    nameError_->setWordWrap(true);
    QPalette p = nameError_->palette();
    p.setColor(QPalette::WindowText, severityColor(Severity::Critical));
    nameError_->setPalette(p);
    // The error sits in the name's own column, so hiding it leaves no gap in the form.
    auto* nameColumn = new QVBoxLayout;
    nameColumn->addWidget(name_);
    nameColumn->addWidget(nameError_);
    auto* nameLabel = new QLabel(tr("&Name"), this);
    nameLabel->setBuddy(name_);
    form->addRow(nameLabel, nameColumn);

    platform_ = new QComboBox(this);
    platform_->setObjectName(QStringLiteral("platformCombo"));
    for (auto name : model::cloudPlatformNames())
        platform_->addItem(QString::fromLatin1(name.data(), qsizetype(name.size())));
    platform_->setCurrentText(QStringLiteral("SIMULATED"));
    platform_->setToolTip(tr("Where the nodes run: SIMULATED nodes are virtual with a synthetic "
                             "load; LOCAL nodes are nginx processes on this machine."));
    form->addRow(tr("&Provider"), platform_);

    access_ = new QComboBox(this);
    access_->setObjectName(QStringLiteral("accessCombo"));
    access_->addItem(tr("Open: anyone who reaches a node"), QStringLiteral("open"));
    access_->addItem(tr("Stream tokens to publish"), QStringLiteral("publish"));
    access_->addItem(tr("Stream tokens to publish and to play"), QStringLiteral("both"));
    access_->setToolTip(tr("With tokens, publish and subscribe routing hand out a short-lived "
                           "token for one stream, and nodes refuse clients without one."));
    form->addRow(tr("Stream &access"), access_);
    hls_ = new QCheckBox(tr("Serve HLS (origins segment, edges serve the segments)"), this);
    hls_->setObjectName(QStringLiteral("hlsCheck"));
    form->addRow(tr("&HLS"), hls_);
    // HLS segments are plain HTTP: they cannot carry play tokens (the core refuses both).
    const auto syncHls = [this] {
        const bool playTokens = access_->currentData().toString() == QStringLiteral("both");
        if (playTokens)
            hls_->setChecked(false);
        hls_->setEnabled(!playTokens);
        hls_->setToolTip(playTokens ? tr("HLS segments are plain HTTP: not with play tokens")
                                    : QString());
    };
    connect(access_, &QComboBox::currentIndexChanged, this, syncHls);
    layout->addLayout(form);
    layout->addStretch(1);

    connect(name_, &QLineEdit::textChanged, this, &PresetPage::checkName);
    checkName();
}

QWidget* PresetPage::makeCards() {
    auto* box = new QWidget(this);
    box->setStyleSheet(QStringLiteral(
        "QFrame[presetCard=\"true\"] { border: 1px solid palette(mid); border-radius: 6px; }"
        "QFrame[presetCard=\"true\"][selected=\"true\"] {"
        " border: 2px solid palette(highlight); }"));
    auto* grid = new QGridLayout(box);
    grid->setContentsMargins(0, 0, 0, 0);
    presets_ = new QButtonGroup(this);
    using P = model::NodeGroupPreset;
    grid->addWidget(makeCard(P::AllInOne, tr("All-in-one"),
                             tr("Every node takes publishers and serves viewers. For labs and "
                                "small events.")),
                    0, 0);
    grid->addWidget(makeCard(P::OriginEdge, tr("Origin and edges"),
                             tr("Origins take publishers; edges pull streams from them and "
                                "serve viewers.")),
                    0, 1);
    grid->addWidget(makeCard(P::OriginRelayEdge, tr("Origin, relays and edges"),
                             tr("Relays fan streams out to groups of edges, for very large "
                                "audiences.")),
                    1, 0);
    grid->addWidget(makeCard(P::MultiRegion, tr("Multi-region"),
                             tr("Origins and edges in each region; viewers are served from "
                                "their own region.")),
                    1, 1);
    connect(presets_, &QButtonGroup::idToggled, this, [this](int id, bool checked) {
        markSelected(presets_->button(id)->parentWidget(), checked);
        if (checked)
            Q_EMIT presetChanged(model::NodeGroupPreset(id));
    });
    setPreset(P::OriginEdge);
    return box;
}

QWidget* PresetPage::makeCard(model::NodeGroupPreset preset, const QString& title,
                              const QString& explanation) {
    const QString id = QString::fromLatin1(model::toString(preset).data());
    auto* radio = new QRadioButton(title);
    radio->setObjectName(QStringLiteral("preset.") + id);
    QFont bold = radio->font();
    bold.setBold(true);
    radio->setFont(bold);
    auto* card = new PresetCard(radio, this);
    card->setObjectName(QStringLiteral("card.") + id);
    card->setProperty("presetCard", true);
    radio->setParent(card);
    auto* text = new QLabel(explanation, card);
    text->setWordWrap(true);
    text->setForegroundRole(QPalette::PlaceholderText);
    auto* layout = new QVBoxLayout(card);
    layout->addWidget(radio);
    layout->addWidget(text);
    layout->addStretch(1);
    presets_->addButton(radio, int(preset));
    return card;
}

model::NodeGroupPreset PresetPage::preset() const {
    return model::NodeGroupPreset(presets_->checkedId());
}

void PresetPage::setPreset(model::NodeGroupPreset preset) {
    presets_->button(int(preset))->setChecked(true);
}

QString PresetPage::name() const {
    return name_->text();
}

std::optional<model::StreamAccess> PresetPage::streamAccess() const {
    const QString choice = access_->currentData().toString();
    if (choice == QStringLiteral("open"))
        return std::nullopt;
    model::StreamAccess a;
    a.publish = "token";
    a.play = choice == QStringLiteral("both") ? "token" : "open";
    return a;
}

std::optional<model::HlsSettings> PresetPage::hls() const {
    if (!hls_->isChecked())
        return std::nullopt;
    model::HlsSettings h;
    h.enabled = true;
    return h;
}

QString PresetPage::cloudPlatform() const {
    return platform_->currentText();
}

void PresetPage::checkName() {
    const auto why = model::checkNodeGroupName(name_->text().toStdString());
    nameError_->setText(why ? tr("The name %1.").arg(QString::fromStdString(*why)) : QString());
    nameError_->setVisible(why.has_value());
    Q_EMIT completeChanged();
}

bool PresetPage::isComplete() const {
    return !model::checkNodeGroupName(name_->text().toStdString()).has_value();
}

} // namespace sy::ui
