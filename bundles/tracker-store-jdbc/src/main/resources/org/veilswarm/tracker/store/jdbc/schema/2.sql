-- Schema version 2 of the JDBC tracker store (portable: H2 2.x and PostgreSQL 12+).
-- The change feed moves from one row per change (table changes) to one row per run of consecutive changes:
-- the write-behind store appends one change per answered announce, and a row with an index entry for each made
-- its flusher the tracker's largest consumer of CPU. SchemaMigrator copies the rows of changes into
-- change_batches (FeedMigration, in Java: the text encoding is FeedCodec's) and then drops changes.

-- Changes first_seq..last_seq, in order, as FeedCodec text. Rows never overlap and leave no gap except where
-- retention deleted the oldest ones.
CREATE TABLE change_batches (
    last_seq   BIGINT PRIMARY KEY,
    first_seq  BIGINT NOT NULL,
    entries    VARCHAR NOT NULL
);

-- Only the write-through store's expiry read it (once per expiry run); every peer write moved its entry.
DROP INDEX peers_last_seen;
