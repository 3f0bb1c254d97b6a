#pragma once
// ExpressionField: a line edit for one scale-rule expression that is checked where the cluster
// lives (ClusterBackend::evaluateExpression) while the operator types, with a green tick and the
// trial value, or the parse error, shown beneath it.
//
// Checks are debounced (kDebounceMs after the last keystroke) so a fast typist sends one request,
// and every edit invalidates the answers still on their way: only the answer to the text shown
// is ever displayed.

#include "ui/backend/clusterbackend.h"

#include <QTimer>
#include <QWidget>

class QLabel;
class QLineEdit;

namespace sy::ui {

class ExpressionField final : public QWidget {
    Q_OBJECT
public:
    enum class State { Pending, Valid, Invalid };
    Q_ENUM(State)
    static constexpr int kDebounceMs = 300;

    ExpressionField(ClusterBackend& backend, ClusterBackend::ExpressionKind kind, QString text,
                    QWidget* parent = nullptr);

    QString text() const;
    void setText(const QString& text);
    State state() const { return state_; }
    // The trial value when valid ("0", "false"), the error when invalid, empty while pending.
    QString statusText() const { return statusText_; }

    QLineEdit* lineEdit() const { return edit_; }
    QLabel* statusLabel() const { return status_; }

Q_SIGNALS:
    void stateChanged(sy::ui::ExpressionField::State state);

private:
    void onEdited();
    void check();
    void show(State state, const QString& text);

    ClusterBackend& backend_;
    ClusterBackend::ExpressionKind kind_;
    QLineEdit* edit_ = nullptr;
    QLabel* icon_ = nullptr;
    QLabel* status_ = nullptr;
    QTimer debounce_;
    // Bumped on every edit; an answer carrying an older value is stale and dropped.
    quint64 generation_ = 0;
    State state_ = State::Pending;
    QString statusText_;
};

} // namespace sy::ui
