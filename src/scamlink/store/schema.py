"""Tables (SQLAlchemy Core). Migrations in `store/migrations` create exactly these."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
Id = BigInteger().with_variant(Integer(), "sqlite")

agencies = Table(
    "agencies",
    metadata,
    Column("code", String(16), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("country", String(2), nullable=False),
    Column("languages", String(100), nullable=False),  # space-separated BCP 47 codes
)

users = Table(
    "users",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("agency", String(16), ForeignKey("agencies.code"), nullable=False),
    Column("role", String(20), nullable=False),
    Column("display_name", String(200), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

reports = Table(
    "reports",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("agency", String(16), ForeignKey("agencies.code"), nullable=False),
    Column("external_id", String(100), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("incident_date", Date),
    Column("victim_country", String(2), nullable=False),
    Column("language", String(12), nullable=False),
    Column("scam_type", String(32), nullable=False),
    Column("loss_amount", Numeric(24, 6)),
    Column("loss_currency", String(8)),
    Column("narrative", Text, nullable=False),
    Column("tlp", String(12), nullable=False),
    Column("source", String(12), nullable=False, server_default="police"),
    Column("review_status", String(12), nullable=False, server_default="unverified"),
    UniqueConstraint("agency", "external_id"),
    Index(None, "agency", "tlp"),
    # Queries on received_at alone use ix_reports_received_at_id below.
    # The review queue (store/report_views.py): an agency's unverified reports per source,
    # newest first.
    Index(None, "agency", "review_status", "source", "received_at", "id"),
)

indicators = Table(
    "indicators",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("type", String(16), nullable=False),
    Column("value", String(2048), nullable=False),
    Column("display", String(2048), nullable=False),
    UniqueConstraint("type", "value"),
)

sightings = Table(
    "sightings",
    metadata,
    Column("report_id", ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    Column("indicator_id", ForeignKey("indicators.id"), primary_key=True),
    Column("role", String(24), nullable=False),
    Index(None, "indicator_id"),
)

# --- identity and audit (issue 4: users, API keys, login throttling, the audit chain) ---

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("key_id", String(32), nullable=False, unique=True),  # public prefix, looked up
    Column("user_id", ForeignKey("users.id"), nullable=False),
    Column("secret_hash", String(64), nullable=False),  # SHA-256 hex of the secret part
    Column("scopes", String(100), nullable=False),  # space-separated
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
)

# Failed sign-ins only, younger than the throttling window (older rows are pruned on insert).
login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("subject", String(300), nullable=False),  # "email:…" or "ip:…"
    Column("at", DateTime(timezone=True), nullable=False),
    Index(None, "subject", "at"),
    Index(None, "at"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(300), nullable=False),
    Column("actor_user_id", BigInteger),  # no foreign key: the log outlives its users
    Column("actor_agency", String(16)),
    Column("subject_agency", String(16)),  # the agency whose data or account was touched
    Column("action", String(64), nullable=False),
    Column("target", String(300), nullable=False),
    Column("details", Text, nullable=False),  # canonical JSON
    Column("hash", String(64), nullable=False),
    Index(None, "actor_agency", "seq"),
    Index(None, "subject_agency", "seq"),
)

# One row (id 1): the chain's last sequence number. Appends lock it, so two writers never
# both extend the same entry.
audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, nullable=False),
)

audit_checkpoints = Table(
    "audit_checkpoints",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("verified_at", DateTime(timezone=True), nullable=False),
    Column("public_key", String(64), nullable=False),  # Ed25519, hex
    Column("signature", String(128), nullable=False),  # hex
)

# --- victims (issue 4: encrypted personal data and keyed pseudonyms) ---

# Personal fields are AES-256-GCM ciphertexts (sharing/personal_data.py), never plaintext;
# `key_version` is the owner's data key that encrypted every field of the row.
victims = Table(
    "victims",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("ref", String(36), nullable=False, unique=True),  # random; bound into ciphertexts
    Column("agency", String(16), ForeignKey("agencies.code"), nullable=False),
    Column("key_version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("name", LargeBinary),
    Column("date_of_birth", LargeBinary),
    Column("nationality", LargeBinary),
    Column("id_number", LargeBinary),
    Column("phone", LargeBinary),
    Column("address", LargeBinary),
    Column("family_contact", LargeBinary),
    Index(None, "agency", "key_version"),
)

report_victims = Table(
    "report_victims",
    metadata,
    Column("report_id", ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    Column("victim_id", ForeignKey("victims.id", ondelete="CASCADE"), primary_key=True),
    Index(None, "victim_id"),
)

# HMAC tokens of normalised identifiers under a sharing group's key (sharing/pseudonyms.py).
victim_pseudonyms = Table(
    "victim_pseudonyms",
    metadata,
    Column("victim_id", ForeignKey("victims.id", ondelete="CASCADE"), primary_key=True),
    Column("sharing_group", String(64), primary_key=True),
    Column("kind", String(16), primary_key=True),
    Column("token", String(64), primary_key=True),
    Column("agency", String(16), ForeignKey("agencies.code"), nullable=False),
    Index(None, "token"),
)

# --- markings (issue 4: what may be seen — AMBER releases, RED recipients, partner caps) ---

sharing_groups = Table(
    "sharing_groups",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
)

sharing_group_members = Table(
    "sharing_group_members",
    metadata,
    Column("group_id", ForeignKey("sharing_groups.id", ondelete="CASCADE"), primary_key=True),
    Column("agency", ForeignKey("agencies.code"), primary_key=True),
    Index(None, "agency"),
)

# AMBER releases: a report → an agency, a report → a sharing group. The primary keys lead with
# report_id, so the visibility filter's EXISTS is one index probe per candidate report.
report_agency_releases = Table(
    "report_agency_releases",
    metadata,
    Column("report_id", ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    Column("agency", ForeignKey("agencies.code"), primary_key=True),
    Index(None, "agency"),
)

report_group_releases = Table(
    "report_group_releases",
    metadata,
    Column("report_id", ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", ForeignKey("sharing_groups.id"), primary_key=True),
    Index(None, "group_id"),
)

# RED: the named people.
report_recipients = Table(
    "report_recipients",
    metadata,
    Column("report_id", ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Index(None, "user_id"),
)

# The widest marking an owner agency lets one partner user see of its reports (default CLEAR).
partner_caps = Table(
    "partner_caps",
    metadata,
    Column("owner", ForeignKey("agencies.code"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("max_tlp", String(12), nullable=False),
    Index(None, "user_id"),
)

# Per-agency sharing settings; an agency without a row has every default.
agency_settings = Table(
    "agency_settings",
    metadata,
    Column("agency", ForeignKey("agencies.code"), primary_key=True),
    Column("disclose_hidden_counts", Boolean, nullable=False, default=False),
)

# Keyset pagination of the newest reports: (received_at, id) descending.
Index("ix_reports_received_at_id", reports.c.received_at, reports.c.id)

# Signed-in browser sessions, kept on the server so that signing out ends them for good: the
# cookie carries a random token, this table only its SHA-256.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("token_digest", String(64), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
    Index(None, "user_id"),
    Index(None, "expires_at"),
)

# --- campaigns (issue 5: reports linked by shared specific indicators) ---

# A persisted union-find, kept flat: every linked report names its campaign's current id, and
# a merge re-points the smaller campaign's reports to the larger one's id.
campaigns = Table(
    "campaigns",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("report_count", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index(None, "report_count"),
)

report_campaigns = Table(
    "report_campaigns",
    metadata,
    Column("report_id", ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    Column("campaign_id", ForeignKey("campaigns.id"), nullable=False),
    Index(None, "campaign_id"),
)

# The id a merged-away campaign had, and the campaign that absorbed it (followed transitively),
# so that a reference held by a case or a note never dangles.
campaign_redirects = Table(
    "campaign_redirects",
    metadata,
    Column("old_id", BigInteger, primary_key=True, autoincrement=False),
    Column("new_id", BigInteger, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index(None, "new_id"),
)

# --- intake (issue 5: idempotent API calls, attachments) ---

# The answer given to an API call made with an `Idempotency-Key` header, so a retry gets the
# same answer instead of storing twice; kept 24 hours (older rows are ignored and replaced).
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("agency", ForeignKey("agencies.code"), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("request_sha256", String(64), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("response", Text, nullable=False),  # the JSON body answered
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index(None, "created_at"),
)

# Files sent with reports (screenshots, chat exports, receipts), stored once per content under
# the data dir at attachments/<first two hex digits>/<the rest of the SHA-256>.
attachments = Table(
    "attachments",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("media_type", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

report_attachments = Table(
    "report_attachments",
    metadata,
    Column("report_id", ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    Column("sha256", ForeignKey("attachments.sha256"), primary_key=True),
    Column("filename", String(255), nullable=False),
    Index(None, "sha256"),
)

# --- linking (issue 5: per-indicator figures that decide which indicators link reports) ---

# One row per indicator that has a sighting, kept current by every stored batch
# (linking/incremental.py) and recomputed by `scamlink link rebuild`. `warninglist` names the
# list holding the value (it never links); `is_hub` says the figures crossed the policy's
# thresholds (linking/rules.py). `agencies` lists the reporting agencies' codes, space-separated
# and sorted, so the agency count grows without re-reading old sightings.
indicator_stats = Table(
    "indicator_stats",
    metadata,
    Column("indicator_id", ForeignKey("indicators.id", ondelete="CASCADE"), primary_key=True),
    Column("report_count", Integer, nullable=False),
    Column("agency_count", Integer, nullable=False),
    Column("agencies", String(1000), nullable=False),
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
    Column("is_hub", Boolean, nullable=False),
    Column("warninglist", String(100)),
)

# --- lookup (issue 6: partners' blocklists, the public query log) ---

# A value a partner's list names (`scamlink import indicators`): it counts as a verified report
# for every viewer its marking allows.
indicator_listings = Table(
    "indicator_listings",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("indicator_id", ForeignKey("indicators.id"), nullable=False),
    Column("list_source", String(100), nullable=False),
    Column("agency", ForeignKey("agencies.code"), nullable=False),
    Column("tlp", String(12), nullable=False),
    Column("listed_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("indicator_id", "list_source", "agency"),
    Index(None, "indicator_id"),
    Index(None, "listed_at"),
)

# What the public asked, kept only as the 5-hex hash prefix of the canonical key: enough to see
# load and abuse, never the value itself.
lookup_query_log = Table(
    "lookup_query_log",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("prefix", String(5), nullable=False),
    Column("verdict", String(16)),
    Index(None, "at"),
)

# Changes to what the lookup knows that no new report or listing id shows: a review decision
# (its report's indicators), a withdrawn listing. Appended in the change's transaction; the live
# index and the blocklist's deltas read the ids above their watermark (store/lookup.py).
lookup_changes = Table(
    "lookup_changes",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("indicator_id", ForeignKey("indicators.id"), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("cause", String(16), nullable=False),  # "review", "withdrawn"
    Index(None, "at"),
)

# --- cases (issue 7: cross-border cases, their timeline, links, referrals, notes and tasks) ---

# One row per case. `country` is where the case happens (for a person at risk: where they were
# last known to be), `nationality` the victims' or person's nationality: a desk officer sees
# the cases of their nationals in their host country (cases/policy.py). `next_due` is the
# earliest open deadline (the first response while there was none, else the next update),
# NULL once the case is resolved, closed or declined: "overdue" is `next_due < now`.
cases = Table(
    "cases",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("kind", String(24), nullable=False),
    Column("title", String(300), nullable=False),
    Column("summary", Text, nullable=False),
    Column("owner_agency", ForeignKey("agencies.code"), nullable=False),
    Column("assignee_user_id", ForeignKey("users.id", ondelete="SET NULL")),
    Column("created_by", BigInteger),  # no foreign key: the case outlives its author's account
    Column("priority", String(2), nullable=False),  # P1 (first) … P4
    Column("status", String(16), nullable=False),
    Column("tlp", String(12), nullable=False),
    Column("nationality", String(2)),
    Column("country", String(2)),
    # A person at risk: where they were last known to be and how they were recruited.
    Column("province", String(100)),
    Column("compound", String(200)),
    Column("latitude", Numeric(9, 6)),
    Column("longitude", Numeric(9, 6)),
    Column("last_contact_at", DateTime(timezone=True)),
    Column("recruitment", Text),
    # Takedown and freeze requests: what is to be taken down or frozen (canonical value).
    Column("target", String(2048)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("first_response_due", DateTime(timezone=True), nullable=False),
    Column("first_response_at", DateTime(timezone=True)),
    Column("next_update_due", DateTime(timezone=True)),
    Column("next_due", DateTime(timezone=True)),
    # The board (store/case_board.py): an agency's cases per status in card order; its overdue
    # cases counted per status from the index alone; a desk's nationals abroad per status.
    Index(None, "owner_agency", "status", "priority", "id"),
    Index(None, "owner_agency", "next_due", "status"),
    Index(None, "nationality", "country", "status", "priority", "id"),
    Index(None, "next_due"),  # the deadline check: deadlines passed since its last round
)

# The timeline, append-only: who (user, agency), when, what, from/to status, message.
# `audience` NULL: everyone who sees the case; otherwise only that agency (its notes, links).
case_events = Table(
    "case_events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor_user_id", BigInteger),
    Column("actor_agency", String(16)),
    Column("action", String(32), nullable=False),
    Column("from_status", String(16)),
    Column("to_status", String(16)),
    Column("message", Text, nullable=False),
    Column("audience", String(16)),
    Index(None, "case_id", "id"),
)

# What a case links: a report, a campaign (kept current through campaign_redirects), an
# indicator or a victim (personal data stays under the victims' rules).
case_links = Table(
    "case_links",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),  # report, campaign, indicator, victim
    Column("target_id", BigInteger, nullable=False),
    Column("role", String(16), nullable=False),  # victim, suspect, related
    Column("added_by", BigInteger),
    Column("added_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("case_id", "kind", "target_id"),
    Index(None, "kind", "target_id"),
)

# A case (or chosen parts of it) referred from one agency to another. The message is kept as
# written, in its language; `translation` (and its language) leaves room for one.
referrals = Table(
    "referrals",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    Column("from_agency", ForeignKey("agencies.code"), nullable=False),
    Column("to_agency", ForeignKey("agencies.code"), nullable=False),
    Column("message", Text, nullable=False),
    Column("language", String(12), nullable=False),
    Column("translation", Text),
    Column("translation_language", String(12)),
    Column("tlp", String(12), nullable=False),
    Column("include_details", Boolean, nullable=False),  # summary and person-at-risk details
    Column("status", String(12), nullable=False),  # pending, accepted, declined
    Column("reason", Text),  # why it was declined
    Column("created_by", BigInteger),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("respond_by", DateTime(timezone=True), nullable=False),
    Column("responded_by", BigInteger),
    Column("responded_at", DateTime(timezone=True)),
    Index(None, "to_agency", "status", "case_id"),
    Index(None, "case_id"),
)

# The links a referral shares (the referred part).
referral_links = Table(
    "referral_links",
    metadata,
    Column("referral_id", ForeignKey("referrals.id", ondelete="CASCADE"), primary_key=True),
    Column("link_id", ForeignKey("case_links.id", ondelete="CASCADE"), primary_key=True),
    Index(None, "link_id"),
)

# Each agency's own notes on a case, marked: AMBER+STRICT (the default) stays in the agency.
case_notes = Table(
    "case_notes",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    Column("agency", ForeignKey("agencies.code"), nullable=False),
    Column("author_user_id", BigInteger),
    Column("tlp", String(12), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index(None, "case_id", "id"),
)

# Each agency's own tasks on a case, with due dates.
case_tasks = Table(
    "case_tasks",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    Column("agency", ForeignKey("agencies.code"), nullable=False),
    Column("title", String(300), nullable=False),
    Column("due_at", DateTime(timezone=True)),
    Column("done_at", DateTime(timezone=True)),
    Column("created_by", BigInteger),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index(None, "case_id", "id"),
    Index(None, "agency", "done_at", "due_at"),
)

# An agency's own deadlines per priority (minutes); without a row, cases/deadlines.py defaults.
case_deadlines = Table(
    "case_deadlines",
    metadata,
    Column("agency", ForeignKey("agencies.code"), primary_key=True),
    Column("priority", String(2), primary_key=True),
    Column("first_response_minutes", Integer, nullable=False),
    Column("update_minutes", Integer, nullable=False),
)

# The board's counts (store/case_board.py): cases per owner, status, priority and kind, kept
# by database triggers (migration 0010_notifications) in the transaction of every case change.
case_status_counts = Table(
    "case_status_counts",
    metadata,
    Column("owner_agency", String(16), primary_key=True),
    Column("status", String(16), primary_key=True),
    Column("priority", String(2), primary_key=True),
    Column("kind", String(24), primary_key=True),
    Column("cases", Integer, nullable=False),
)

# The desk's counts: cases naming a nationality and a country, per marking, owner and status
# (kept by the same migration's triggers): a desk officer's nationals in the host country.
case_desk_counts = Table(
    "case_desk_counts",
    metadata,
    Column("nationality", String(2), primary_key=True),
    Column("country", String(2), primary_key=True),
    Column("tlp", String(12), primary_key=True),
    Column("owner_agency", String(16), primary_key=True),
    Column("status", String(16), primary_key=True),
    Column("cases", Integer, nullable=False),
)

# --- notifications of cases (issue 7 item 8: webhooks and e-mail; docs/notifications.md) ---

# An agency's subscriptions: a webhook (`target` a URL, `secret` signs each delivery) or an
# e-mail address, the events it wants (space-separated) and the language of its messages.
# Removing one disables it (`disabled_at`); its delivery log stays.
notification_subscriptions = Table(
    "notification_subscriptions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("agency", ForeignKey("agencies.code"), nullable=False),
    Column("channel", String(8), nullable=False),  # webhook, email
    Column("target", String(2048), nullable=False),
    Column("secret", String(128)),
    Column("events", String(200), nullable=False),
    Column("language", String(8), nullable=False),
    Column("created_by", BigInteger),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("disabled_at", DateTime(timezone=True)),
    Index(None, "agency"),
)

# The outbox and delivery log in one: a row per (event, subscription), written in the
# transaction of the case change it tells of, then delivered, retried with backoff
# (`next_attempt_at`; `lease_until` while a worker sends it) until delivered or failed.
notification_outbox = Table(
    "notification_outbox",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column(
        "subscription_id",
        ForeignKey("notification_subscriptions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("agency", String(16), nullable=False),  # the recipient
    Column("event", String(32), nullable=False),
    Column("case_id", BigInteger),
    Column("language", String(8), nullable=False),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),  # the message in `language`
    Column("payload", Text, nullable=False),  # the webhook's JSON body
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("status", String(12), nullable=False),  # pending, delivered, failed, cancelled
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", DateTime(timezone=True)),
    Column("lease_until", DateTime(timezone=True)),
    Column("last_error", Text),
    Column("delivered_at", DateTime(timezone=True)),
    Index(None, "status", "next_attempt_at"),
    Index(None, "subscription_id", "id"),
)

# Watermarks of periodic checks: `deadlines` = the deadline check's last round.
notification_state = Table(
    "notification_state",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
)

# Evidence of a case (cases/evidence.py, store/evidence.py): the bytes live once per content under
# the data dir's evidence/ folder, named by their SHA-256, and are never altered; one row per file
# added to a case, written once (a trigger refuses UPDATE). `agency` holds it (the uploader's).
case_evidence = Table(
    "case_evidence",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("media_type", String(100), nullable=False),
    Column("filename", String(255), nullable=False),
    Column("description", Text, nullable=False),
    Column("tlp", String(12), nullable=False),
    Column("agency", ForeignKey("agencies.code"), nullable=False),
    Column("added_by", BigInteger),
    Column("added_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("case_id", "sha256"),
)

# The evidence handed over with a referral: the receiving agency sees it once it accepted.
referral_evidence = Table(
    "referral_evidence",
    metadata,
    Column("referral_id", ForeignKey("referrals.id", ondelete="CASCADE"), primary_key=True),
    Column("evidence_id", ForeignKey("case_evidence.id", ondelete="CASCADE"), primary_key=True),
    Index(None, "evidence_id"),
)

# Chain of custody: every upload, view, download, hand-over and export of a piece of evidence.
# Append-only: triggers refuse UPDATE and DELETE (migration 0010_evidence).
evidence_custody = Table(
    "evidence_custody",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("evidence_id", ForeignKey("case_evidence.id"), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor_user_id", BigInteger),
    Column("actor_agency", String(16)),
    Column("action", String(16), nullable=False),
    Column("to_agency", String(16)),
    Column("to_person", String(200)),
    Column("referral_id", BigInteger),
    Column("note", Text, nullable=False),
    Index(None, "evidence_id", "id"),
)

# Tracing (store/transfers.py): exact amounts — NUMERIC on PostgreSQL, the decimal's text on
# SQLite (its NUMERIC affinity would make them binary floats). One row per token/native
# transfer, or per Bitcoin output (idx = vout); Bitcoin inputs in btc_inputs.
TransferAmount = Numeric().with_variant(Text(), "sqlite")

transfers = Table(
    "transfers",
    metadata,
    Column("chain", String(8), primary_key=True),
    Column("tx_hash", String(100), primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("ts", DateTime(timezone=True), nullable=False),
    Column("block", BigInteger),
    Column("from_address", String(100), nullable=False),
    Column("to_address", String(100), nullable=False),
    Column("token", String(32), nullable=False),
    Column("token_contract", String(100), nullable=False),
    Column("amount", TransferAmount, nullable=False),
    Index(None, "chain", "from_address", "token", "ts"),
    Index(None, "chain", "to_address", "token", "ts"),
)

btc_inputs = Table(
    "btc_inputs",
    metadata,
    Column("tx_hash", String(100), primary_key=True),
    Column("vin", Integer, primary_key=True),
    Column("prev_tx", String(100), nullable=False),
    Column("prev_index", BigInteger, nullable=False),
    Column("address", String(100), nullable=False),
    Column("value", TransferAmount, nullable=False),
    Index(None, "prev_tx", "prev_index"),
)

# Address labels (store/labels.py): GraphSense-style tags, one per (chain, address); a labelled
# service (exchange, bridge, OTC desk, mixer) is where a trace stops. Edited by the agency that
# created the label, every change audited.
address_labels = Table(
    "address_labels",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("chain", String(8), nullable=False),
    Column("address", String(100), nullable=False),
    Column("label", String(200), nullable=False),
    Column("category", String(16), nullable=False),
    Column("source", String(500), nullable=False),
    Column("confidence", Integer, nullable=False),
    Column("verified", Boolean, nullable=False),
    Column("created_by", ForeignKey("agencies.code"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("chain", "address"),
)
