#pragma once
// File > Connect…: pick a saved profile or describe a new one (an embedded cluster's data
// directory, or a remote Stream Manager's URL and user), optionally remembering the password in
// the system keychain. Validates as you type; Connect stays disabled while the profile is not
// usable and the reason is shown.

#include "ui/profiles/connectionprofile.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QRadioButton;

namespace sy::ui {

class ConnectDialog final : public QDialog {
    Q_OBJECT
public:
    ConnectDialog(ProfileStore& profiles, QWidget* parent = nullptr);

    ConnectionProfile profile() const;
    QString password() const; // as typed; empty: take it from the keychain or ask
    bool rememberPassword() const;

    void selectProfile(const QString& name);

private:
    void loadSelected();
    void validate();
    void saveProfile();
    void deleteProfile();

    ProfileStore& profiles_;
    QListWidget* list_;
    QLineEdit* name_;
    QRadioButton* embedded_;
    QRadioButton* remote_;
    QLineEdit* dataDir_;
    QPushButton* browse_;
    QLineEdit* url_;
    QLineEdit* user_;
    QLineEdit* password_;
    QCheckBox* remember_;
    QLabel* problem_;
    QPushButton* connect_;
};

} // namespace sy::ui
