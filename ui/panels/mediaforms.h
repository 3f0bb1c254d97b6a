#pragma once
// The Provisions page's forms: a restreamer, a social destination, a storage target. Each checks
// as you type with the core's own pure functions (model::validateProvision and
// media::jobsForProvision under the backend's URL policy; media::validateStorageTarget), shows
// each field's first problem under it in red, and keeps OK disabled while anything is wrong.
// OK submits through the page (the command runner); the dialog closes only when the backend
// said yes, and shows the backend's error otherwise.
//
// Secrets (stream keys, passphrases, storage keys) are typed into password fields and never
// shown back: an edited storage target leaves them empty, meaning "keep the stored value".

#include "ui/backend/clusterbackend.h"

#include <QDialog>

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QDoubleSpinBox;

namespace sy::ui {

// Sends the form's document; the callback says how it went.
using FormSubmit = std::function<void(nlohmann::json, ClusterBackend::CommandCallback)>;

// A dialog of named fields, each with an error line under it. Subclasses build the fields,
// the document and its problems; this class shows them and runs OK.
class MediaFormDialog : public QDialog {
    Q_OBJECT
public:
    // A field's problem, by the field's key ("" for the form as a whole).
    using Problems = std::vector<std::pair<QString, QString>>;

    MediaFormDialog(FormSubmit submit, QWidget* parent);

    // The editor of a field ("rtspUri"), for tests and for focus.
    QWidget* field(const QString& key) const;
    // The problem shown under a field ("" when none).
    QString fieldError(const QString& key) const;
    bool isFieldShown(const QString& key) const;
    // The form's own problems and the backend's answer.
    QString formError() const;
    QPushButton* okButton() const { return ok_; }
    bool isValid() const { return valid_; }
    // What OK would send.
    virtual nlohmann::json document() const = 0;

protected:
    // Adds a row: label, editor, and an error line under the editor.
    void addField(const QString& key, const QString& label, QWidget* editor,
                  const QString& toolTip = {});
    void setFieldShown(const QString& key, bool shown);
    QLineEdit* lineEdit(const QString& key) const;
    // The problems of the current input.
    virtual Problems problems() const = 0;
    // Re-checks the input and shows the outcome; connected to every editor.
    void revalidate();
    void watch(QWidget* editor);
    QFormLayout* form() const { return form_; }
    // Hides secrets from the messages shown (a URL echoed back in a problem).
    virtual QString scrubbed(QString text) const { return text; }

    QLabel* formError_;
    QDialogButtonBox* buttons_;

private:
    void submit();

    struct Field {
        QWidget* row = nullptr; // editor + error line
        QWidget* editor = nullptr;
        QLabel* error = nullptr;
        bool shown = true;
    };
    FormSubmit submit_;
    QFormLayout* form_;
    QPushButton* ok_;
    std::map<QString, Field> fields_;
    bool valid_ = false;
    bool busy_ = false;
    QString backendError_;
};

// Maps problems with JSON paths ("streams[0].camParams.properties.rtspUri: …") to fields by
// the path's last key; `alias` renames keys (destUri → url).
MediaFormDialog::Problems problemsByField(const model::Problems& problems,
                                          const std::map<std::string, QString>& alias = {});

// A restreamer: a provision with one stream whose camParams describe a source to pull (rtmp,
// rtsp, ipcam, hls, file), a listener (srt, mpegts) or a caller/pusher (srt-caller,
// rtmp-push).
class RestreamerDialog final : public MediaFormDialog {
    Q_OBJECT
public:
    RestreamerDialog(media::UrlPolicy policy, FormSubmit submit, QWidget* parent = nullptr);
    nlohmann::json document() const override;
    // Chooses the type ("rtsp") as the operator would.
    void setType(const QString& type);
    static QStringList types();

protected:
    Problems problems() const override;
    QString scrubbed(QString text) const override;

private:
    void typeChanged();
    model::ProvisionRequest request() const;

    media::UrlPolicy policy_;
    QComboBox* type_;
    bool provisionEdited_ = false;
};

// A social destination: a provision whose stream is pushed to an RTMP/RTMPS URL + stream key.
class SocialDestinationDialog final : public MediaFormDialog {
    Q_OBJECT
public:
    SocialDestinationDialog(media::UrlPolicy policy, FormSubmit submit, QWidget* parent = nullptr);
    nlohmann::json document() const override;

protected:
    Problems problems() const override;
    QString scrubbed(QString text) const override;

private:
    model::ProvisionRequest request() const;
    std::string destUri() const;

    media::UrlPolicy policy_;
    bool provisionEdited_ = false;
};

// A storage target: folder or s3, retention, record-all node groups. `existing` (masked) edits
// a stored one: its name is fixed and its secrets stay unless typed again.
class StorageTargetDialog final : public MediaFormDialog {
    Q_OBJECT
public:
    StorageTargetDialog(FormSubmit submit, FormSubmit test, const nlohmann::json& existing = {},
                        QWidget* parent = nullptr);
    nlohmann::json document() const override;
    QPushButton* testButton() const { return test_; }
    // "OK" or the error of the last test; empty before one.
    QString testResult() const;

protected:
    Problems problems() const override;

private:
    void kindChanged();
    void runTest();

    FormSubmit testFn_;
    bool editing_;
    QComboBox* kind_;
    QPushButton* test_;
    QLabel* testResult_;
};

} // namespace sy::ui
