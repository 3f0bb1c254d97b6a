#pragma once
// The wizard's last page: the node group exactly as it will be sent (the core's codec, pretty
// printed), the core's validation problems if any, and the progress and outcome of creating it.
// Finish stays disabled while the config is invalid or a create is on its way.

#include "core/model/nodegroup.h"
#include "core/model/problem.h"

#include <QWizardPage>

#include <functional>

class QLabel;
class QPlainTextEdit;
class QProgressBar;

namespace sy::ui {

class ReviewPage final : public QWizardPage {
    Q_OBJECT
public:
    using ConfigSource = std::function<model::NodeGroupConfig()>;
    using ProblemSource = std::function<model::Problems()>;

    ReviewPage(ConfigSource config, ProblemSource problems, QWidget* parent = nullptr);

    void initializePage() override;
    bool isComplete() const override;

    // While creating: an indeterminate bar, Finish and Back disabled.
    void setBusy(bool busy);
    bool isBusy() const { return busy_; }
    // The backend's refusal, as is; empty hides it.
    void setCreateError(const QString& message);
    QString createError() const;

private:
    ConfigSource config_;
    ProblemSource problems_;
    QLabel* summary_ = nullptr;
    QPlainTextEdit* json_ = nullptr;
    QLabel* problemsLabel_ = nullptr;
    QProgressBar* busyBar_ = nullptr;
    QLabel* busyText_ = nullptr;
    QLabel* error_ = nullptr;
    bool busy_ = false;
    bool valid_ = false;
};

} // namespace sy::ui
