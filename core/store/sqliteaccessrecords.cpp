// SqliteAccess, second half: users and the intent journal (the records that are not versioned
// documents). The documents and transactions live in sqliteaccess.cpp.
#include "core/store/sqliteaccess.h"

#include "core/util/strings.h"

namespace sy::store::detail {
namespace {

// Reads the columns of the intent queries below, which all select them in this order.
Result<IntentRecord> decodeIntent(const Statement& row, const std::string& path) {
    IntentRecord intent;
    intent.id = row.int64(0);
    intent.idempotencyToken = row.text(1);
    intent.nodeGroup = row.text(2);
    intent.action = row.text(3);
    intent.nodeId = row.text(4);
    const std::string what = "intent " + sy::quoted(intent.idempotencyToken);
    auto state = parseIntentState(row.textView(5));
    if (!state) {
        return fail(errc::corrupt,
                    path + ": " + what + ": unknown state " + sy::quoted(row.text(5)));
    }
    intent.state = *state;
    auto payload = parseStoredDocument(row.textView(6), path, what);
    if (!payload) {
        return unexpected(payload.error());
    }
    intent.payload = std::move(*payload);
    intent.detail = row.text(7);
    intent.createdMs = row.int64(8);
    intent.updatedMs = row.int64(9);
    return intent;
}

} // namespace

// ---- users ----

Result<UserRecord> SqliteAccess::putUser(std::string_view name, std::string_view passwordHash,
                                         std::string_view role) {
    if (auto r = requireName("user name", name); !r) {
        return unexpected(r.error());
    }
    return atomically([&]() -> Result<UserRecord> {
        // A new credential version on every put: the tokens and API keys issued before it stop
        // working (the revision counter never repeats, also across a delete and re-create).
        auto revision = nextRevision();
        if (!revision) {
            return unexpected(revision.error());
        }
        auto keys = conn_->prepare("DELETE FROM api_keys WHERE user_name = :name");
        if (!keys) {
            return unexpected(keys.error());
        }
        keys->bind(":name", name);
        if (auto r = keys->run(); !r) {
            return unexpected(r.error());
        }
        // RETURNING gives the created_ms of the row as stored: kept from the first put.
        auto stmt = conn_->prepare(
            "INSERT INTO users (name, password_hash, role, created_ms, credential_version) VALUES"
            " (:name, :hash, :role, :now, :cv) ON CONFLICT (name) DO UPDATE SET password_hash ="
            " excluded.password_hash, role = excluded.role, credential_version ="
            " excluded.credential_version RETURNING created_ms");
        if (!stmt) {
            return unexpected(stmt.error());
        }
        stmt->bind(":name", name).bind(":hash", passwordHash).bind(":role", role);
        stmt->bind(":now", clock_()).bind(":cv", *revision);
        auto row = stmt->step();
        if (!row) {
            return unexpected(row.error());
        }
        const std::int64_t createdMs = *row ? stmt->int64(0) : 0;
        if (auto r = stmt->run(); !r) {
            return unexpected(r.error());
        }
        return UserRecord{std::string(name), std::string(passwordHash), std::string(role),
                          createdMs, *revision};
    });
}

Result<UserRecord> SqliteAccess::getUser(std::string_view name) {
    auto stmt = conn_->prepare("SELECT name, password_hash, role, created_ms, credential_version"
                               " FROM users WHERE name = :name");
    if (!stmt) {
        return unexpected(stmt.error());
    }
    stmt->bind(":name", name);
    auto row = stmt->step();
    if (!row) {
        return unexpected(row.error());
    }
    if (!*row) {
        return fail(errc::notFound, "user " + sy::quoted(name) + " does not exist");
    }
    return UserRecord{stmt->text(0), stmt->text(1), stmt->text(2), stmt->int64(3), stmt->int64(4)};
}

Result<std::vector<UserRecord>> SqliteAccess::listUsers() {
    auto stmt = conn_->prepare("SELECT name, password_hash, role, created_ms, credential_version"
                               " FROM users ORDER BY name");
    if (!stmt) {
        return unexpected(stmt.error());
    }
    std::vector<UserRecord> users;
    for (;;) {
        auto row = stmt->step();
        if (!row) {
            return unexpected(row.error());
        }
        if (!*row) {
            return users;
        }
        users.push_back(UserRecord{stmt->text(0), stmt->text(1), stmt->text(2), stmt->int64(3),
                                   stmt->int64(4)});
    }
}

Result<void> SqliteAccess::deleteUser(std::string_view name) {
    // The user's API keys go with it (ON DELETE CASCADE).
    return atomically([&]() -> Result<void> {
        auto stmt = conn_->prepare("DELETE FROM users WHERE name = :name RETURNING name");
        if (!stmt) {
            return unexpected(stmt.error());
        }
        stmt->bind(":name", name);
        auto row = stmt->step();
        if (!row) {
            return unexpected(row.error());
        }
        if (!*row) {
            return fail(errc::notFound, "user " + sy::quoted(name) + " does not exist");
        }
        return stmt->run();
    });
}

// ---- API keys ----

Result<ApiKeyRecord> SqliteAccess::createApiKey(const ApiKeyRecord& key,
                                                std::int64_t credentialVersion) {
    if (auto r = requireName("API key id", key.id); !r) {
        return unexpected(r.error());
    }
    return atomically([&]() -> Result<ApiKeyRecord> {
        auto user = getUser(key.user);
        if (!user) {
            return unexpected(user.error());
        }
        // A key issued while the password or role changed would be born revoked: refuse it.
        if (user->credentialVersion != credentialVersion) {
            return fail(errc::conflict,
                        "user " + sy::quoted(key.user) + " changed while the API key was issued");
        }
        auto stmt = conn_->prepare(
            "INSERT INTO api_keys (id, user_name, role, created_ms, expires_ms) VALUES (:id, :user,"
            " :role, :created, :expires) ON CONFLICT (id) DO NOTHING RETURNING id");
        if (!stmt) {
            return unexpected(stmt.error());
        }
        stmt->bind(":id", key.id).bind(":user", key.user).bind(":role", key.role);
        stmt->bind(":created", key.createdMs).bind(":expires", key.expiresMs);
        auto row = stmt->step();
        if (!row) {
            return unexpected(row.error());
        }
        if (!*row) {
            return fail(errc::exists, "API key " + sy::quoted(key.id) + " already exists");
        }
        if (auto r = stmt->run(); !r) {
            return unexpected(r.error());
        }
        return key;
    });
}

Result<ApiKeyRecord> SqliteAccess::getApiKey(std::string_view id) {
    auto stmt = conn_->prepare(
        "SELECT id, user_name, role, created_ms, expires_ms FROM api_keys WHERE id = :id");
    if (!stmt) {
        return unexpected(stmt.error());
    }
    stmt->bind(":id", id);
    auto row = stmt->step();
    if (!row) {
        return unexpected(row.error());
    }
    if (!*row) {
        return fail(errc::notFound, "API key " + sy::quoted(id) + " does not exist");
    }
    return ApiKeyRecord{stmt->text(0), stmt->text(1), stmt->text(2), stmt->int64(3),
                        stmt->int64(4)};
}

Result<std::vector<ApiKeyRecord>> SqliteAccess::listApiKeys(std::string_view user) {
    auto stmt = conn_->prepare("SELECT id, user_name, role, created_ms, expires_ms FROM api_keys"
                               " WHERE user_name = :user ORDER BY created_ms, id");
    if (!stmt) {
        return unexpected(stmt.error());
    }
    stmt->bind(":user", user);
    std::vector<ApiKeyRecord> keys;
    for (;;) {
        auto row = stmt->step();
        if (!row) {
            return unexpected(row.error());
        }
        if (!*row) {
            return keys;
        }
        keys.push_back(ApiKeyRecord{stmt->text(0), stmt->text(1), stmt->text(2), stmt->int64(3),
                                    stmt->int64(4)});
    }
}

Result<void> SqliteAccess::deleteApiKey(std::string_view user, std::string_view id) {
    return atomically([&]() -> Result<void> {
        auto stmt = conn_->prepare(
            "DELETE FROM api_keys WHERE id = :id AND user_name = :user RETURNING id");
        if (!stmt) {
            return unexpected(stmt.error());
        }
        stmt->bind(":id", id).bind(":user", user);
        auto row = stmt->step();
        if (!row) {
            return unexpected(row.error());
        }
        if (!*row) {
            return fail(errc::notFound,
                        "user " + sy::quoted(user) + " has no API key " + sy::quoted(id));
        }
        return stmt->run();
    });
}

// ---- intent journal ----

Result<std::optional<IntentRecord>> SqliteAccess::findIntent(std::string_view token) {
    auto stmt = conn_->prepare("SELECT id, token, node_group, action, node_id, state, payload, "
                               "detail, created_ms, updated_ms"
                               " FROM intents WHERE token = :token");
    if (!stmt) {
        return unexpected(stmt.error());
    }
    stmt->bind(":token", token);
    auto row = stmt->step();
    if (!row) {
        return unexpected(row.error());
    }
    if (!*row) {
        return std::optional<IntentRecord>();
    }
    auto intent = decodeIntent(*stmt, conn_->path());
    if (!intent) {
        return unexpected(intent.error());
    }
    return std::optional<IntentRecord>(std::move(*intent));
}

Result<IntentRecord> SqliteAccess::beginIntent(const IntentRequest& request) {
    for (auto [what, value] : {std::pair{"idempotency token", &request.idempotencyToken},
                               std::pair{"intent node group", &request.nodeGroup},
                               std::pair{"intent action", &request.action}}) {
        if (auto r = requireName(what, *value); !r) {
            return unexpected(r.error());
        }
    }
    auto payload =
        serializeDocument(request.payload, "intent " + sy::quoted(request.idempotencyToken));
    if (!payload) {
        return unexpected(payload.error());
    }
    return atomically([&]() -> Result<IntentRecord> {
        auto existing = findIntent(request.idempotencyToken);
        if (!existing) {
            return unexpected(existing.error());
        }
        if (*existing) {
            return sameIntent(**existing, request);
        }
        auto stmt = conn_->prepare(
            "INSERT INTO intents (token, node_group, action, node_id, state, payload, detail,"
            " created_ms, updated_ms) VALUES (:token, :group, :action, :node, 'pending', :payload,"
            " '', :now, :now) RETURNING id");
        if (!stmt) {
            return unexpected(stmt.error());
        }
        const std::int64_t now = clock_();
        stmt->bind(":token", request.idempotencyToken).bind(":group", request.nodeGroup);
        stmt->bind(":action", request.action).bind(":node", request.nodeId);
        stmt->bind(":payload", *payload).bind(":now", now);
        auto row = stmt->step();
        if (!row) {
            return unexpected(row.error());
        }
        const std::int64_t id = *row ? stmt->int64(0) : 0;
        if (auto r = stmt->run(); !r) {
            return unexpected(r.error());
        }
        return IntentRecord{id,
                            request.idempotencyToken,
                            request.nodeGroup,
                            request.action,
                            request.nodeId,
                            IntentState::Pending,
                            request.payload,
                            std::string(),
                            now,
                            now};
    });
}

Result<IntentRecord> SqliteAccess::sameIntent(IntentRecord existing, const IntentRequest& request) {
    // A token names one action; reusing it for another would make the caller skip an action
    // it believes is already journaled.
    if (existing.nodeGroup != request.nodeGroup || existing.action != request.action) {
        return fail(errc::conflict, "intent " + sy::quoted(request.idempotencyToken) +
                                        " was begun for " + existing.action + " in " +
                                        sy::quoted(existing.nodeGroup) + ", not " + request.action +
                                        " in " + sy::quoted(request.nodeGroup));
    }
    return existing;
}

Result<IntentRecord> SqliteAccess::completeIntent(std::string_view token, IntentState state,
                                                  std::string_view detail) {
    if (state == IntentState::Pending) {
        return fail(errc::invalidTransition,
                    "intent " + sy::quoted(token) + ": cannot complete to pending");
    }
    return atomically([&]() -> Result<IntentRecord> {
        auto existing = findIntent(token);
        if (!existing) {
            return unexpected(existing.error());
        }
        if (!*existing) {
            return fail(errc::notFound, "intent " + sy::quoted(token) + " does not exist");
        }
        IntentRecord intent = std::move(**existing);
        if (intent.state != IntentState::Pending) {
            return fail(errc::invalidTransition, "intent " + sy::quoted(token) + " is " +
                                                     std::string(toString(intent.state)) +
                                                     ", not pending; cannot move it to " +
                                                     std::string(toString(state)));
        }
        auto stmt = conn_->prepare("UPDATE intents SET state = :state, detail = :detail,"
                                   " updated_ms = :now WHERE token = :token");
        if (!stmt) {
            return unexpected(stmt.error());
        }
        intent.state = state;
        intent.detail = std::string(detail);
        intent.updatedMs = clock_();
        stmt->bind(":state", toString(state)).bind(":detail", detail);
        stmt->bind(":now", intent.updatedMs).bind(":token", token);
        if (auto r = stmt->run(); !r) {
            return unexpected(r.error());
        }
        return intent;
    });
}

Result<IntentRecord> SqliteAccess::getIntent(std::string_view token) {
    auto found = findIntent(token);
    if (!found) {
        return unexpected(found.error());
    }
    if (!*found) {
        return fail(errc::notFound, "intent " + sy::quoted(token) + " does not exist");
    }
    return std::move(**found);
}

Result<std::vector<IntentRecord>> SqliteAccess::queryIntents(const char* sql,
                                                             std::string_view nodeGroup) {
    auto stmt = conn_->prepare(sql);
    if (!stmt) {
        return unexpected(stmt.error());
    }
    if (!nodeGroup.empty()) {
        stmt->bind(":group", nodeGroup);
    }
    std::vector<IntentRecord> intents;
    for (;;) {
        auto row = stmt->step();
        if (!row) {
            return unexpected(row.error());
        }
        if (!*row) {
            return intents;
        }
        auto intent = decodeIntent(*stmt, conn_->path());
        if (!intent) {
            return unexpected(intent.error());
        }
        intents.push_back(std::move(*intent));
    }
}

Result<std::vector<IntentRecord>> SqliteAccess::openIntents() {
    return queryIntents("SELECT id, token, node_group, action, node_id, state, payload, detail, "
                        "created_ms, updated_ms"
                        " FROM intents WHERE state = 'pending' ORDER BY id",
                        {});
}

Result<std::vector<IntentRecord>> SqliteAccess::intentsFor(std::string_view nodeGroup) {
    if (auto r = requireName("node group name", nodeGroup); !r) {
        return unexpected(r.error());
    }
    return queryIntents("SELECT id, token, node_group, action, node_id, state, payload, detail, "
                        "created_ms, updated_ms"
                        " FROM intents WHERE node_group = :group ORDER BY id",
                        nodeGroup);
}

Result<std::int64_t> SqliteAccess::pruneIntents(std::int64_t updatedBeforeMs) {
    return atomically([&]() -> Result<std::int64_t> {
        auto stmt = conn_->prepare("DELETE FROM intents WHERE state <> 'pending'"
                                   " AND updated_ms < :cutoff RETURNING id");
        if (!stmt) {
            return unexpected(stmt.error());
        }
        stmt->bind(":cutoff", updatedBeforeMs);
        std::int64_t removed = 0;
        for (;;) {
            auto row = stmt->step();
            if (!row) {
                return unexpected(row.error());
            }
            if (!*row) {
                return removed;
            }
            ++removed;
        }
    });
}

} // namespace sy::store::detail
