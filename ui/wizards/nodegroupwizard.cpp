#include "ui/wizards/nodegroupwizard.h"

#include "ui/wizards/presetpage.h"
#include "ui/wizards/regionspage.h"
#include "ui/wizards/reviewpage.h"
#include "ui/wizards/rulespage.h"

#include "core/model/validation.h"

#include <QAbstractButton>
#include <QIcon>
#include <QPointer>

#include <algorithm>

namespace sy::ui {

namespace {

std::vector<std::string> groupNames(const ClusterBackend& backend) {
    std::vector<std::string> names;
    // Held: a temporary snapshot would die before the loop ran.
    const auto held = backend.snapshot();
    for (const auto& [name, unused] : held->groups)
        names.push_back(name);
    return names;
}

} // namespace

NodeGroupWizard::NodeGroupWizard(ClusterBackend& backend, QWidget* parent)
    : QWizard(parent)
    , backend_(backend) {
    setObjectName(QStringLiteral("nodeGroupWizard"));
    setWindowTitle(tr("New node group"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/wizard.svg")));
    setWizardStyle(QWizard::ModernStyle);
    setOption(QWizard::NoBackButtonOnStartPage);

    const QString suggested =
        QString::fromStdString(model::uniqueNodeGroupName(groupNames(backend)));
    presetPage_ = new PresetPage(suggested, this);
    regionsPage_ = new RegionsPage(*presetPage_, this);
    rulesPage_ = new RulesPage(backend, *presetPage_, this);
    reviewPage_ = new ReviewPage([this] { return config(); }, [this] { return problems(); }, this);
    setPage(PresetPageId, presetPage_);
    setPage(RegionsPageId, regionsPage_);
    setPage(RulesPageId, rulesPage_);
    setPage(ReviewPageId, reviewPage_);
    setStartId(PresetPageId);

    button(QWizard::NextButton)->setObjectName(QStringLiteral("nextButton"));
    button(QWizard::BackButton)->setObjectName(QStringLiteral("backButton"));
    button(QWizard::FinishButton)->setObjectName(QStringLiteral("finishButton"));
    button(QWizard::CancelButton)->setObjectName(QStringLiteral("cancelButton"));
    resize(780, 600);
}

model::PresetOptions NodeGroupWizard::options() const {
    model::PresetOptions o;
    o.name = presetPage_->name().toStdString();
    o.cloudPlatform = presetPage_->cloudPlatform().toStdString();
    o.regions = regionsPage_->regions();
    o.rules = rulesPage_->rules();
    o.streamAccess = presetPage_->streamAccess();
    o.hls = presetPage_->hls();
    return o;
}

model::NodeGroupConfig NodeGroupWizard::config() const {
    return model::makeNodeGroup(presetPage_->preset(), options());
}

model::Problems NodeGroupWizard::problems() const {
    model::Problems out = model::checkPresetOptions(presetPage_->preset(), options());
    // The name is checked by both; say each problem once.
    for (auto& p : model::validateNodeGroup(config()))
        if (std::find(out.begin(), out.end(), p) == out.end())
            out.push_back(std::move(p));
    return out;
}

bool NodeGroupWizard::isCreating() const {
    return reviewPage_->isBusy();
}

void NodeGroupWizard::setCreating(bool creating) {
    // The page first: its completeChanged makes QWizard refresh its buttons, Back included.
    reviewPage_->setBusy(creating);
    button(QWizard::BackButton)->setEnabled(!creating);
}

void NodeGroupWizard::accept() {
    if (isCreating() || currentId() != ReviewPageId || !problems().empty())
        return;
    const model::NodeGroupConfig group = config();
    const QString name = QString::fromStdString(group.name.value_or(std::string()));
    setCreating(true);
    // The backend answers later and knows nothing of this dialog, which may be closed by then.
    QPointer<NodeGroupWizard> self(this);
    backend_.createNodeGroup(group, [self, name](Result<void> result) {
        if (!self)
            return;
        self->setCreating(false);
        if (!result.ok()) {
            self->reviewPage_->setCreateError(QString::fromStdString(result.error().message));
            return;
        }
        Q_EMIT self->nodeGroupCreated(name);
        self->QWizard::accept();
    });
}

namespace {

void attemptDefaults(ClusterBackend& backend, QPointer<QObject> context, CreatedCallback done,
                     std::string cloudPlatform, std::vector<std::string> taken, int retries) {
    model::PresetOptions o;
    o.name = model::uniqueNodeGroupName(taken);
    o.cloudPlatform = cloudPlatform;
    const auto config = model::makeNodeGroup(model::NodeGroupPreset::OriginEdge, o);
    backend.createNodeGroup(config, [&backend, context, done = std::move(done),
                                     cloudPlatform = std::move(cloudPlatform),
                                     taken = std::move(taken), name = o.name,
                                     retries](Result<void> result) mutable {
        if (!context)
            return;
        if (result.ok()) {
            done(name);
            return;
        }
        if (result.error().code == "exists" && retries > 0) {
            taken.push_back(name);
            attemptDefaults(backend, context, std::move(done), std::move(cloudPlatform),
                            std::move(taken), retries - 1);
            return;
        }
        done(sy::unexpected(result.error()));
    });
}

} // namespace

void createWithDefaults(ClusterBackend& backend, QObject* context, CreatedCallback done,
                        const std::string& cloudPlatform) {
    constexpr int kRetries = 5;
    attemptDefaults(backend, QPointer<QObject>(context), std::move(done), cloudPlatform,
                    groupNames(backend), kRetries);
}

} // namespace sy::ui
