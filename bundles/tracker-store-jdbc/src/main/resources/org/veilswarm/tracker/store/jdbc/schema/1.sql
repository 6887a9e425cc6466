-- Schema version 1 of the JDBC tracker store. Portable SQL: runs unchanged on H2 2.x and PostgreSQL 12+.
-- Hashes and peer ids are lower-case hex; instants are epoch seconds + nanoseconds (exact round trip).

-- One row per torrent that has a record or at least one peer, keyed by the 20-byte wire form of its
-- info-hash (a v2 hash truncated, BEP 52). Record columns are NULL while the torrent has peers only.
CREATE TABLE torrents (
    info_key       VARCHAR(40) PRIMARY KEY,
    info_hash      VARCHAR(64),
    name           VARCHAR,
    description    VARCHAR,
    size_bytes     BIGINT,
    visibility     VARCHAR(16),
    added_seconds  BIGINT,
    added_nanos    INTEGER,
    search_text    VARCHAR,
    completed      BIGINT NOT NULL DEFAULT 0,
    -- Peer counts kept in step with the peers table, so that an announce or scrape reads one row.
    seeders        INTEGER NOT NULL DEFAULT 0,
    leechers       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX torrents_added ON torrents (added_seconds, added_nanos);

CREATE TABLE torrent_tags (
    info_key  VARCHAR(40) NOT NULL REFERENCES torrents (info_key) ON DELETE CASCADE,
    tag       VARCHAR NOT NULL,
    PRIMARY KEY (info_key, tag)
);

CREATE TABLE torrent_files (
    info_key    VARCHAR(40) NOT NULL REFERENCES torrents (info_key) ON DELETE CASCADE,
    file_index  INTEGER NOT NULL,
    path        VARCHAR NOT NULL,
    PRIMARY KEY (info_key, file_index)
);

-- Peers of a torrent, keyed by transport address: a re-announce from the same address replaces the row.
CREATE TABLE peers (
    info_key           VARCHAR(40) NOT NULL REFERENCES torrents (info_key) ON DELETE CASCADE,
    host               VARCHAR(255) NOT NULL,
    port               INTEGER NOT NULL,
    info_hash          VARCHAR(64) NOT NULL,
    peer_id            VARCHAR(40) NOT NULL,
    left_bytes         BIGINT NOT NULL,
    uploaded           BIGINT NOT NULL,
    downloaded         BIGINT NOT NULL,
    last_seen_seconds  BIGINT NOT NULL,
    last_seen_nanos    INTEGER NOT NULL,
    -- Random, redrawn at every announce: peer lists are read from a random point of this index.
    sample_key         INTEGER NOT NULL,
    PRIMARY KEY (info_key, host, port)
);
CREATE INDEX peers_sample ON peers (info_key, sample_key);
CREATE INDEX peers_last_seen ON peers (last_seen_seconds, last_seen_nanos);

-- The change feed. seq is assigned from feed_head inside the writing transaction (see JdbcTrackerStore).
CREATE TABLE changes (
    seq                BIGINT PRIMARY KEY,
    kind               VARCHAR(16) NOT NULL,
    info_hash          VARCHAR(64) NOT NULL,
    peer_id            VARCHAR(40),
    host               VARCHAR(255),
    port               INTEGER,
    left_bytes         BIGINT,
    uploaded           BIGINT,
    downloaded         BIGINT,
    last_seen_seconds  BIGINT,
    last_seen_nanos    INTEGER,
    torrent_record     VARCHAR
);

CREATE TABLE feed_head (
    id   INTEGER PRIMARY KEY,
    seq  BIGINT NOT NULL
);
INSERT INTO feed_head (id, seq) VALUES (1, 0);

CREATE TABLE counters (
    name    VARCHAR(32) PRIMARY KEY,
    amount  BIGINT NOT NULL
);
INSERT INTO counters (name, amount) VALUES ('completed', 0);
