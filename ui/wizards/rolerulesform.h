#pragma once
// RoleRulesForm: the scale rule of one role, as the wizard applies it in every region: node
// counts (min, max, increment) and the four expressions, each checked live by the backend.
//
// Children are named "<role>.<field>" ("edge.max", "edge.outExpression") so tests and
// accessibility tools find them.

#include "ui/backend/clusterbackend.h"

#include "core/model/nodegrouppresets.h"

#include <QWidget>

class QLabel;
class QSpinBox;

namespace sy::ui {

class ExpressionField;

class RoleRulesForm final : public QWidget {
    Q_OBJECT
public:
    RoleRulesForm(ClusterBackend& backend, QString role, const model::ScaleRule& defaults,
                  QWidget* parent = nullptr);

    const QString& role() const { return role_; }
    // What nodes of this role do, in one sentence.
    QString summary() const;
    // Every field, as overrides of the preset's rule.
    model::RuleOverrides overrides() const;
    // Counts in range and every expression checked valid (none pending).
    bool isComplete() const;
    bool hasErrors() const;

Q_SIGNALS:
    void changed();

private:
    QSpinBox* addCount(const char* field, std::int64_t value, int minimum);
    ExpressionField* addExpression(const char* field, ClusterBackend::ExpressionKind kind,
                                   const std::optional<std::string>& text);
    void checkCounts();

    ClusterBackend& backend_;
    QString role_;
    QSpinBox* min_ = nullptr;
    QSpinBox* max_ = nullptr;
    QSpinBox* increment_ = nullptr;
    QLabel* countError_ = nullptr;
    ExpressionField* out_ = nullptr;
    ExpressionField* in_ = nullptr;
    ExpressionField* ranking_ = nullptr;
    ExpressionField* limit_ = nullptr;
};

} // namespace sy::ui
